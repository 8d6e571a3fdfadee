import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { dedupByIdAndUpdated } from "../../../src/http/paging.js"

interface Row {
  readonly id: string
  readonly updated: string
}
const row = (id: string, minute: number): Row => ({ id, updated: `2026-11-30T12:${String(minute).padStart(2, "0")}:00.000Z` })
const dedup = (rows: ReadonlyArray<Row>, remember?: number) =>
  Stream.runCollect(dedupByIdAndUpdated<Row>((r) => r.id, (r) => r.updated, remember)(Stream.fromIterable(rows))).pipe(
    Effect.map((kept) => Chunk.toArray(kept).map((r) => `${r.id}@${r.updated.slice(14, 16)}`))
  )

describe("a paged read's repeats", () => {
  it.effect("a record shifted back across a page boundary comes once; its newer version comes again", () =>
    Effect.gen(function* () {
      expect(yield* dedup([row("a", 1), row("b", 2), row("b", 2), row("c", 3), row("a", 5)])).toEqual(["a@01", "b@02", "c@03", "a@05"])
    }))

  it.effect("only the latest ids are remembered: memory stays bounded however long the read", () =>
    Effect.gen(function* () {
      // "a" was seen 3 ids ago, beyond a memory of 2: its repeat passes (the snapshot keeps one row per id anyway).
      expect(yield* dedup([row("a", 1), row("b", 2), row("c", 3), row("a", 1), row("c", 3)], 2)).toEqual(["a@01", "b@02", "c@03", "a@01"])
    }))
})
