import { Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { StateStore, type LinkInput, type Synchronous } from "../../src/state/index.js"

const dir = mkdtempSync(join(tmpdir(), "shopbridge-state-bench-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const total = 100_000
const perTransaction = 1_000

const linkBatch = (batch: number): ReadonlyArray<LinkInput> =>
  Array.from({ length: perTransaction }, (_, j) => {
    const n = batch * perTransaction + j
    return {
      entity: "customers",
      autoleapId: `al-${n}`,
      autogmsId: `ag-${n}`,
      naturalKey: `customer${n}@example.com`,
      autoleap: { seen: `a${n.toString(16).padStart(63, "0")}` },
      autogms: { seen: `b${n.toString(16).padStart(63, "0")}`, written: `c${n.toString(16).padStart(63, "0")}` }
    }
  })

const recordAll = (synchronous: Synchronous) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const state = yield* store.pair({ autoleapCompanyId: "co-bench", autogmsGarageId: "ga-bench" })
    const batches = Array.from({ length: total / perTransaction }, (_, b) => linkBatch(b))
    const started = performance.now()
    for (const links of batches) yield* state.recordLinks(links)
    const elapsed = performance.now() - started
    expect(yield* state.linkCount("customers")).toBe(total)
    const lookupStart = performance.now()
    const found = yield* state.linksByIds("customers", "autogms", Array.from({ length: 10_000 }, (_, i) => `ag-${i * 10}`))
    const lookup = performance.now() - lookupStart
    expect(found.size).toBe(10_000)
    return { elapsed, lookup }
  }).pipe(Effect.provide(StateStore.layer(join(dir, `bench-${synchronous}.db`), { synchronous })))

describe("state store benchmark", () => {
  for (const synchronous of ["FULL", "NORMAL"] as const) {
    it(`records ${total.toLocaleString("en")} links with hashes, ${perTransaction} per transaction (synchronous=${synchronous})`, async () => {
      const { elapsed, lookup } = await Effect.runPromise(recordAll(synchronous))
      console.log(`state bench: ${total} links in ${(elapsed / 1000).toFixed(3)} s ` +
        `(${Math.round(total / (elapsed / 1000)).toLocaleString("en")} links/s, synchronous=${synchronous}); ` +
        `10,000 lookups by id in ${lookup.toFixed(0)} ms`)
      expect(elapsed).toBeLessThan(2_000)
    })
  }
})
