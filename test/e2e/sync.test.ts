/**
 * `shopbridge sync` after a migration, black-box: the built CLI against the simulators on the curated fixtures. Edits
 * are made as users of each system would make them (the simulators' edit hooks and API), then the sides are compared.
 */
import { describe, expect, it } from "vitest"
import {
  describeRun,
  readActions,
  readReport,
  runCli,
  runIdFrom,
  sleep,
  snapshot,
  spawnCli,
  waitFor,
  writesIn,
  type World,
  worldPerTest
} from "./migrateHarness.js"
import {
  autogmsApi,
  autogmsCustomer,
  autogmsVehicle,
  autoleapCustomer,
  autoleapVehicle,
  expectDone,
  migratedPair as pairOf,
  migratedWorld,
  sync
} from "./syncHarness.js"

/** Requests other than authentication, per simulator, since `before`. */
const dataRequests = (world: World, system: "autoleap" | "autogms", before: Readonly<Record<string, number>>): number =>
  Object.entries(world.sandbox[system].stats().byEndpoint)
    .filter(([endpoint]) => !/login|logout|refresh|token/i.test(endpoint))
    .reduce((n, [endpoint, count]) => n + count - (before[endpoint] ?? 0), 0)

const migratedPair = (world: World, index = 0) => pairOf(world, "customers", index)

describe("shopbridge sync", () => {
  const newWorld = worldPerTest()

  it("edits on either side reach the other, a second sync writes nothing, an idle sync makes at most 4 data requests per entity per side", async () => {
    const world = await migratedWorld(newWorld)
    const { autoleapId, autogmsId } = migratedPair(world)
    const quiet = await sync(world)
    expectDone(quiet)
    expect(quiet.stderr).toContain("nothing to do")

    const al = { ...world.sandbox.autoleap.stats().byEndpoint }
    const ag = { ...world.sandbox.autogms.stats().byEndpoint }
    const idle = await sync(world)
    expectDone(idle)
    expect(dataRequests(world, "autoleap", al)).toBeLessThanOrEqual(4 * 2)
    expect(dataRequests(world, "autogms", ag)).toBeLessThanOrEqual(4 * 2)

    world.sandbox.autoleap.edit("customers", autoleapId, { notes: "new in AutoLeap" })
    const otherPair = migratedPair(world, 1)
    world.sandbox.autogms.edit("customers", otherPair.autogmsId, { notes: "new in autoGMS" })
    const carried = await sync(world)
    expectDone(carried)
    expect(autogmsCustomer(world, autogmsId)?.["notes"]).toBe("new in AutoLeap")
    expect(autoleapCustomer(world, otherPair.autoleapId)?.["notes"]).toBe("new in autoGMS")

    const writesBefore = { al: writesIn(world.sandbox.autoleap.stats()), ag: writesIn(world.sandbox.autogms.stats()) }
    const again = await sync(world)
    expectDone(again)
    expect(again.stderr).toContain("nothing to do")
    expect(writesIn(world.sandbox.autoleap.stats())).toEqual(writesBefore.al)
    expect(writesIn(world.sandbox.autogms.stats())).toEqual(writesBefore.ag)
  })

  it("a quiet shop's sync reads nothing: the cursor moves to the server's time before its last read, not only to the newest change", async () => {
    const world = await migratedWorld(newWorld)
    const overlap = ["--overlap", "1s"]
    // The servers' Date header counts whole seconds: waits of 2.5 s put each read past the overlap before it.
    await sleep(2_500)
    expectDone(await sync(world, overlap))
    await sleep(2_500)
    const al = { ...world.sandbox.autoleap.stats().byEndpoint }
    const ag = { ...world.sandbox.autogms.stats().byEndpoint }
    const quiet = await sync(world, overlap)
    expectDone(quiet)
    const report = readReport(world.runsDir, runIdFrom(quiet.stdout, [world.runsDir]) ?? "")
    // The newest changes (the migration's and the first sync's writes) lie before the last read: none is read again.
    expect(report.directions.map((d) => [d.from, d.entities.customers?.read, d.entities.vehicles?.read])).toEqual([
      ["autoleap", 0, 0],
      ["autogms", 0, 0]
    ])
    // One list call per entity that answers an empty page, and the credential check.
    expect(dataRequests(world, "autoleap", al)).toBe(3)
    expect(dataRequests(world, "autogms", ag)).toBe(3)
  })

  it("different fields changed on each side merge; the same field resolves by policy on both sides (newest, then manual until resolved)", async () => {
    const world = await migratedWorld(newWorld)
    const { autoleapId, autogmsId } = migratedPair(world)
    world.sandbox.autoleap.edit("customers", autoleapId, { notes: "notes from AutoLeap" })
    world.sandbox.autogms.edit("customers", autogmsId, { marketingOptIn: true, firstName: "Later" })
    expectDone(await sync(world))
    expect(autogmsCustomer(world, autogmsId)?.["notes"]).toBe("notes from AutoLeap")
    expect(autoleapCustomer(world, autoleapId)?.["firstName"]).toBe("Later")

    // Same field, both sides: the newer edit (autoGMS, made after AutoLeap's) wins on both.
    world.sandbox.autoleap.edit("customers", autoleapId, { notes: "older" })
    await sleep(20)
    world.sandbox.autogms.edit("customers", autogmsId, { notes: "newer" })
    const resolved = await sync(world)
    expectDone(resolved)
    expect(autoleapCustomer(world, autoleapId)?.["notes"]).toBe("newer")
    expect(autogmsCustomer(world, autogmsId)?.["notes"]).toBe("newer")
    const report = readReport(world.runsDir, runIdFrom(resolved.stdout, [world.runsDir]) ?? "")
    expect(report.conflicts).toEqual([expect.objectContaining({ fields: ["notes"], autoleapId, autogmsId })])

    // manual: nothing written for that field, exit 1 until resolved.
    world.sandbox.autoleap.edit("customers", autoleapId, { notes: "left" })
    world.sandbox.autogms.edit("customers", autogmsId, { notes: "right" })
    const manual = await sync(world, ["--conflict", "manual"])
    expect(manual.code, describeRun(manual)).toBe(1)
    expect(autoleapCustomer(world, autoleapId)?.["notes"]).toBe("left")
    expect(autogmsCustomer(world, autogmsId)?.["notes"]).toBe("right")
    const listed = await runCli(["conflicts", "--state", world.state], { env: world.env, cwd: world.dir })
    expect(listed.code, describeRun(listed)).toBe(0)
    expect(listed.stdout).toContain("left")
    expect(listed.stdout).toContain("right")
    const id = /^\s*(\d+)\s/m.exec(listed.stdout.split("\n").slice(1).join("\n"))?.[1]
    expect(id).toBeDefined()
    const settle = await runCli(["conflicts", "resolve", id ?? "", "--take", "autogms", "--state", world.state], { env: world.env, cwd: world.dir })
    expect(settle.code, describeRun(settle)).toBe(0)
    expectDone(await sync(world, ["--conflict", "manual"]))
    expect(autoleapCustomer(world, autoleapId)?.["notes"]).toBe("right")
    expect(autogmsCustomer(world, autogmsId)?.["notes"]).toBe("right")
  })

  it("a customer new in autoGMS appears once in AutoLeap; AutoLeap-only fields of every AutoLeap record are untouched", async () => {
    const world = await migratedWorld(newWorld)
    const before = new Map(snapshot(world, "autoleap").customers.map((c) => [c["customerId"], c]))
    const created = await fetch(`${world.env["AUTOGMS_BASE_URL"]}/garages/${world.env["AUTOGMS_GARAGE_ID"]}/customers`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": world.env["AUTOGMS_API_KEY"] ?? "" },
      body: JSON.stringify({ firstName: "Nora", lastName: "Quill", email: "nora.quill@example.com" })
    })
    expect(created.status).toBe(201)
    expectDone(await sync(world))
    expectDone(await sync(world))
    const nora = snapshot(world, "autoleap").customers.filter((c) => c["firstName"] === "Nora" && c["lastName"] === "Quill")
    expect(nora).toHaveLength(1)
    const kept = ["displayName", "chargeAccount", "preferredLocationID", "languagePreference", "phones", "emails"]
    for (const after of snapshot(world, "autoleap").customers) {
      const was = before.get(after["customerId"])
      if (was === undefined) continue
      for (const field of kept) expect(after[field], `${String(after["customerId"])}.${field}`).toEqual(was[field])
    }
  })

  it("a vehicle moved to another customer on either side is moved on the other", async () => {
    const world = await migratedWorld(newWorld)
    const vehicle = pairOf(world, "vehicles")
    const ownerOn = {
      autoleap: () => String(autoleapVehicle(world, vehicle.autoleapId)?.["customerId"]),
      autogms: () => String(autogmsVehicle(world, vehicle.autogmsId)?.["customerId"])
    }
    // Two customers the vehicle does not belong to, linked by the migration.
    const others = [0, 1, 2].map((i) => migratedPair(world, i)).filter((c) => c.autoleapId !== ownerOn.autoleap())
    const [first, second] = others
    if (first === undefined || second === undefined) throw new Error("the migration linked too few customers")

    // Moved in AutoLeap (a user of AutoLeap's app): autoGMS follows.
    world.sandbox.autoleap.edit("vehicles", vehicle.autoleapId, { customerId: first.autoleapId })
    const towardsAutogms = await sync(world)
    expectDone(towardsAutogms)
    expect(ownerOn.autogms()).toBe(first.autogmsId)
    const moved = readActions(world.runsDir, runIdFrom(towardsAutogms.stdout, [world.runsDir]) ?? "")
    expect(moved.filter((a) => a.action === "update").map((a) => [a.entity, a.sourceId, a.targetId])).toEqual([["vehicles", vehicle.autoleapId, vehicle.autogmsId]])

    // Moved in autoGMS (through its API: a PATCH with a new customerId moves it): AutoLeap follows.
    const patched = await autogmsApi(world, "PATCH", `/vehicles/${vehicle.autogmsId}`, { customerId: second.autogmsId })
    expect(patched.status).toBe(200)
    const towardsAutoleap = await sync(world)
    expectDone(towardsAutoleap)
    expect(ownerOn.autoleap()).toBe(second.autoleapId)
    expect(ownerOn.autogms()).toBe(second.autogmsId)

    // Settled: the next sync finds nothing to do on either side.
    const quiet = await sync(world)
    expectDone(quiet)
    expect(quiet.stderr).toContain("nothing to do")
  })

  it("a sync killed with SIGKILL and resumed duplicates nothing and loses no change", async () => {
    const world = await migratedWorld(newWorld)
    const edited = snapshot(world, "autoleap").customers.slice(0, 12).map((c) => String(c["customerId"]))
    for (const id of edited) world.sandbox.autoleap.edit("customers", id, { notes: `changed ${id}` })
    const running = spawnCli(["sync", "--state", world.state, "--runs-dir", world.runsDir], { env: world.env, cwd: world.dir })
    const sandbox = world.sandbox
    const writes = () => Object.values(writesIn(sandbox.autogms.stats())).reduce((a, b) => a + b, 0)
    const base = writes()
    await waitFor(() => writes() > base + 2, 20_000)
    running.child.kill("SIGKILL")
    await running.done
    const resumed = await runCli(["resume", "--state", world.state], { env: world.env, cwd: world.dir })
    expectDone(resumed)
    expectDone(await sync(world))
    const notes = snapshot(world, "autogms").customers.map((c) => String(c["notes"] ?? ""))
    for (const id of edited) {
      const linked = notes.filter((n) => n === `changed ${id}`)
      expect(linked.length, id).toBeLessThanOrEqual(1)
    }
    const emails = snapshot(world, "autogms").customers.map((c) => c["email"]).filter((e) => typeof e === "string" && e !== "")
    expect(new Set(emails).size).toBe(emails.length)
  })
})
