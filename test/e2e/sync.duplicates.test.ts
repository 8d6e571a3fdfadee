/**
 * `shopbridge sync` and DUPLICATE_IN_SOURCE (mapping.md): records of one side sharing an email or VIN were migrated
 * with only the keeper holding it. Editing a non-keeper later must carry the edit over without the shared value: the
 * target must neither refuse the update (autoGMS: 409 on a clash) nor end up holding the value twice (AutoLeap).
 * Curated fixtures: al-cus-000010 / al-veh-000013 share al-cus-000009's email / al-veh-000012's VIN; cus_000012 shares
 * cus_000011's email.
 */
import { describe, expect, it } from "vitest"
import { readActions, readReport, snapshot, type World, worldPerTest } from "./migrateHarness.js"
import { expectDone, listRuns, migratedWorld, sync, type Rec } from "./syncHarness.js"

const norm = (value: unknown): string => String(value ?? "").trim().toLowerCase()

/** Where a record of one side went on the other, by the first run that wrote or linked it. */
const counterpartOf = (world: World, entity: "customers" | "vehicles", sourceId: string): string => {
  for (const run of listRuns(world.runsDir)) {
    const row = readActions(world.runsDir, run).find((a) => a.entity === entity && a.sourceId === sourceId && a.targetId !== "")
    if (row !== undefined) return row.targetId
  }
  throw new Error(`no run wrote ${entity} ${sourceId}`)
}

const autoleapEmails = (c: Rec): ReadonlyArray<string> =>
  ((c["emails"] as ReadonlyArray<Rec> | undefined) ?? []).map((e) => norm(e["emailAddress"])).filter((e) => e !== "")

/** The last run's DUPLICATE_IN_SOURCE warnings, as "entity sourceId". */
const duplicateWarnings = (world: World): ReadonlyArray<string> =>
  readReport(world.runsDir, listRuns(world.runsDir).at(-1) ?? "")
    .warnings.filter((w) => w.code === "DUPLICATE_IN_SOURCE")
    .map((w) => `${w.entity} ${w.sourceId}`)

/** The last run's rows for these source ids that were not written: refused, quarantined or left in conflict. */
const unwrittenIn = (world: World, sourceIds: ReadonlyArray<string>) => {
  const last = listRuns(world.runsDir).at(-1) ?? ""
  return readActions(world.runsDir, last).filter((a) => sourceIds.includes(a.sourceId) && !["update", "unchanged", "link"].includes(a.action))
}

describe("shopbridge sync: records sharing a natural key in their source", () => {
  const newWorld = worldPerTest()

  it("an edit of an AutoLeap non-keeper reaches autoGMS without the shared email or VIN: no 409, no second holder", async () => {
    const world = await migratedWorld(newWorld)
    const customer = counterpartOf(world, "customers", "al-cus-000010")
    const vehicle = counterpartOf(world, "vehicles", "al-veh-000013")
    const holdersOfEmail = () => snapshot(world, "autogms").customers.filter((c) => norm(c["email"]) === "sam.taylor@example.com")
    const holdersOfVin = () => snapshot(world, "autogms").vehicles.filter((v) => v["vin"] === "1FMCU9GX6HU300003")
    // As the migration left them: the keepers (al-cus-000009, al-veh-000012) hold the values, the others do not.
    expect(holdersOfEmail().map((c) => c["id"])).toEqual([counterpartOf(world, "customers", "al-cus-000009")])
    expect(holdersOfVin().map((v) => v["id"])).toEqual([counterpartOf(world, "vehicles", "al-veh-000012")])

    world.sandbox.autoleap.edit("customers", "al-cus-000010", { notes: "edited in AutoLeap after the migration" })
    world.sandbox.autoleap.edit("vehicles", "al-veh-000013", { mileage: 51_234 })
    expectDone(await sync(world))

    const gms = snapshot(world, "autogms")
    expect(gms.customers.find((c) => c["id"] === customer)?.["notes"]).toBe("edited in AutoLeap after the migration")
    expect(gms.vehicles.find((v) => v["id"] === vehicle)?.["mileage"]).toBe(51_234)
    expect(unwrittenIn(world, ["al-cus-000010", "al-veh-000013"])).toEqual([])
    expect(duplicateWarnings(world)).toEqual(expect.arrayContaining(["customers al-cus-000010", "vehicles al-veh-000013"]))
    expect(holdersOfEmail().map((c) => c["id"])).toEqual([counterpartOf(world, "customers", "al-cus-000009")])
    expect(holdersOfVin().map((v) => v["id"])).toEqual([counterpartOf(world, "vehicles", "al-veh-000012")])
  })

  it("an edit of an autoGMS non-keeper reaches AutoLeap without the shared email: AutoLeap never holds it twice", async () => {
    const world = await migratedWorld(newWorld)
    const customer = counterpartOf(world, "customers", "cus_000012")
    const holders = () => snapshot(world, "autoleap").customers.filter((c) => autoleapEmails(c).includes("lee.family@mail.example"))
    expect(holders().map((c) => c["customerId"])).toEqual([counterpartOf(world, "customers", "cus_000011")])

    world.sandbox.autogms.edit("customers", "cus_000012", { notes: "edited in autoGMS after the migration" })
    expectDone(await sync(world))

    expect(snapshot(world, "autoleap").customers.find((c) => c["customerId"] === customer)?.["notes"]).toBe("edited in autoGMS after the migration")
    expect(unwrittenIn(world, ["cus_000012"])).toEqual([])
    expect(duplicateWarnings(world)).toContain("customers cus_000012")
    expect(holders().map((c) => c["customerId"])).toEqual([counterpartOf(world, "customers", "cus_000011")])
  })
})
