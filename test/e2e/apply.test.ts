/**
 * `shopbridge apply RUN_ID`: a reviewed dry run's plan is what gets written. Black-box: the built CLI against the
 * simulators, on the curated fixtures (AutoLeap → autoGMS).
 */
import { describe, expect, it } from "vitest"
import {
  countsOf,
  describeRun,
  migrate,
  normalForm,
  readActions,
  readReport,
  runCli,
  runIdFrom,
  snapshot,
  writesIn,
  type CliResult,
  type World,
  worldPerTest
} from "./migrateHarness.js"

const apply = (world: World, runId: string, extra: ReadonlyArray<string> = []): Promise<CliResult> =>
  runCli(["apply", runId, "--state", world.state, "--runs-dir", world.runsDir, ...extra], { env: world.env, cwd: world.dir })

const runOf = (world: World, result: CliResult): string => {
  const id = runIdFrom(result.stdout, [world.runsDir])
  if (id === undefined) throw new Error(`no run id in:\n${describeRun(result)}`)
  return id
}

/** (entity, action, source id) of every record the run writes or links: what a reviewer approves. */
const plannedWrites = (world: World, runId: string): Array<string> =>
  readActions(world.runsDir, runId)
    .filter((a) => a.action === "create" || a.action === "update" || a.action === "link")
    .map((a) => `${a.entity} ${a.action} ${a.sourceId}`)
    .sort()

interface DriftedEntry {
  readonly sourceId: string
  readonly resolution: string
  readonly changes: ReadonlyArray<{ readonly field: string; readonly after: unknown }>
}
const driftedOf = (world: World, runId: string): ReadonlyArray<DriftedEntry> =>
  (readReport(world.runsDir, runId) as unknown as { readonly drifted: ReadonlyArray<DriftedEntry> }).drifted

/** A dry run AutoLeap → autoGMS, and the id of a customer it plans to create. */
const reviewedDryRun = async (world: World) => {
  const dry = await migrate(world, "autoleap", "autogms", ["--dry-run"]).done
  expect([0, 1], describeRun(dry)).toContain(dry.code)
  const runId = runOf(world, dry)
  const created = readActions(world.runsDir, runId).find((a) => a.entity === "customers" && a.action === "create")
  if (created === undefined) throw new Error("the curated fixtures plan no customer create")
  return { runId, createdId: created.sourceId }
}

const autogmsCustomerWithNotes = (world: World, notes: string) => snapshot(world, "autogms").customers.find((c) => c["notes"] === notes)

describe("shopbridge apply", () => {
  const newWorld = worldPerTest()

  it("writes exactly the dry run's plan, the same as a migration would; a second apply, or an apply of a real run, exits 2 and writes nothing", async () => {
    const world = await newWorld({ seed: "small" })
    const { runId } = await reviewedDryRun(world)
    const dryCounts = countsOf(readReport(world.runsDir, runId), "customers")

    const applied = await apply(world, runId)
    expect(applied.code, describeRun(applied)).toBe(1)
    const applyId = runOf(world, applied)
    expect(plannedWrites(world, applyId)).toEqual(plannedWrites(world, runId))
    const report = readReport(world.runsDir, applyId)
    expect(report.dryRun).toBe(false)
    expect(countsOf(report, "customers")).toMatchObject({ created: dryCounts.created, updated: dryCounts.updated, linked: dryCounts.linked })
    expect(driftedOf(world, applyId)).toEqual([])

    // The end state is a migration's: a fresh world migrated directly holds the same records.
    const applyEnd = normalForm(snapshot(world, "autogms"), "autogms")
    const direct = await newWorld({ seed: "small" })
    const migrated = await migrate(direct, "autoleap", "autogms").done
    expect([0, 1], describeRun(migrated)).toContain(migrated.code)
    expect(applyEnd).toEqual(normalForm(snapshot(direct, "autogms"), "autogms"))

    const writesBefore = writesIn(world.sandbox.autogms.stats())
    const again = await apply(world, runId)
    expect(again.code, describeRun(again)).toBe(2)
    expect(again.stderr).toContain("already applied")
    const notDry = await apply(world, applyId)
    expect(notDry.code, describeRun(notDry)).toBe(2)
    expect(notDry.stderr).toContain("not a dry run")
    expect(writesIn(world.sandbox.autogms.stats())).toEqual(writesBefore)
  })

  it("a record edited in the source after the dry run is re-planned, written as it is now, and reported as drifted", async () => {
    const world = await newWorld({ seed: "small" })
    const { runId, createdId } = await reviewedDryRun(world)
    world.sandbox.autoleap.edit("customers", createdId, { notes: "edited after the review" })

    const applied = await apply(world, runId)
    expect(applied.code, describeRun(applied)).toBe(1)
    const applyId = runOf(world, applied)
    const drifted = driftedOf(world, applyId)
    expect(drifted.map((d) => [d.sourceId, d.resolution])).toEqual([[createdId, "replanned"]])
    expect(drifted[0]?.changes.some((c) => c.field === "notes" && c.after === "edited after the review")).toBe(true)
    expect(countsOf(readReport(world.runsDir, applyId), "customers")["drifted"]).toBe(1)
    expect(autogmsCustomerWithNotes(world, "edited after the review")).toBeDefined()
  })

  it("--strict leaves the edited record alone and lists it; the rest of the plan is written (but the held customer's vehicles, which have no owner there)", async () => {
    const world = await newWorld({ seed: "small" })
    const { runId, createdId } = await reviewedDryRun(world)
    world.sandbox.autoleap.edit("customers", createdId, { notes: "edited after the review" })

    const applied = await apply(world, runId, ["--strict"])
    expect([0, 1], describeRun(applied)).toContain(applied.code)
    const applyId = runOf(world, applied)
    expect(driftedOf(world, applyId).map((d) => [d.sourceId, d.resolution])).toEqual([[createdId, "held"]])
    expect(autogmsCustomerWithNotes(world, "edited after the review")).toBeUndefined()
    const heldVehicles = world.dataset.autoleap.vehicles.filter((v) => v.customerId === createdId).map((v) => v.vehicleId)
    const held = new Set([`customers create ${createdId}`, ...heldVehicles.map((id) => `vehicles create ${id}`)])
    expect(plannedWrites(world, applyId)).toEqual(plannedWrites(world, runId).filter((w) => !held.has(w)))
    expect(readActions(world.runsDir, applyId).find((a) => a.sourceId === createdId)).toMatchObject({ action: "skip", reason: "DRIFTED" })
  })
})
