/**
 * Archives and deletes under `shopbridge sync`, black-box: the built CLI against the simulators on the curated fixtures,
 * with a mapping file as a shop would write it. Off (the default) they are reported only; on, an AutoLeap archive
 * deletes in autoGMS and an autoGMS delete (found by --reconcile, never by absence from a change window) archives in
 * AutoLeap; one sync that would carry over more than the threshold carries over none.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { describeRun, readActions, readReport, runIdFrom, writesIn, worldPerTest, type CliResult, type World } from "./migrateHarness.js"
import {
  autogmsApi,
  autogmsCustomer,
  autogmsVehicle,
  autoleapVehicle,
  expectDone,
  migratedPair,
  migratedWorld,
  sync,
  type Pair
} from "./syncHarness.js"

/** A shop's mapping file holding only its `sync.deletes`. */
const mappingWith = (world: World, deletes: Record<string, unknown>): string => {
  const file = join(world.dir, `deletes-${Object.values(deletes).join("-")}.json`)
  writeFileSync(file, JSON.stringify({ sync: { deletes } }))
  return file
}

const actionsOf = (world: World, run: CliResult) => readActions(world.runsDir, runIdFrom(run.stdout, [world.runsDir]) ?? "")
const reportOf = (world: World, run: CliResult) => readReport(world.runsDir, runIdFrom(run.stdout, [world.runsDir]) ?? "")

const deleteInAutogms = async (world: World, vehicle: Pair) => {
  const deleted = await autogmsApi(world, "DELETE", `/vehicles/${vehicle.autogmsId}`)
  expect(deleted.status).toBe(200)
}

const archiveInAutoleap = (world: World, entity: "customers" | "vehicles", id: string) =>
  world.sandbox.autoleap.edit(entity, id, entity === "customers" ? { customerStatus: "Inactive" } : { vehicleStatus: "Inactive" })

const writesTo = (world: World) => ({ autoleap: writesIn(world.sandbox.autoleap.stats()), autogms: writesIn(world.sandbox.autogms.stats()) })

describe("shopbridge sync: archives and deletes", () => {
  const newWorld = worldPerTest()

  it("off (the default): an AutoLeap archive and an autoGMS delete are reported, and nothing is archived or deleted", async () => {
    const world = await migratedWorld(newWorld)
    const archived = migratedPair(world, "vehicles", 0)
    const deleted = migratedPair(world, "vehicles", 1)
    archiveInAutoleap(world, "vehicles", archived.autoleapId)
    await deleteInAutogms(world, deleted)

    const windowed = await sync(world)
    expectDone(windowed)
    const seen = actionsOf(world, windowed)
    expect(seen.filter((a) => a.reason === "ARCHIVED").map((a) => [a.action, a.entity, a.sourceId, a.targetId])).toEqual([
      ["skip", "vehicles", archived.autoleapId, archived.autogmsId]
    ])
    // Absence from a change window is never a delete.
    expect(seen.some((a) => a.reason === "DELETED")).toBe(false)
    expect(autogmsVehicle(world, archived.autogmsId)).toBeDefined()

    const reconcile = await sync(world, ["--reconcile"])
    expectDone(reconcile)
    const found = actionsOf(world, reconcile).filter((a) => a.reason === "DELETED")
    expect(found.map((a) => [a.action, a.entity, a.sourceId, a.targetId])).toEqual([["skip", "vehicles", deleted.autogmsId, deleted.autoleapId]])
    expect(autoleapVehicle(world, deleted.autoleapId)?.["vehicleStatus"]).toBe("Active")
    expect(autogmsVehicle(world, archived.autogmsId)).toBeDefined()
    expect(reportOf(world, reconcile).directions.every((d) => (d.entities.vehicles?.archived ?? 0) + (d.entities.vehicles?.deleted ?? 0) === 0)).toBe(true)
  })

  it("on: an AutoLeap archive deletes the vehicle in autoGMS; an autoGMS delete, found by --reconcile, archives it in AutoLeap; customers are reported", async () => {
    const world = await migratedWorld(newWorld)
    const mapping = mappingWith(world, { propagate: true, maxPercent: 10 })
    const archived = migratedPair(world, "vehicles", 0)
    const deleted = migratedPair(world, "vehicles", 1)
    const customer = migratedPair(world, "customers", 0)

    archiveInAutoleap(world, "vehicles", archived.autoleapId)
    archiveInAutoleap(world, "customers", customer.autoleapId)
    await deleteInAutogms(world, deleted)
    const windowed = await sync(world, ["--mapping", mapping])
    expectDone(windowed)
    expect(autogmsVehicle(world, archived.autogmsId)).toBeUndefined()
    // autoGMS's API cannot delete a customer: reported, and the customer stays.
    expect(autogmsCustomer(world, customer.autogmsId)).toBeDefined()
    const carried = actionsOf(world, windowed)
    expect(carried.filter((a) => a.action === "delete").map((a) => [a.entity, a.sourceId, a.targetId, a.reason])).toEqual([
      ["vehicles", archived.autoleapId, archived.autogmsId, "ARCHIVED"]
    ])
    expect(carried.filter((a) => a.reason === "CANNOT_DELETE").map((a) => [a.action, a.entity, a.sourceId])).toEqual([["skip", "customers", customer.autoleapId]])
    // The deleted autoGMS vehicle is not in a change window: nothing happens to it yet.
    expect(autoleapVehicle(world, deleted.autoleapId)?.["vehicleStatus"]).toBe("Active")
    const deletedCount = reportOf(world, windowed).directions.find((d) => d.from === "autoleap")?.entities.vehicles?.deleted
    expect(deletedCount).toBe(1)

    const reconcile = await sync(world, ["--reconcile", "--mapping", mapping])
    expectDone(reconcile)
    expect(autoleapVehicle(world, deleted.autoleapId)?.["vehicleStatus"]).toBe("Inactive")
    expect(actionsOf(world, reconcile).filter((a) => a.action === "archive").map((a) => [a.entity, a.sourceId, a.targetId, a.reason])).toEqual([
      ["vehicles", deleted.autogmsId, deleted.autoleapId, "DELETED"]
    ])

    // Carried over once: the links are gone, so the next reconcile writes nothing.
    const before = writesTo(world)
    const again = await sync(world, ["--reconcile", "--mapping", mapping])
    expectDone(again)
    expect(writesTo(world)).toEqual(before)
    expect(actionsOf(world, again).some((a) => a.action === "archive" || a.action === "delete")).toBe(false)
  })

  it("over the threshold (default 2% of the links): none is carried over, every one is held back, and the run says so in one line", async () => {
    // About 80 vehicle links: 2% lets one through, three are too many.
    const world = await migratedWorld(newWorld)
    const vehicles = [0, 1, 2].map((i) => migratedPair(world, "vehicles", i))
    const [first, second, third] = vehicles
    if (first === undefined || second === undefined || third === undefined) throw new Error("the migration created fewer than 3 vehicles")
    archiveInAutoleap(world, "vehicles", first.autoleapId)
    archiveInAutoleap(world, "vehicles", second.autoleapId)
    await deleteInAutogms(world, third)

    const before = writesTo(world)
    const held = await sync(world, ["--reconcile", "--mapping", mappingWith(world, { propagate: true })])
    expect(held.code, describeRun(held)).toBe(1)
    const lines = held.stderr.split("\n").filter((l) => l.includes("held back"))
    expect(lines, held.stderr).toHaveLength(1)
    expect(lines[0]).toContain("sync.deletes.maxPercent (2%)")
    expect(writesTo(world)).toEqual(before)
    expect(autogmsVehicle(world, first.autogmsId)).toBeDefined()
    expect(autoleapVehicle(world, third.autoleapId)?.["vehicleStatus"]).toBe("Active")
    const report = reportOf(world, held) as unknown as { sync: { deletesHeldBack: string | null } }
    expect(report.sync.deletesHeldBack).toBe(lines[0]?.trim())
    expect(
      actionsOf(world, held)
        .filter((a) => a.reason === "DELETES_HELD_BACK")
        .map((a) => [a.action, a.sourceId])
        .sort()
    ).toEqual([["skip", first.autoleapId], ["skip", second.autoleapId], ["skip", third.autogmsId]].sort())

    // Meant after all: a higher threshold and a reconcile carry all three over.
    const allowed = await sync(world, ["--reconcile", "--mapping", mappingWith(world, { propagate: true, maxPercent: 10 })])
    expectDone(allowed)
    expect(autogmsVehicle(world, first.autogmsId)).toBeUndefined()
    expect(autogmsVehicle(world, second.autogmsId)).toBeUndefined()
    expect(autoleapVehicle(world, third.autoleapId)?.["vehicleStatus"]).toBe("Inactive")
  })
})
