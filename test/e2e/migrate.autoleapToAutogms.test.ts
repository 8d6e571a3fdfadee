/**
 * `shopbridge migrate --from autoleap --to autogms` on the curated fixtures (fixtures/README.md): a dry run, the real
 * run with the same state, then the same migration again. Black-box: the built CLI against the simulators.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  REPORT_FILES,
  countsOf,
  customerKeys,
  describeRun,
  duplicatedKeys,
  ensureBuilt,
  killAll,
  migrate,
  newDuplicates,
  readActions,
  readReport,
  runIdFrom,
  snapshot,
  vehicleKeys,
  writesIn,
  type ActionRow,
  type CliResult,
  type Report,
  type Snapshot,
  type World,
  startWorld
} from "./migrateHarness.js"

type Rec = Record<string, unknown>

const COUNT_FIELDS = ["read", "created", "updated", "unchanged", "archived", "deleted", "linked", "conflicts", "quarantined"] as const

/** fixtures/README.md: what a default migration AutoLeap → autoGMS must quarantine, and why. */
const EXPECTED_QUARANTINE = [
  { entity: "customers", sourceId: "al-cus-000008", code: "MISSING_NAME" },
  { entity: "vehicles", sourceId: "al-veh-000005", code: "INVALID_VIN" },
  { entity: "vehicles", sourceId: "al-veh-000006", code: "INVALID_VIN" },
  { entity: "vehicles", sourceId: "al-veh-000009", code: "MISSING_MAKE_MODEL" },
  { entity: "vehicles", sourceId: "al-veh-000010", code: "ORPHAN_VEHICLE" },
  { entity: "vehicles", sourceId: "al-veh-000011", code: "ORPHAN_VEHICLE" }
]

/** fixtures/README.md: written, with a warning. */
const EXPECTED_WARNINGS = [
  { entity: "customers", sourceId: "al-cus-000004", code: "INVALID_EMAIL" },
  { entity: "customers", sourceId: "al-cus-000005", code: "INVALID_PHONE" },
  { entity: "customers", sourceId: "al-cus-000010", code: "DUPLICATE_IN_SOURCE" },
  { entity: "customers", sourceId: "al-cus-000017", code: "POSSIBLE_DUPLICATE" },
  { entity: "vehicles", sourceId: "al-veh-000013", code: "DUPLICATE_IN_SOURCE" },
  { entity: "vehicles", sourceId: "al-veh-000007", code: "VIN_CHECK_DIGIT" },
  { entity: "vehicles", sourceId: "al-veh-000019", code: "INVALID_YEAR" },
  { entity: "vehicles", sourceId: "al-veh-000020", code: "INVALID_YEAR" }
]

/** fixtures/README.md: matched by natural key, so linked to these existing autoGMS records instead of created. */
const EXPECTED_LINKS: Record<string, string> = {
  "al-cus-000001": "cus_000001",
  "al-cus-000018": "cus_000003",
  "al-cus-000002": "cus_000002",
  "al-cus-000019": "cus_000004",
  "al-veh-000001": "veh_000001",
  "al-veh-000002": "veh_000002",
  "al-veh-000003": "veh_000003",
  "al-veh-000004": "veh_000004"
}

const ARCHIVED = ["al-cus-000011", "al-veh-000015"]

let world: World
let autogmsBefore: Snapshot
let autoleapBefore: Snapshot

interface Done {
  readonly result: CliResult
  readonly runId: string
  readonly report: Report
}
let dry: Done | undefined
let real: Done | undefined

const outputs: Array<CliResult> = []

const finish = (result: CliResult): Done => {
  outputs.push(result)
  const runId = runIdFrom(result.stdout, [world.runsDir])
  expect(runId, `no run folder named on the first line of stdout\n${describeRun(result)}`).toBeDefined()
  const report = readReport(world.runsDir, runId!)
  return { result, runId: runId!, report }
}

beforeAll(async () => {
  await ensureBuilt()
  world = await startWorld({ seed: "small" })
  autogmsBefore = snapshot(world, "autogms")
  autoleapBefore = snapshot(world, "autoleap")
}, 240_000)

afterAll(async () => {
  killAll()
  await world?.close()
})

const sourceIdsOf = (entity: "customers" | "vehicles"): Array<string> =>
  entity === "customers"
    ? autoleapBefore.customers.map((c) => String(c["customerId"]))
    : autoleapBefore.vehicles.map((v) => String(v["vehicleId"]))

describe("shopbridge migrate --from autoleap --to autogms (curated fixtures)", () => {
  it("dry run: exit 0/1, run id first, all five outputs, every report.json field, planned counts, and no write to either API", async () => {
    world.sandbox.autoleap.resetStats()
    world.sandbox.autogms.resetStats()
    const result = await migrate(world, "autoleap", "autogms", ["--dry-run"]).done
    dry = finish(result)
    const { report, runId } = dry

    for (const file of REPORT_FILES) expect(existsSync(join(world.runsDir, runId, file)), `${file} missing`).toBe(true)
    // The estimate counts writes as the report's table does: records matched by email, phone or VIN are "linked".
    const linked = countsOf(report, "customers").linked + countsOf(report, "vehicles").linked
    const created = countsOf(report, "customers").created + countsOf(report, "vehicles").created
    expect(result.stderr).toContain(`(${created} creates, 0 updates, ${linked} linked and updated)`)

    // Every field cli.md lists.
    expect(report.runId).toBe(runId)
    expect(report.command).toBe("migrate")
    expect(report.dryRun).toBe(true)
    expect(["completed", "completed_with_errors", "failed", "interrupted"]).toContain(report.status)
    expect(Number.isNaN(Date.parse(report.startedAt))).toBe(false)
    expect(Number.isNaN(Date.parse(report.finishedAt))).toBe(false)
    expect(Date.parse(report.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.startedAt))
    expect(report.directions).toHaveLength(1)
    expect(report.directions[0]).toMatchObject({ from: "autoleap", to: "autogms" })
    for (const entity of ["customers", "vehicles"] as const) {
      const counts = countsOf(report, entity)
      for (const field of COUNT_FIELDS) {
        expect(Number.isInteger(counts[field]) && counts[field] >= 0, `${entity}.${field} = ${counts[field]}`).toBe(true)
      }
    }
    expect(Array.isArray(report.quarantine)).toBe(true)
    expect(Array.isArray(report.warnings)).toBe(true)
    expect(Array.isArray(report.conflicts)).toBe(true)
    for (const system of ["autoleap", "autogms"]) {
      const r = report.requests[system]
      expect(r, `requests.${system}`).toBeDefined()
      for (const field of ["total", "retried", "throttled"] as const) expect(Number.isInteger(r![field]), `requests.${system}.${field}`).toBe(true)
    }
    expect(report.requests["autoleap"]!.total).toBeGreaterThan(0)

    // What the run would do, per fixtures/README.md.
    expect(countsOf(report, "customers")).toMatchObject({ read: 32, created: 26, linked: 4, quarantined: 1 })
    expect(countsOf(report, "vehicles")).toMatchObject({ read: 48, created: 38, linked: 4, quarantined: 5 })

    // cli.md: 1 when records are (here: would be) quarantined.
    expect(result.code, describeRun(result)).toBe(report.quarantine.length > 0 ? 1 : 0)

    // Not a single write: only reads and AutoLeap's auth calls.
    expect(writesIn(world.sandbox.autoleap.stats())).toEqual({})
    expect(writesIn(world.sandbox.autogms.stats())).toEqual({})
    expect(snapshot(world, "autogms")).toEqual(autogmsBefore)
    expect(snapshot(world, "autoleap")).toEqual(autoleapBefore)
  })

  it("real run with the same state: the dry run's counts, every valid record exactly once, quarantine codes, mapped fields, exit 1", async () => {
    const result = await migrate(world, "autoleap", "autogms").done
    real = finish(result)
    const { report, runId } = real
    expect(runId).not.toBe(dry?.runId)
    expect(report.dryRun).toBe(false)
    expect(["completed", "completed_with_errors"], describeRun(result)).toContain(report.status)
    expect(result.code, describeRun(result)).toBe(1)

    // The counts it reports are the dry run's plan.
    for (const entity of ["customers", "vehicles"] as const) {
      const done = countsOf(report, entity)
      expect({ created: done.created, linked: done.linked, updated: done.updated, quarantined: done.quarantined }, entity).toEqual(
        dry === undefined
          ? { created: done.created, linked: done.linked, updated: done.updated, quarantined: done.quarantined }
          : {
              created: countsOf(dry.report, entity).created,
              linked: countsOf(dry.report, entity).linked,
              updated: countsOf(dry.report, entity).updated,
              quarantined: countsOf(dry.report, entity).quarantined
            }
      )
    }
    expect(countsOf(report, "customers")).toMatchObject({ created: 26, linked: 4, quarantined: 1 })
    expect(countsOf(report, "vehicles")).toMatchObject({ created: 38, linked: 4, quarantined: 5 })

    // Quarantine: exactly the README's records, with mapping.md codes and a message.
    const quarantine = report.quarantine.map((q) => ({ entity: q.entity, sourceId: q.sourceId, code: q.code }))
    expect(quarantine.sort((a, b) => a.sourceId.localeCompare(b.sourceId))).toEqual(EXPECTED_QUARANTINE)
    for (const q of report.quarantine) {
      expect(q.system).toBe("autoleap")
      expect(typeof q.message === "string" && q.message.trim().length > 0, `message of ${q.sourceId}`).toBe(true)
    }
    for (const w of EXPECTED_WARNINGS) {
      expect(
        report.warnings.some((x) => x.entity === w.entity && x.sourceId === w.sourceId && x.code === w.code && x.message.length > 0),
        `warning ${w.code} on ${w.sourceId}; got ${JSON.stringify(report.warnings.map((x) => [x.sourceId, x.code]))}`
      ).toBe(true)
    }

    // The target: before + created, nothing else.
    const after = snapshot(world, "autogms")
    expect(after.customers.length).toBe(autogmsBefore.customers.length + countsOf(report, "customers").created)
    expect(after.vehicles.length).toBe(autogmsBefore.vehicles.length + countsOf(report, "vehicles").created)
    expect(newDuplicates(duplicatedKeys(autogmsBefore.customers, customerKeys), duplicatedKeys(after.customers, customerKeys))).toEqual({})
    expect(newDuplicates(duplicatedKeys(autogmsBefore.vehicles, vehicleKeys), duplicatedKeys(after.vehicles, vehicleKeys))).toEqual({})

    // actions.csv: one row per record read.
    const actions = readActions(world.runsDir, runId)
    expect(actions.filter((a) => a.entity === "customers").map((a) => a.sourceId).sort()).toEqual(sourceIdsOf("customers").sort())
    expect(actions.filter((a) => a.entity === "vehicles").map((a) => a.sourceId).sort()).toEqual(sourceIdsOf("vehicles").sort())
    // The shop's data is data: the notes' <script> never reaches report.html as markup.
    expect(readFileSync(join(world.runsDir, runId, "report.html"), "utf8")).not.toContain("<script>alert(1)</script>")

    // Every valid source record has exactly one target, and no two share one.
    const quarantined = new Set(EXPECTED_QUARANTINE.map((q) => q.sourceId))
    const targetOf = new Map<string, string>()
    const existingIds = {
      customers: new Set(autogmsBefore.customers.map((c) => String(c["id"]))),
      vehicles: new Set(autogmsBefore.vehicles.map((v) => String(v["id"])))
    }
    const byId = {
      customers: new Map(after.customers.map((c) => [String(c["id"]), c])),
      vehicles: new Map(after.vehicles.map((v) => [String(v["id"]), v]))
    }
    for (const entity of ["customers", "vehicles"] as const) {
      const seen = new Map<string, string>()
      for (const sourceId of sourceIdsOf(entity)) {
        const rows = actions.filter((a: ActionRow) => a.entity === entity && a.sourceId === sourceId)
        const targets = [...new Set(rows.map((a) => a.targetId).filter((t) => t.length > 0))]
        if (quarantined.has(sourceId) || ARCHIVED.includes(sourceId)) {
          expect(targets.filter((t) => !existingIds[entity].has(t)), `${sourceId} must not be written`).toEqual([])
          continue
        }
        expect(rows.length, `actions.csv has no row for ${entity} ${sourceId}`).toBeGreaterThan(0)
        expect(targets, `${entity} ${sourceId} → one target id`).toHaveLength(1)
        const target = targets[0]!
        expect(byId[entity].has(target), `${sourceId} → ${target} not in the autoGMS dump`).toBe(true)
        expect(seen.get(target), `${sourceId} and ${seen.get(target)} both → ${target}`).toBeUndefined()
        seen.set(target, sourceId)
        targetOf.set(sourceId, target)
        if (EXPECTED_LINKS[sourceId] !== undefined) expect(target, `${sourceId} linked`).toBe(EXPECTED_LINKS[sourceId])
        else expect(existingIds[entity].has(target), `${sourceId} should be created, got existing ${target}`).toBe(false)
      }
    }

    // Each written vehicle hangs off its customer's target.
    for (const v of autoleapBefore.vehicles) {
      const target = targetOf.get(String(v["vehicleId"]))
      if (target === undefined) continue
      expect(byId.vehicles.get(target)!["customerId"], `owner of ${String(v["vehicleId"])}`).toBe(targetOf.get(String(v["customerId"])))
    }

    // Spot checks of mapped fields (mapping.md, fixtures/README.md).
    const cus = (sourceId: string): Rec => byId.customers.get(targetOf.get(sourceId)!)!
    const veh = (sourceId: string): Rec => byId.vehicles.get(targetOf.get(sourceId)!)!
    expect(cus("al-cus-000004")["email"]).toBe("mark.jensen@example.com")
    expect(cus("al-cus-000003")["email"]).toBe("aisha.patel@work.example")
    expect(cus("al-cus-000003")["phone"]).toBe("+16505550131")
    expect(cus("al-cus-000005")["phone"]).toBe("+15125550105")
    expect(cus("al-cus-000016")["phone"]).toBe("+442079460016")
    expect(cus("al-cus-000021")["phone"]).toBe("+13035550121")
    expect(cus("al-cus-000010")["email"] ?? null).toBeNull()
    expect(cus("al-cus-000009")["email"]).toBe("sam.taylor@example.com")
    expect((cus("al-cus-000020")["address"] as Rec)["country"]).toBe("US")
    expect((cus("al-cus-000014")["address"] as Rec)["country"]).toBe("US")
    expect((cus("al-cus-000015")["address"] as Rec)["country"]).toBe("CA")
    expect((cus("al-cus-000016")["address"] as Rec)["country"]).toBe("GB")
    expect(cus("al-cus-000014")).toMatchObject({ firstName: "Zoë", lastName: "Ångström" })
    expect(cus("al-cus-000006")).toMatchObject({ type: "business", businessName: "Bayside Plumbing Co." })
    expect(cus("al-cus-000007")).toMatchObject({ type: "business", businessName: "Rapid Couriers LLC" })
    expect([...(cus("al-cus-000006")["tags"] as Array<string>)].sort()).toEqual(["Fleet acct", "fleet"])
    expect((cus("al-cus-000013")["tags"] as Array<string>).map((t) => t.toLowerCase())).toEqual(["vip"])
    expect(cus("al-cus-000013")["notes"]).toBe("<b>VIP</b> <script>alert(1)</script>")
    expect(cus("al-cus-000021")["tags"]).toEqual(["Loyalty"])
    expect(veh("al-veh-000014")["vin"]).toBe("3VWC57BU8MM530014")
    expect(veh("al-veh-000013")["vin"] ?? null).toBeNull()
    expect(veh("al-veh-000012")["vin"]).toBe("1FMCU9GX6HU300003")
    expect(veh("al-veh-000008")).toMatchObject({ make: "Honda", model: "Accord" })
    expect(veh("al-veh-000016")).toMatchObject({ mileage: 84210, mileageUnit: "km" })
    expect(veh("al-veh-000017")).toMatchObject({ mileage: 48212, mileageUnit: "mi" })
    expect(veh("al-veh-000022")).toMatchObject({ drivetrain: "awd", transmission: "automatic" })
    expect(veh("al-veh-000023")).toMatchObject({ drivetrain: "rwd", transmission: "automatic", tags: ["Fleet"] })
    expect(veh("al-veh-000029")).toMatchObject({ drivetrain: "fwd", transmission: "cvt" })
    expect(veh("al-veh-000018")["drivetrain"] ?? null).toBeNull()
    expect(veh("al-veh-000018")["transmission"] ?? null).toBeNull()
    expect(veh("al-veh-000018")["tags"]).toEqual(["Fleet acct"])
    expect(veh("al-veh-000019")["year"] ?? null).toBeNull()
    expect(veh("al-veh-000020")["year"] ?? null).toBeNull()
    expect(veh("al-veh-000021")["imageUrl"] ?? null).toBeNull()
    expect(veh("al-veh-000016")).toMatchObject({ licensePlate: "CKTR 016", plateRegion: "ON", year: 2019, make: "Toyota", model: "RAV4" })
    for (const v of after.vehicles) if (typeof v["mileage"] === "number") expect(Number.isInteger(v["mileage"]), `mileage of ${String(v["id"])}`).toBe(true)

    // The archived customer was not migrated.
    expect(after.customers.some((c) => c["email"] === "gerald.fitzroy@example.com")).toBe(false)
    expect(after.vehicles.some((v) => v["vin"] === "YV4CZ852681540015")).toBe(false)
    // And the source was only read.
    expect(snapshot(world, "autoleap")).toEqual(autoleapBefore)
  })

  it("the same migration again makes zero writes and changes nothing", async () => {
    const autogmsAfterFirst = snapshot(world, "autogms")
    world.sandbox.autoleap.resetStats()
    world.sandbox.autogms.resetStats()
    const result = await migrate(world, "autoleap", "autogms").done
    const again = finish(result)
    expect([0, 1], describeRun(result)).toContain(result.code)
    expect(writesIn(world.sandbox.autogms.stats())).toEqual({})
    expect(writesIn(world.sandbox.autoleap.stats())).toEqual({})
    expect(snapshot(world, "autogms")).toEqual(autogmsAfterFirst)
    for (const entity of ["customers", "vehicles"] as const) {
      expect(countsOf(again.report, entity), entity).toMatchObject({ created: 0, updated: 0, archived: 0, deleted: 0 })
    }
  })

  it("no secret in any output: stdout, stderr, report files, log, state database", () => {
    const secrets = [world.env["AUTOLEAP_AUTH_KEY"]!, world.env["AUTOGMS_API_KEY"]!]
    expect(outputs.length).toBeGreaterThan(0)
    for (const r of outputs) for (const secret of secrets) expect(r.stdout + r.stderr, "CLI output").not.toContain(secret)
    const files: Array<string> = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (statSync(path).isFile()) files.push(path)
      }
    }
    walk(world.dir)
    expect(files.some((f) => f.endsWith("log.ndjson"))).toBe(true)
    expect(files.some((f) => f.includes("state.db"))).toBe(true)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), `${secret} in ${file}`).toBe(false)
    }
  })
})
