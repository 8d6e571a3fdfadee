/**
 * `shopbridge webhooks register` and `webhooks serve`, black-box: the built CLI against the simulators on the curated
 * fixtures. A customer created in autoGMS (through its API, as a user of autoGMS would) is announced by the simulator's
 * webhook, and must reach AutoLeap within 10 s of that delivery, exactly once; forged and replayed deliveries must not
 * start anything.
 */
import Database from "better-sqlite3"
import { createHmac } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { withCorrectCheckDigit } from "../../src/domain/vin.js"
import type { WebhookDelivery } from "../../src/sim/autogms/index.js"
import {
  describeRun,
  ensureBuilt,
  killAll,
  migrate,
  runCli,
  snapshot,
  spawnCli,
  startWorld,
  waitFor,
  type Running,
  type World
} from "./migrateHarness.js"

type Rec = Record<string, unknown>

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

/** The secret `register` stored, read straight from the state file (only this test looks at it). */
const storedSecret = (statePath: string): string => {
  const db = new Database(statePath, { readonly: true })
  try {
    return (db.prepare("SELECT secret FROM webhook_subscriptions").get() as { secret: string }).secret
  } finally {
    db.close()
  }
}

const storedSubscriptions = (statePath: string): number => {
  const db = new Database(statePath, { readonly: true })
  try {
    return (db.prepare("SELECT count(*) AS n FROM webhook_subscriptions").get() as { n: number }).n
  } finally {
    db.close()
  }
}

/** Every file a run left, as one string (log.ndjson and the reports must not hold the secret). */
const runFiles = (runsDir: string): string =>
  readdirSync(runsDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"))
    .join("\n")

const post = async (url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: Rec }> => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })
  return { status: res.status, body: (await res.json()) as Rec }
}

/** A create through the autoGMS API, as the autoGMS app does it for a user. */
const autogmsCreate = async (world: World, path: string, body: Rec): Promise<Rec> => {
  const res = await fetch(`${world.env["AUTOGMS_BASE_URL"]}/garages/${world.env["AUTOGMS_GARAGE_ID"]}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": world.env["AUTOGMS_API_KEY"]! },
    body: JSON.stringify(body)
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { data: Rec }).data
}

const autoleapCustomersWithEmail = (world: World, email: string): Array<Rec> =>
  snapshot(world, "autoleap").customers.filter((c) =>
    ((c["emails"] as Array<Rec> | undefined) ?? []).some((e) => String(e["emailAddress"]).toLowerCase() === email)
  )

const autoleapVehiclesWithVin = (world: World, vin: string): Array<Rec> => snapshot(world, "autoleap").vehicles.filter((v) => v["vin"] === vin)

const lines = (text: string, pattern: RegExp): Array<string> => text.split("\n").filter((l) => pattern.test(l))

/** The report folder of the nth webhook sync, from the line `webhooks serve` prints when it is done. */
const reportDirOf = (stderr: string, nth: number): string => {
  const dir = lines(stderr, /sync \S+ done/)[nth]?.match(/report: (.+)\)$/)?.[1]
  if (dir === undefined) throw new Error(`no report folder for webhook sync ${nth}:\n${stderr}`)
  return dir
}

interface SyncReport {
  readonly command: string
  readonly sync: { readonly cursors: ReadonlyArray<{ readonly system: string; readonly entity: string; readonly before: string | null; readonly after: string | null }> }
}

const readReport = (dir: string): SyncReport => JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as SyncReport

describe("shopbridge webhooks", () => {
  let world: World | undefined
  let serve: Running | undefined
  beforeAll(ensureBuilt, 180_000)
  afterEach(async () => {
    serve?.child.kill("SIGKILL")
    serve = undefined
    await world?.close()
    world = undefined
  })
  afterAll(killAll)

  it("register keeps a fresh secret; serve rejects forged deliveries, ignores replays, and syncs a new customer to AutoLeap within 10 s, once", async () => {
    world = await startWorld({ seed: "small" })
    const migrated = await migrate(world, "autoleap", "autogms").done
    expect([0, 1], describeRun(migrated)).toContain(migrated.code)
    const cli = (args: ReadonlyArray<string>) => runCli(args, { env: world!.env, cwd: world!.dir })

    // --- register --------------------------------------------------------------------------------------------------
    const port = await freePort()
    const hookUrl = `http://127.0.0.1:${port}/webhooks/autogms`
    const registered = await cli(["webhooks", "register", "--url", hookUrl, "--state", world.state])
    expect(registered.code, describeRun(registered)).toBe(0)
    const [subscription] = world.sandbox.autogms.webhooks.subscriptions()
    expect(subscription).toMatchObject({ url: hookUrl, events: ["customer.created"], active: true })
    expect(registered.stdout.trim()).toBe(subscription!.id)
    const secret = storedSecret(world.state)
    expect(secret).toMatch(/^[0-9a-f]{64}$/)
    expect(`${registered.stdout}${registered.stderr}`).not.toContain(secret)

    // --- serve -----------------------------------------------------------------------------------------------------
    serve = spawnCli(["webhooks", "serve", "--port", String(port), "--state", world.state, "--runs-dir", world.runsDir], {
      env: world.env,
      cwd: world.dir,
      timeoutMs: 120_000
    })
    expect(await waitFor(() => serve!.stderr().includes("listening on"), 15_000), serve.stderr()).toBe(true)
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)

    // --- forged deliveries: 401, nothing recorded ------------------------------------------------------------------
    const forgedBody = JSON.stringify({ id: "evt_x", event: "customer.created", garageId: world.env["AUTOGMS_GARAGE_ID"], createdAt: new Date().toISOString(), data: { id: "cus_x" } })
    const forged = { "x-autogms-event": "customer.created", "x-autogms-delivery": "dlv_forged" }
    expect((await post(hookUrl, forgedBody, { ...forged, "x-autogms-signature": `sha256=${"0".repeat(64)}` })).status).toBe(401)
    expect((await post(hookUrl, forgedBody, { ...forged, "x-autogms-signature": `sha256=${createHmac("sha256", "not-the-secret").update(forgedBody).digest("hex")}` })).status).toBe(401)
    expect((await post(hookUrl, forgedBody, forged)).status).toBe(401)

    // --- a user creates two customers in autoGMS, the first with a vehicle right after --------------------------------
    const autoleapCustomersBefore = snapshot(world, "autoleap").customers.length
    const email = "webhook.first@example.com"
    const vin = withCorrectCheckDigit("1HGCM82630A004352")
    const first = await autogmsCreate(world, "/customers", { firstName: "Wendy", lastName: "Hook", email, phone: "+15550107001" })
    const second = await autogmsCreate(world, "/customers", { firstName: "Walter", lastName: "Hook", email: "webhook.second@example.com" })
    await autogmsCreate(world, `/customers/${String(first["id"])}/vehicles`, { make: "Honda", model: "Accord", year: 2003, vin })

    const delivered = (customerId: unknown): WebhookDelivery | undefined =>
      world!.sandbox.autogms.webhooks.deliveries().find((d) => d.status === "delivered" && JSON.parse(d.request.body).data.id === customerId)
    expect(await waitFor(() => delivered(first["id"]) !== undefined && delivered(second["id"]) !== undefined, 10_000), serve.stderr()).toBe(true)
    const delivery = delivered(first["id"])!
    const deliveredAt = Date.parse(delivery.attempts.at(-1)!.at)

    expect(await waitFor(() => autoleapCustomersWithEmail(world!, email).length > 0, 15_000, 20), serve.stderr()).toBe(true)
    const secondsToAutoleap = (Date.now() - deliveredAt) / 1000
    console.log(`webhook → AutoLeap: ${secondsToAutoleap.toFixed(2)} s (settle 3 s)`)
    expect(secondsToAutoleap).toBeLessThan(10)

    // --- a replay of the real delivery (same id, same signed body): 200, and nothing more happens --------------------
    const replay = await post(hookUrl, delivery.request.body, delivery.request.headers)
    expect(replay).toEqual({ status: 200, body: { ok: true, duplicate: true } })

    expect(await waitFor(() => /sync \S+ done/.test(serve!.stderr()), 30_000), serve.stderr()).toBe(true)
    // Longer than the settle time: a replay that started a round would show by now.
    await new Promise((r) => setTimeout(r, 4_000))
    const syncs = lines(serve.stderr(), /syncing autoGMS → AutoLeap/)
    expect(syncs, serve.stderr()).toHaveLength(1)
    // Both deliveries within the settle time share that one sync (debounce).
    expect(syncs[0]).toContain("2 delivery(ies)")

    // --- exactly once, vehicle included; only the customers named (autoGMS's own unlinked ones wait for the sweep) ---
    expect(autoleapCustomersWithEmail(world, email)).toHaveLength(1)
    expect(autoleapCustomersWithEmail(world, "webhook.second@example.com")).toHaveLength(1)
    expect(autoleapVehiclesWithVin(world, vin)).toHaveLength(1)
    expect(snapshot(world, "autoleap").customers.length).toBe(autoleapCustomersBefore + 2)
    // A targeted sync moves no cursor: the scheduled sync must still read everything since the last sweep.
    const targeted = readReport(reportDirOf(serve.stderr(), 0))
    expect(targeted.command).toBe("sync")
    expect(targeted.sync.cursors.length).toBeGreaterThan(0)
    for (const cursor of targeted.sync.cursors) expect(cursor.after, JSON.stringify(cursor)).toBe(cursor.before)

    // --- a later customer: the steady state (the first sync also copied autoGMS's own, never-linked records) ----------
    const later = await autogmsCreate(world, "/customers", { firstName: "Wilma", lastName: "Hook", email: "webhook.later@example.com" })
    expect(await waitFor(() => delivered(later["id"]) !== undefined, 10_000), serve.stderr()).toBe(true)
    const laterAt = Date.parse(delivered(later["id"])!.attempts.at(-1)!.at)
    expect(await waitFor(() => autoleapCustomersWithEmail(world!, "webhook.later@example.com").length > 0, 15_000, 20), serve.stderr()).toBe(true)
    const laterSeconds = (Date.now() - laterAt) / 1000
    console.log(`webhook → AutoLeap, next customer: ${laterSeconds.toFixed(2)} s (settle 3 s)`)
    expect(laterSeconds).toBeLessThan(10)
    expect(await waitFor(() => lines(serve!.stderr(), /sync \S+ done/).length === 2, 30_000), serve.stderr()).toBe(true)
    expect(autoleapCustomersWithEmail(world, "webhook.later@example.com")).toHaveLength(1)
    expect(autoleapCustomersWithEmail(world, email)).toHaveLength(1)

    // --- the scheduled sweep runs at the same moment as a webhook's sync: the customer still arrives once ------------
    const raced = "webhook.race@example.com"
    await autogmsCreate(world, "/customers", { firstName: "Rita", lastName: "Hook", email: raced })
    const sweep = await cli(["sync", "--state", world.state, "--runs-dir", world.runsDir])
    expect([0, 1], describeRun(sweep)).toContain(sweep.code)
    expect(await waitFor(() => lines(serve!.stderr(), /sync \S+ done/).length === 3, 30_000), serve.stderr()).toBe(true)
    expect(autoleapCustomersWithEmail(world, raced)).toHaveLength(1)
    // The sweep also brought over autoGMS's own customers the webhooks never named.
    expect(snapshot(world, "autoleap").customers.length).toBeGreaterThan(autoleapCustomersBefore + 4)
    const afterSweep = await cli(["sync", "--state", world.state, "--runs-dir", world.runsDir])
    expect(afterSweep.stderr, describeRun(afterSweep)).toContain("nothing to do")
    expect(autoleapCustomersWithEmail(world, raced)).toHaveLength(1)

    // --- stops cleanly; the secret was never printed or logged ---------------------------------------------------------
    serve.child.kill("SIGTERM")
    const stopped = await serve.done
    expect(stopped.code, describeRun(stopped)).toBe(0)
    expect(`${stopped.stdout}${stopped.stderr}`).not.toContain(secret)
    expect(runFiles(world.runsDir)).not.toContain(secret)
  }, 120_000)

  it("serve without a subscription, or with a bad --settle, exits 2 naming what to do", async () => {
    world = await startWorld({ seed: "small" })
    const cli = (args: ReadonlyArray<string>) => runCli(args, { env: world!.env, cwd: world!.dir })
    const none = await cli(["webhooks", "serve", "--port", "0", "--state", world.state])
    expect(none.code, describeRun(none)).toBe(2)
    expect(none.stderr).toContain("webhooks register --url URL")
    const badSettle = await cli(["webhooks", "serve", "--settle", "soon", "--state", world.state])
    expect(badSettle.code, describeRun(badSettle)).toBe(2)
    expect(badSettle.stderr).toContain("--settle")
    const badUrl = await cli(["webhooks", "register", "--url", "not a url", "--state", world.state])
    expect(badUrl.code, describeRun(badUrl)).toBe(2)
    // A read-only key cannot subscribe: exit 3 naming the key, and no secret kept for a subscription that does not exist.
    const readOnly = await runCli(["webhooks", "register", "--url", "http://127.0.0.1:8787/webhooks/autogms", "--state", world.state], {
      env: { ...world.env, AUTOGMS_API_KEY: "agms_pk_test_sandbox_ro" },
      cwd: world.dir
    })
    expect(readOnly.code, describeRun(readOnly)).toBe(3)
    expect(readOnly.stderr).toContain("AUTOGMS_API_KEY")
    expect(world.sandbox.autogms.webhooks.subscriptions()).toHaveLength(0)
    expect(storedSubscriptions(world.state)).toBe(0)
    const again = await cli(["webhooks", "serve", "--port", "0", "--state", world.state])
    expect(again.code, describeRun(again)).toBe(2)
  }, 60_000)
})
