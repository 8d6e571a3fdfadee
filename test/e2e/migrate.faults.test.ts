/**
 * Faults change nothing about the outcome: a migration against simulators that answer 5% of requests with a 5xx, reset
 * 2% of connections, lose the response of 3% of applied writes, and (AutoLeap) expire access tokens every 2 s and refresh
 * tokens every 5 s, ends with exactly what the same migration without faults gives — no duplicate, nothing missing.
 * Bulk writes to AutoLeap make so few requests that seeded rates alone may never hit one, so on top of the rates a few
 * faults are forced: a 5xx and a reset early on each side, and the lost response of two applied writes on the target.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  countsOf,
  customerKeys,
  describeRun,
  duplicatedKeys,
  ensureBuilt,
  forceFaults,
  generated,
  killAll,
  migrate,
  multisetMinus,
  newDuplicates,
  normalForm,
  readReport,
  runIdFrom,
  snapshot,
  vehicleKeys,
  type CliResult,
  type World,
  startWorld
} from "./migrateHarness.js"

const CUSTOMERS = 100 // and 150 vehicles, per side
const worlds: Array<World> = []

beforeAll(async () => {
  await ensureBuilt()
}, 240_000)

afterAll(async () => {
  killAll()
  await Promise.all(worlds.map((w) => w.close()))
})

const outcome = (world: World, result: CliResult) => {
  const runId = runIdFrom(result.stdout, [world.runsDir])
  expect(runId, describeRun(result)).toBeDefined()
  return readReport(world.runsDir, runId!)
}

describe.each([
  { from: "autoleap", to: "autogms", seed: 7 },
  { from: "autogms", to: "autoleap", seed: 8 }
] as const)("migrate --from $from --to $to under faults", ({ from, to, seed }) => {
  it(
    "ends with exactly the fault-free result: same counts, same records, no natural key doubled",
    async () => {
      const data = generated({ customers: CUSTOMERS, seed })
      const [clean, faulty] = await Promise.all([
        startWorld({ seed: data }),
        startWorld({
          seed: data,
          faults: { seed: seed * 31, serverErrorRate: 0.05, resetRate: 0.02, lostResponseRate: 0.03, lostAs: "mixed" },
          autoleapTokens: { accessTokenTtlMs: 2_000, refreshTokenTtlMs: 5_000 }
        })
      ])
      worlds.push(clean, faulty)
      const sims = { autoleap: faulty.sandbox.autoleap.faults, autogms: faulty.sandbox.autogms.faults }
      const early = { 3: "server-error", 6: "reset", 9: "server-error" } as const
      forceFaults(sims[from], { before: early })
      const target = forceFaults(sims[to], { before: early, lostWrites: [2, 4] })
      const before = snapshot(clean, to)

      const [cleanRun, faultyRun] = await Promise.all([
        migrate(clean, from, to, [], { timeoutMs: 110_000 }).done,
        migrate(faulty, from, to, [], { timeoutMs: 110_000 }).done
      ])
      expect([0, 1], describeRun(cleanRun)).toContain(cleanRun.code)
      expect(faultyRun.code, describeRun(faultyRun)).toBe(cleanRun.code)

      // The faults did happen, a lost write response among them.
      expect(target.forced().lost, "forced lost write responses on the target").toBeGreaterThan(0)
      const injected = [faulty.sandbox.autoleap.stats(), faulty.sandbox.autogms.stats()].reduce(
        (n, s) => n + (s.byStatus["0"] ?? 0) + (s.byStatus["500"] ?? 0) + (s.byStatus["502"] ?? 0) + (s.byStatus["503"] ?? 0),
        0
      )
      expect(injected).toBeGreaterThan(0)

      const cleanReport = outcome(clean, cleanRun)
      const faultyReport = outcome(faulty, faultyRun)
      for (const entity of ["customers", "vehicles"] as const) {
        const c = countsOf(cleanReport, entity)
        const f = countsOf(faultyReport, entity)
        expect({ created: f.created, linked: f.linked, quarantined: f.quarantined }, entity).toEqual({
          created: c.created,
          linked: c.linked,
          quarantined: c.quarantined
        })
      }
      expect(faultyReport.quarantine.map((q) => `${q.sourceId} ${q.code}`).sort()).toEqual(cleanReport.quarantine.map((q) => `${q.sourceId} ${q.code}`).sort())

      // The fault-free run itself: before + created, no key doubled.
      const cleanAfter = snapshot(clean, to)
      expect(cleanAfter.customers.length).toBe(before.customers.length + countsOf(cleanReport, "customers").created)
      expect(cleanAfter.vehicles.length).toBe(before.vehicles.length + countsOf(cleanReport, "vehicles").created)
      expect(countsOf(cleanReport, "customers").created).toBeGreaterThan(50)

      // The faulty run: the same records (ids and timestamps aside), so nothing doubled and nothing missing.
      const faultyAfter = snapshot(faulty, to)
      expect(faultyAfter.customers.length, "customers in the target").toBe(cleanAfter.customers.length)
      expect(faultyAfter.vehicles.length, "vehicles in the target").toBe(cleanAfter.vehicles.length)
      expect(newDuplicates(duplicatedKeys(before.customers, customerKeys), duplicatedKeys(faultyAfter.customers, customerKeys))).toEqual({})
      expect(newDuplicates(duplicatedKeys(before.vehicles, vehicleKeys), duplicatedKeys(faultyAfter.vehicles, vehicleKeys))).toEqual({})
      const want = normalForm(cleanAfter, to)
      const got = normalForm(faultyAfter, to)
      expect(multisetMinus(got.customers, want.customers), "customers only in the faulty run").toEqual([])
      expect(multisetMinus(want.customers, got.customers), "customers missing from the faulty run").toEqual([])
      expect(multisetMinus(got.vehicles, want.vehicles), "vehicles only in the faulty run").toEqual([])
      expect(multisetMinus(want.vehicles, got.vehicles), "vehicles missing from the faulty run").toEqual([])
    },
    120_000
  )
})
