import { describe, expect, it } from "vitest"
import { Chunk, Effect, Stream } from "effect"
import { AutogmsClient } from "../../src/sources/autogms/client.js"
import { AutoleapClient } from "../../src/sources/autoleap/client.js"
import { clientsLayer, startSims, type ExtractScenario } from "./extractHarness.js"

const s: ExtractScenario = {
  customers: 200,
  seed: 11,
  autoleapLimits: { GET: 2_000, POST: 500, PUT: 500, PATCH: 500, DELETE: 500 },
  autogmsLimit: 2_000,
  faults: { serverErrorRate: 0.05, resetRate: 0.03, latencyMs: 10 },
  accessTokenTtlMs: 3_600_000,
  refreshTokenTtlMs: 10_800_000,
  autoleapOptions: { pageSize: 20, retry: { baseDelayMs: 20, maxDelayMs: 300 } },
  autogmsOptions: { pageSize: 20, retry: { baseDelayMs: 20, maxDelayMs: 300 } }
}

describe("records updated while we page", () => {
  it("are neither lost nor double-counted, in a full extract and in the next incremental window", async () => {
    const sims = await startSims(s)
    try {
      const alIds = sims.data.autoleap.customers.map((c) => c.customerId)
      const agIds = sims.data.autogms.customers.map((c) => c.id)
      const windowStartedAt = new Date()
      // Edit records spread over the whole list (some already read, some not) while the extract pages.
      const edited = { al: [] as Array<string>, ag: [] as Array<string> }
      const editor = setInterval(() => {
        const i = (edited.al.length * 37) % alIds.length
        sims.autoleap.edit("customers", alIds[i]!, { notes: `edited ${edited.al.length}` })
        edited.al.push(alIds[i]!)
        const j = (edited.ag.length * 41) % agIds.length
        sims.autogms.edit("customers", agIds[j]!, { notes: `edited ${edited.ag.length}` })
        edited.ag.push(agIds[j]!)
      }, 15)
      const layer = clientsLayer(s, { autoleap: sims.autoleap.baseUrl, autogms: sims.autogms.baseUrl })
      const full = await Effect.runPromise(
        Effect.provide(
          Effect.gen(function* () {
            const al = yield* AutoleapClient
            const ag = yield* AutogmsClient
            return yield* Effect.all(
              [
                Effect.map(Stream.runCollect(al.customers()), (c) => Chunk.toReadonlyArray(c).map((x) => x.customerId)),
                Effect.map(Stream.runCollect(ag.customers()), (c) => Chunk.toReadonlyArray(c).map((x) => x.id))
              ],
              { concurrency: "unbounded" }
            )
          }),
          layer
        )
      ).finally(() => clearInterval(editor))
      expect(edited.al.length).toBeGreaterThan(3)
      expect(full[0]).toHaveLength(alIds.length)
      expect(new Set(full[0])).toEqual(new Set(alIds))
      expect(full[1]).toHaveLength(agIds.length)
      expect(new Set(full[1])).toEqual(new Set(agIds))

      // The next sync window starts where this one started: every edited record is in it, each once.
      const incremental = await Effect.runPromise(
        Effect.provide(
          Effect.gen(function* () {
            const al = yield* AutoleapClient
            const ag = yield* AutogmsClient
            return yield* Effect.all([
              Effect.map(Stream.runCollect(al.customers({ updatedSince: windowStartedAt })), (c) => Chunk.toReadonlyArray(c).map((x) => x.customerId)),
              Effect.map(Stream.runCollect(ag.customers({ updatedSince: windowStartedAt })), (c) => Chunk.toReadonlyArray(c).map((x) => x.id))
            ])
          }),
          layer
        )
      )
      expect(new Set(incremental[0])).toEqual(new Set(edited.al))
      expect(incremental[0]).toHaveLength(new Set(edited.al).size)
      expect(new Set(incremental[1])).toEqual(new Set(edited.ag))
      expect(incremental[1]).toHaveLength(new Set(edited.ag).size)
    } finally {
      await sims.close()
    }
  })
})
