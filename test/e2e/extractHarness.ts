import { Chunk, Effect, Layer, Redacted, Stream } from "effect"
import { layer as transportLayer } from "../../src/http/transport.js"
import { AutogmsClient, layer as autogmsLayer, type AutogmsClientOptions } from "../../src/sources/autogms/client.js"
import { AutoleapClient, layer as autoleapLayer, type AutoleapClientOptions } from "../../src/sources/autoleap/client.js"
import type { AutoleapRateLimits } from "../../src/config/rateLimits.js"
import { startAutogmsSim } from "../../src/sim/autogms/index.js"
import { startAutoleapSim } from "../../src/sim/autoleap/index.js"
import { generateDataset } from "../../src/sim/fixtures/generate.js"
import { SANDBOX_AUTOGMS, SANDBOX_AUTOLEAP } from "../../src/sim/fixtures/sandboxAccounts.js"

export interface ExtractScenario {
  readonly customers: number
  readonly seed: number
  readonly autoleapLimits: AutoleapRateLimits
  readonly autogmsLimit: number
  readonly faults: { readonly serverErrorRate: number; readonly resetRate: number; readonly latencyMs?: number }
  readonly accessTokenTtlMs: number
  readonly refreshTokenTtlMs: number
  readonly listShape?: "wrapped" | "page"
  readonly autoleapOptions?: AutoleapClientOptions
  readonly autogmsOptions?: AutogmsClientOptions
}

/** Both simulators seeded from one generated dataset, with the autoGMS key's rate set to the scenario's limit. */
export const startSims = async (s: ExtractScenario) => {
  const data = generateDataset({ customers: s.customers, seed: s.seed })
  const autogmsSeed = {
    ...data.autogms,
    apiKeys: data.autogms.apiKeys.map((k) => (k.key === SANDBOX_AUTOGMS.readWriteKey ? { ...k, ratePerMinute: s.autogmsLimit } : k))
  }
  const faults = { seed: s.seed, serverErrorRate: s.faults.serverErrorRate, resetRate: s.faults.resetRate, latencyMs: s.faults.latencyMs ?? 0 }
  const autoleap = await startAutoleapSim({
    seed: data.autoleap,
    faults,
    accessTokenTtlMs: s.accessTokenTtlMs,
    refreshTokenTtlMs: s.refreshTokenTtlMs,
    rateLimits: s.autoleapLimits,
    listShape: s.listShape ?? "wrapped"
  })
  const autogms = await startAutogmsSim({ seed: autogmsSeed, faults: { ...faults, seed: s.seed + 1 } })
  return { data, autoleap, autogms, close: async () => void (await Promise.all([autoleap.close(), autogms.close()])) }
}

export const clientsLayer = (s: ExtractScenario, urls: { readonly autoleap: string; readonly autogms: string }) =>
  Layer.mergeAll(
    autoleapLayer(
      {
        baseUrl: urls.autoleap,
        partnerId: SANDBOX_AUTOLEAP.partnerId,
        authKey: Redacted.make(SANDBOX_AUTOLEAP.authKey),
        companyId: SANDBOX_AUTOLEAP.companyId,
        rateLimits: s.autoleapLimits
      },
      { accessTokenTtlMs: s.accessTokenTtlMs, refreshTokenTtlMs: s.refreshTokenTtlMs, ...s.autoleapOptions }
    ),
    autogmsLayer(
      { baseUrl: urls.autogms, apiKey: Redacted.make(SANDBOX_AUTOGMS.readWriteKey), garageId: SANDBOX_AUTOGMS.garageId, rateLimit: s.autogmsLimit },
      s.autogmsOptions
    )
  ).pipe(Layer.provide(transportLayer()))

const ids = <A>(stream: Stream.Stream<A, unknown>, idOf: (a: A) => string) =>
  Effect.map(Stream.runCollect(stream), (c) => Chunk.toReadonlyArray(c).map(idOf))

/** A full extract of both entities from both sides, all four streams at once. */
export const extractAll = Effect.gen(function* () {
  const al = yield* AutoleapClient
  const ag = yield* AutogmsClient
  yield* al.checkCompany
  yield* ag.garage
  const [alCustomers, alVehicles, agCustomers, agVehicles] = yield* Effect.all(
    [
      ids(al.customers(), (c) => c.customerId),
      ids(al.vehicles(), (v) => v.vehicleId),
      ids(ag.customers(), (c) => c.id),
      ids(ag.vehicles(), (v) => v.id)
    ],
    { concurrency: "unbounded" }
  )
  return {
    alCustomers,
    alVehicles,
    agCustomers,
    agVehicles,
    counts: { autoleap: yield* al.requestCounts, autogms: yield* ag.requestCounts }
  }
})

/** Exactly once: as many ids as the seed, no repeats, and the same set. */
export const exactlyOnce = (got: ReadonlyArray<string>, expected: ReadonlyArray<string>) => {
  const set = new Set(got)
  const missing = expected.filter((id) => !set.has(id))
  return { got: got.length, distinct: set.size, expected: expected.length, missing: missing.length }
}
