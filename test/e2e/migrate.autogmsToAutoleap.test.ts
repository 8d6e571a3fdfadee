/**
 * `shopbridge migrate --from autogms --to autoleap` on the curated fixtures: AutoLeap writes are bulk, every valid
 * record lands exactly once, the README's quarantine codes, and a second run writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  countsOf,
  customerKeys,
  describeRun,
  duplicatedKeys,
  ensureBuilt,
  killAll,
  migrate,
  newDuplicates,
  normPhone,
  readActions,
  readReport,
  runIdFrom,
  snapshot,
  vehicleKeys,
  writesIn,
  type Snapshot,
  type World,
  startWorld
} from "./migrateHarness.js"

type Rec = Record<string, unknown>

/** fixtures/README.md and mapping.md: AutoLeap requires both names, so business-only and first-name-only customers are
 * quarantined by default, and their vehicles are then orphans. */
const EXPECTED_QUARANTINE = [
  { entity: "customers", sourceId: "cus_000006", code: "MISSING_NAME" },
  { entity: "customers", sourceId: "cus_000007", code: "MISSING_NAME" },
  { entity: "customers", sourceId: "cus_000008", code: "MISSING_NAME" },
  { entity: "vehicles", sourceId: "veh_000010", code: "ORPHAN_VEHICLE" },
  { entity: "vehicles", sourceId: "veh_000013", code: "INVALID_VIN" },
  { entity: "vehicles", sourceId: "veh_000015", code: "ORPHAN_VEHICLE" },
  { entity: "vehicles", sourceId: "veh_000017", code: "ORPHAN_VEHICLE" },
  { entity: "vehicles", sourceId: "veh_000018", code: "ORPHAN_VEHICLE" },
  { entity: "vehicles", sourceId: "veh_000022", code: "ORPHAN_VEHICLE" }
]

const EXPECTED_WARNINGS = [
  { entity: "customers", sourceId: "cus_000009", code: "INVALID_EMAIL" },
  { entity: "customers", sourceId: "cus_000010", code: "INVALID_PHONE" },
  { entity: "customers", sourceId: "cus_000012", code: "DUPLICATE_IN_SOURCE" },
  { entity: "customers", sourceId: "cus_000005", code: "POSSIBLE_DUPLICATE" },
  { entity: "vehicles", sourceId: "veh_000012", code: "DUPLICATE_IN_SOURCE" },
  { entity: "vehicles", sourceId: "veh_000014", code: "VIN_CHECK_DIGIT" },
  { entity: "vehicles", sourceId: "veh_000007", code: "INVALID_YEAR" },
  { entity: "vehicles", sourceId: "veh_000008", code: "INVALID_YEAR" }
]

const EXPECTED_LINKS: Record<string, string> = {
  cus_000001: "al-cus-000001",
  cus_000002: "al-cus-000002",
  cus_000003: "al-cus-000018",
  cus_000004: "al-cus-000019",
  veh_000001: "al-veh-000001",
  veh_000002: "al-veh-000002",
  veh_000003: "al-veh-000003",
  veh_000004: "al-veh-000004"
}

let world: World
let autoleapBefore: Snapshot
let autogmsBefore: Snapshot

beforeAll(async () => {
  await ensureBuilt()
  world = await startWorld({ seed: "small" })
  autoleapBefore = snapshot(world, "autoleap")
  autogmsBefore = snapshot(world, "autogms")
}, 240_000)

afterAll(async () => {
  killAll()
  await world?.close()
})

describe("shopbridge migrate --from autogms --to autoleap (curated fixtures)", () => {
  it("bulk writes, every valid record exactly once, README quarantine codes, mapped fields, exit 1", async () => {
    world.sandbox.autoleap.resetStats()
    world.sandbox.autogms.resetStats()
    const result = await migrate(world, "autogms", "autoleap").done
    const runId = runIdFrom(result.stdout, [world.runsDir])
    expect(runId, describeRun(result)).toBeDefined()
    const report = readReport(world.runsDir, runId!)
    expect(result.code, describeRun(result)).toBe(1)
    expect(report.directions[0]).toMatchObject({ from: "autogms", to: "autoleap" })
    expect(["completed", "completed_with_errors"]).toContain(report.status)

    // garage-2's records are not reachable with the sandbox key: only garage-1 is read.
    expect(countsOf(report, "customers")).toMatchObject({ read: 31, created: 24, linked: 4, quarantined: 3 })
    expect(countsOf(report, "vehicles")).toMatchObject({ read: 45, created: 35, linked: 4, quarantined: 6 })
    // Every write is found as planned: a linked customer without an email (Robert Chen, matched by phone) keeps the one
    // AutoLeap has, instead of the write clearing it and verification reporting a difference.
    const verification = (report as unknown as { verification: ReadonlyArray<{ expected: number; found: number; mismatches: ReadonlyArray<unknown> }> }).verification
    for (const v of verification) expect(v, JSON.stringify(v)).toMatchObject({ found: v.expected, mismatches: [] })
    expect(snapshot(world, "autoleap").customers.find((c) => c["customerId"] === "al-cus-000019")?.["emails"]).not.toEqual([])

    const quarantine = report.quarantine.map((q) => ({ entity: q.entity, sourceId: q.sourceId, code: q.code }))
    expect(quarantine.sort((a, b) => a.sourceId.localeCompare(b.sourceId))).toEqual(EXPECTED_QUARANTINE)
    for (const q of report.quarantine) {
      expect(q.system).toBe("autogms")
      expect(q.message.trim().length, `message of ${q.sourceId}`).toBeGreaterThan(0)
    }
    for (const w of EXPECTED_WARNINGS) {
      expect(
        report.warnings.some((x) => x.entity === w.entity && x.sourceId === w.sourceId && x.code === w.code),
        `warning ${w.code} on ${w.sourceId}; got ${JSON.stringify(report.warnings.map((x) => [x.sourceId, x.code]))}`
      ).toBe(true)
    }

    // Bulk: one POST per 100 records, plus a few for split batches; ids read back without one GET per record.
    const stats = world.sandbox.autoleap.stats()
    const created = { customers: countsOf(report, "customers").created, vehicles: countsOf(report, "vehicles").created }
    expect(stats.byEndpoint["POST /customers"] ?? 0).toBeGreaterThan(0)
    expect(stats.byEndpoint["POST /customers"] ?? 0).toBeLessThanOrEqual(Math.ceil(created.customers / 100) + 3)
    expect(stats.byEndpoint["POST /vehicles"] ?? 0).toBeGreaterThan(0)
    expect(stats.byEndpoint["POST /vehicles"] ?? 0).toBeLessThanOrEqual(Math.ceil(created.vehicles / 100) + 3)
    expect(stats.byEndpoint["GET /customers/:id"] ?? 0, "one GET per created customer").toBeLessThan(created.customers)
    expect(stats.byEndpoint["GET /vehicles/:id"] ?? 0, "one GET per created vehicle").toBeLessThan(created.vehicles)
    expect(writesIn(world.sandbox.autogms.stats()), "the source is only read").toEqual({})

    // The target holds before + created; no natural key doubled.
    const after = snapshot(world, "autoleap")
    expect(after.customers.length).toBe(autoleapBefore.customers.length + created.customers)
    expect(after.vehicles.length).toBe(autoleapBefore.vehicles.length + created.vehicles)
    expect(newDuplicates(duplicatedKeys(autoleapBefore.customers, customerKeys), duplicatedKeys(after.customers, customerKeys))).toEqual({})
    expect(newDuplicates(duplicatedKeys(autoleapBefore.vehicles, vehicleKeys), duplicatedKeys(after.vehicles, vehicleKeys))).toEqual({})

    // Exactly one target per valid source record.
    const actions = readActions(world.runsDir, runId!)
    const skip = new Set(EXPECTED_QUARANTINE.map((q) => q.sourceId))
    const existing = {
      customers: new Set(autoleapBefore.customers.map((c) => String(c["customerId"]))),
      vehicles: new Set(autoleapBefore.vehicles.map((v) => String(v["vehicleId"])))
    }
    const byId = {
      customers: new Map(after.customers.map((c) => [String(c["customerId"]), c])),
      vehicles: new Map(after.vehicles.map((v) => [String(v["vehicleId"]), v]))
    }
    const targetOf = new Map<string, string>()
    for (const entity of ["customers", "vehicles"] as const) {
      const seen = new Map<string, string>()
      for (const source of autogmsBefore[entity]) {
        const sourceId = String(source["id"])
        const targets = [...new Set(actions.filter((a) => a.entity === entity && a.sourceId === sourceId).map((a) => a.targetId).filter((t) => t.length > 0))]
        if (skip.has(sourceId)) {
          expect(targets.filter((t) => !existing[entity].has(t)), `${sourceId} must not be written`).toEqual([])
          continue
        }
        expect(targets, `${entity} ${sourceId} → one target id in actions.csv`).toHaveLength(1)
        const target = targets[0]!
        expect(byId[entity].has(target), `${sourceId} → ${target} not in the AutoLeap dump`).toBe(true)
        expect(seen.get(target), `${sourceId} and ${seen.get(target)} both → ${target}`).toBeUndefined()
        seen.set(target, sourceId)
        targetOf.set(sourceId, target)
        if (EXPECTED_LINKS[sourceId] !== undefined) expect(target, `${sourceId} linked`).toBe(EXPECTED_LINKS[sourceId])
        else expect(existing[entity].has(target), `${sourceId} should be created, got existing ${target}`).toBe(false)
      }
    }
    for (const v of autogmsBefore.vehicles) {
      const target = targetOf.get(String(v["id"]))
      if (target !== undefined) expect(byId.vehicles.get(target)!["customerId"], `owner of ${String(v["id"])}`).toBe(targetOf.get(String(v["customerId"])))
    }

    // Spot checks (mapping.md, fixtures/README.md).
    const cus = (id: string): Rec => byId.customers.get(targetOf.get(id)!)!
    const veh = (id: string): Rec => byId.vehicles.get(targetOf.get(id)!)!
    const emailsOf = (c: Rec) => ((c["emails"] as Array<Rec> | undefined) ?? []).map((e) => String(e["emailAddress"]))
    const phonesOf = (c: Rec) => ((c["phones"] as Array<Rec> | undefined) ?? []).map((p) => String(p["number"]))
    expect((cus("cus_000017")["mainAddress"] as Rec)["country"]).toBe("USA")
    expect((cus("cus_000020")["mainAddress"] as Rec)["country"]).toBe("USA")
    expect(cus("cus_000014")["communicationPreference"]).toBe("mobile")
    expect(cus("cus_000015")).toMatchObject({ firstName: "Siobhán", lastName: "O'Connor", notes: "<b>VIP</b> <script>alert(1)</script> prefers loaner" })
    expect(emailsOf(cus("cus_000009"))).not.toContain("tom.baker@@example")
    expect(phonesOf(cus("cus_000010"))).not.toContain("12345")
    expect(phonesOf(cus("cus_000010")).map(normPhone)).toContain("14155550110")
    expect(emailsOf(cus("cus_000011")).map((e) => e.toLowerCase())).toContain("lee.family@mail.example")
    expect(emailsOf(cus("cus_000012")).map((e) => e.toLowerCase())).not.toContain("lee.family@mail.example")
    expect(emailsOf(cus("cus_000021"))).toEqual(["owen.hughes@mail.example"])
    expect(phonesOf(cus("cus_000021")).map(normPhone)).toEqual(["15105550122"])
    expect(cus("cus_000021")).toMatchObject({ firstName: "Owen", lastName: "Hughes" })
    const tags16 = (cus("cus_000016")["tags"] as Array<Rec>).map((t) => String(t["name"]))
    expect(tags16.map((t) => t.toLowerCase()).sort()).toEqual(["fleet acct", "vip"])
    for (const t of cus("cus_000016")["tags"] as Array<Rec>) expect(String(t["color"])).toMatch(/^[0-9A-Fa-f]{6}$/)
    expect(veh("veh_000006")).toMatchObject({ mileage: 65400, mileageUnit: "KM" })
    expect(veh("veh_000016")).toMatchObject({ driveType: "4WD", transmission: "Automatic" })
    expect(veh("veh_000020")).toMatchObject({ driveType: "FWD", transmission: "CVT", make: "Toyota", model: "Prius", year: 2018 })
    expect(veh("veh_000005")["driveType"] ?? null).toBeNull()
    expect(veh("veh_000005")["transmission"] ?? null).toBeNull()
    expect(veh("veh_000011")["vin"]).toBe("5FNYF6H52JB400004")
    expect(veh("veh_000012")["vin"] || null).toBeNull()
    expect(veh("veh_000007")["year"] ?? null).toBeNull()
    expect(veh("veh_000019")["tags"]).toEqual([expect.objectContaining({ name: "VIP" })])
  })

  it("the same migration again makes zero writes and changes nothing", async () => {
    const before = snapshot(world, "autoleap")
    world.sandbox.autoleap.resetStats()
    world.sandbox.autogms.resetStats()
    const result = await migrate(world, "autogms", "autoleap").done
    expect([0, 1], describeRun(result)).toContain(result.code)
    expect(writesIn(world.sandbox.autoleap.stats())).toEqual({})
    expect(writesIn(world.sandbox.autogms.stats())).toEqual({})
    expect(snapshot(world, "autoleap")).toEqual(before)
    const runId = runIdFrom(result.stdout, [world.runsDir])
    expect(runId, describeRun(result)).toBeDefined()
    const report = readReport(world.runsDir, runId!)
    for (const entity of ["customers", "vehicles"] as const) expect(countsOf(report, entity)).toMatchObject({ created: 0, updated: 0 })
  })
})
