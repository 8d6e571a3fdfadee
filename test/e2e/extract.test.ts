import { describe, expect, it } from "vitest"
import { Effect } from "effect"
import { clientsLayer, exactlyOnce, extractAll, startSims, type ExtractScenario } from "./extractHarness.js"

const limits = { GET: 2_000, POST: 500, PUT: 500, PATCH: 500, DELETE: 500 }

const scenario = (over: Partial<ExtractScenario> = {}): ExtractScenario => ({
  customers: 300,
  seed: 7,
  autoleapLimits: limits,
  autogmsLimit: 2_000,
  faults: { serverErrorRate: 0.05, resetRate: 0.03, latencyMs: 15 },
  // Short enough that tokens expire several times during the extract.
  accessTokenTtlMs: 250,
  refreshTokenTtlMs: 600,
  // Small pages: more requests, so more faults and more token expiries in a few seconds.
  autoleapOptions: { pageSize: 25, retry: { baseDelayMs: 20, maxDelayMs: 500 } },
  autogmsOptions: { pageSize: 25, retry: { baseDelayMs: 20, maxDelayMs: 500 } },
  ...over
})

const run = async (s: ExtractScenario) => {
  const sims = await startSims(s)
  try {
    const result = await Effect.runPromise(Effect.provide(extractAll, clientsLayer(s, { autoleap: sims.autoleap.baseUrl, autogms: sims.autogms.baseUrl })))
    return { ...result, sims, al: sims.autoleap.stats(), ag: sims.autogms.stats() }
  } finally {
    await sims.close()
  }
}

describe("extract against both simulators with faults on", () => {
  for (const listShape of ["wrapped", "page"] as const) {
    it(`returns every record exactly once (AutoLeap ${listShape} lists, 5% 5xx, 3% resets, tokens expiring)`, async () => {
      const s = scenario({ listShape })
      const r = await run(s)
      const d = r.sims.data
      expect(exactlyOnce(r.alCustomers, d.autoleap.customers.map((c) => c.customerId))).toEqual({ got: 300, distinct: 300, expected: 300, missing: 0 })
      expect(exactlyOnce(r.alVehicles, d.autoleap.vehicles.map((v) => v.vehicleId))).toEqual({ got: 450, distinct: 450, expected: 450, missing: 0 })
      expect(exactlyOnce(r.agCustomers, d.autogms.customers.map((c) => c.id))).toEqual({ got: 300, distinct: 300, expected: 300, missing: 0 })
      expect(exactlyOnce(r.agVehicles, d.autogms.vehicles.map((v) => v.id))).toEqual({ got: 450, distinct: 450, expected: 450, missing: 0 })

      // Faults happened and were retried; the token expired and was renewed.
      expect(r.al.byStatus["500"] ?? 0).toBeGreaterThan(0)
      expect(r.al.byStatus["0"] ?? 0).toBeGreaterThan(0)
      expect(r.counts.autoleap.retried).toBeGreaterThan(0)
      expect(r.counts.autogms.retried).toBeGreaterThan(0)
      expect(r.al.byEndpoint["POST /partners/generateNewAccessToken"] ?? 0).toBeGreaterThan(0)
      // What the client counted is what the servers saw.
      expect(r.counts.autoleap.total).toBe(r.al.total)
      expect(r.counts.autogms.total).toBe(r.ag.total)

      // Never over a limit in any rolling minute, and never bounced. (Waiting for a window is covered under TestClock in
      // test/unit/http/pacer.test.ts and for real in test/bench/extract.bench.ts: it takes a minute by definition.)
      for (const [method, max] of Object.entries(r.al.maxPerRollingMinuteByMethod)) {
        expect(max).toBeLessThanOrEqual(limits[method as keyof typeof limits])
      }
      expect(r.ag.maxPerRollingMinute).toBeLessThanOrEqual(s.autogmsLimit)
      expect(r.al.throttled).toBe(0)
      expect(r.ag.throttled).toBe(0)
    })
  }

  it("recovers by reactive refresh when the client does not know the token lifetime", async () => {
    const s = scenario({ autoleapOptions: { pageSize: 25, accessTokenTtlMs: 3_600_000, refreshTokenTtlMs: 10_800_000, retry: { baseDelayMs: 20, maxDelayMs: 500 } } })
    const r = await run(s)
    expect(new Set(r.alCustomers).size).toBe(300)
    expect(r.alCustomers).toHaveLength(300)
    expect(r.al.byStatus["401"] ?? 0).toBeGreaterThan(0)
  })
})
