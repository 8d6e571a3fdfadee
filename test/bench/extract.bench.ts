import { describe, expect, it } from "vitest"
import { Chunk, Effect, Stream } from "effect"
import { defaultAutoleapRateLimits } from "../../src/config/rateLimits.js"
import { AutogmsClient } from "../../src/sources/autogms/client.js"
import { AutoleapClient } from "../../src/sources/autoleap/client.js"
import { clientsLayer, exactlyOnce, startSims, type ExtractScenario } from "../e2e/extractHarness.js"

/**
 * The "done when": a full extract of 5,000 customers and 7,500 vehicles from each side, with 5% 5xx, 3% resets
 * and a 10 s access token, at the documented limits (AutoLeap GET 150 / POST 50 / PUT 50 / PATCH 50 per minute; autoGMS
 * at the Standard tier, 60 per minute, on both the key and AUTOGMS_RATE_LIMIT). Prints requests made vs the minimum,
 * 429s, wall time against requests ÷ limit, and the largest rolling-minute counts the simulators saw.
 */
const scenario: ExtractScenario = {
  customers: 5_000,
  seed: 2026,
  autoleapLimits: defaultAutoleapRateLimits,
  autogmsLimit: 60,
  // A realistic round trip, so the AutoLeap side runs past the 10 s token lifetime.
  faults: { serverErrorRate: 0.05, resetRate: 0.03, latencyMs: 150 },
  accessTokenTtlMs: 10_000,
  refreshTokenTtlMs: 30_000
}

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const started = Date.now()
    const value = yield* effect
    return { value, ms: Date.now() - started }
  })

const ids = <A, E>(stream: Stream.Stream<A, E>, idOf: (a: A) => string) => Effect.map(Stream.runCollect(stream), (c) => Chunk.toReadonlyArray(c).map(idOf))

describe("extract benchmark", () => {
  it("5,000 customers and 7,500 vehicles per side, with faults, at the documented limits", async () => {
    const sims = await startSims(scenario)
    try {
      const layer = clientsLayer(scenario, { autoleap: sims.autoleap.baseUrl, autogms: sims.autogms.baseUrl })
      const result = await Effect.runPromise(
        Effect.provide(
          Effect.gen(function* () {
            const al = yield* AutoleapClient
            const ag = yield* AutogmsClient
            const autoleapSide = timed(
              Effect.gen(function* () {
                yield* al.checkCompany
                return yield* Effect.all([ids(al.customers(), (c) => c.customerId), ids(al.vehicles(), (v) => v.vehicleId)], { concurrency: 2 })
              })
            )
            const autogmsSide = timed(
              Effect.gen(function* () {
                yield* ag.garage
                return yield* Effect.all([ids(ag.customers(), (c) => c.id), ids(ag.vehicles(), (v) => v.id)], { concurrency: 2 })
              })
            )
            const [alr, agr] = yield* Effect.all([autoleapSide, autogmsSide], { concurrency: 2 })
            return { alr, agr, alCounts: yield* al.requestCounts, agCounts: yield* ag.requestCounts, alEstimate: al.estimate({ readCustomers: 5_000, readVehicles: 7_500 }), agEstimate: ag.estimate({ readCustomers: 5_000, readVehicles: 7_500 }) }
          }),
          layer
        )
      )
      const d = sims.data
      const alStats = sims.autoleap.stats()
      const agStats = sims.autogms.stats()
      const checks = {
        autoleapCustomers: exactlyOnce(result.alr.value[0], d.autoleap.customers.map((c) => c.customerId)),
        autoleapVehicles: exactlyOnce(result.alr.value[1], d.autoleap.vehicles.map((v) => v.vehicleId)),
        autogmsCustomers: exactlyOnce(result.agr.value[0], d.autogms.customers.map((c) => c.id)),
        autogmsVehicles: exactlyOnce(result.agr.value[1], d.autogms.vehicles.map((v) => v.id))
      }
      const alGets = alStats.byMethod["GET"] ?? 0
      const figures = {
        autoleap: {
          requestsMade: alStats.total,
          requestsMinimum: result.alEstimate.totalRequests,
          byMethod: alStats.byMethod,
          clientCounts: result.alCounts,
          injected5xx: alStats.byStatus["500"] ?? 0,
          injectedResets: alStats.byStatus["0"] ?? 0,
          http429: alStats.throttled,
          tokenRefreshes: alStats.byEndpoint["POST /partners/generateNewAccessToken"] ?? 0,
          logins: alStats.byEndpoint["POST /partners/login"] ?? 0,
          http401: alStats.byStatus["401"] ?? 0,
          wallSeconds: result.alr.ms / 1000,
          floorSeconds: (alGets / defaultAutoleapRateLimits.GET) * 60,
          maxPerRollingMinuteByMethod: alStats.maxPerRollingMinuteByMethod,
          limits: defaultAutoleapRateLimits
        },
        autogms: {
          requestsMade: agStats.total,
          requestsMinimum: result.agEstimate.totalRequests,
          clientCounts: result.agCounts,
          injected5xx: agStats.byStatus["500"] ?? 0,
          injectedResets: agStats.byStatus["0"] ?? 0,
          http429: agStats.throttled,
          wallSeconds: result.agr.ms / 1000,
          floorSeconds: (agStats.total / scenario.autogmsLimit) * 60,
          maxPerRollingMinute: agStats.maxPerRollingMinute,
          limit: scenario.autogmsLimit
        },
        checks
      }
      console.log(JSON.stringify(figures, null, 2))

      for (const c of Object.values(checks)) expect(c.got === c.expected && c.distinct === c.expected && c.missing === 0).toBe(true)
      for (const [m, max] of Object.entries(alStats.maxPerRollingMinuteByMethod)) {
        expect(max).toBeLessThanOrEqual(defaultAutoleapRateLimits[m as keyof typeof defaultAutoleapRateLimits])
      }
      expect(agStats.maxPerRollingMinute).toBeLessThanOrEqual(scenario.autogmsLimit)
      // Throughput: no slower than 1.1 × requests ÷ limit where the limit is what bounds the run.
      expect(figures.autogms.wallSeconds).toBeLessThanOrEqual(1.1 * figures.autogms.floorSeconds)
    } finally {
      await sims.close()
    }
  })
})
