import { PassThrough } from "node:stream"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, TestClock } from "effect"
import { formatEta, layerTty, makePlainProgress, makeRecording, Progress, progressLine } from "../../../src/cli/progress.js"

describe("progress", () => {
  it.effect("writes plain lines every N records, with count, rate and ETA, and no control characters", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const progress = makePlainProgress({ write: (l) => lines.push(l), everyRecords: 100, everyMs: 60_000 })
      yield* progress.start("customers", 1000)
      for (let i = 0; i < 10; i++) {
        yield* TestClock.adjust(Duration.seconds(1))
        yield* progress.advance("customers", 50)
      }
      yield* progress.finish("customers")
      expect(lines[0]).toBe("customers: starting, 1,000 to go")
      expect(lines.slice(1, -1)).toEqual([
        "customers: 100/1,000 (10%), 50/s, about 18 s left",
        "customers: 200/1,000 (20%), 50/s, about 16 s left",
        "customers: 300/1,000 (30%), 50/s, about 14 s left",
        "customers: 400/1,000 (40%), 50/s, about 12 s left",
        "customers: 500/1,000 (50%), 50/s, about 10 s left"
      ])
      expect(lines.at(-1)).toBe("customers: done, 500 in 10 s (50/s)")
      for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f]/)
    })
  )

  it.effect("writes a line when enough time has passed even if few records moved", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const progress = makePlainProgress({ write: (l) => lines.push(l), everyRecords: 10_000, everyMs: 10_000 })
      yield* progress.start("vehicles", 600)
      yield* progress.advance("vehicles", 5)
      expect(lines).toHaveLength(1)
      yield* TestClock.adjust(Duration.seconds(10))
      yield* progress.advance("vehicles", 5)
      expect(lines[1]).toBe("vehicles: 10/600 (1%), 1.0/s, about 10 min left")
    })
  )

  it.effect("strips escape codes and carriage returns from what it writes", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const progress = makePlainProgress({ write: (l) => lines.push(l) })
      yield* progress.start("\u001b[31mcustomers\r", 10)
      yield* progress.log("hello\u001b[2K\rworld")
      expect(lines.join("")).not.toMatch(/[\u0000-\u001f\u007f]/)
    })
  )

  it("formats ETA and unknown totals", () => {
    expect(formatEta(3 * 3600 + 125)).toBe("3 h 3 min")
    expect(progressLine("tags", { total: 0, done: 30, startedAt: 0 }, 10_000)).toBe("tags: 30, 3.0/s")
  })

  it.effect("the recording layer keeps every call for pipeline tests", () => {
    const recording = makeRecording()
    return Effect.gen(function* () {
      const progress = yield* Progress
      yield* progress.start("customers", 2)
      yield* progress.advance("customers", 2)
      yield* progress.finish("customers")
      expect(recording.events()).toEqual([
        { _tag: "start", entity: "customers", total: 2 },
        { _tag: "advance", entity: "customers", n: 2 },
        { _tag: "finish", entity: "customers" }
      ])
    }).pipe(Effect.provide(recording.layer))
  })
})

describe("progress on a terminal", () => {
  it.effect("draws one bar per entity with count/total and rate, and stops cleanly when the scope closes", () =>
    Effect.gen(function* () {
      const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 })
      let output = ""
      stream.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
      yield* Effect.gen(function* () {
          const progress = yield* Progress
          yield* progress.start("customers", 200)
          yield* progress.start("vehicles", 50)
          yield* progress.advance("customers", 120)
          yield* progress.finish("vehicles")
        }).pipe(Effect.provide(layerTty(stream)))
      expect(output).toMatch(/customers .*\| 120\/200 \| [\d.]+\/s \| ETA/)
      expect(output).toMatch(/vehicles .*\| 0\/50/)
    })
  )
})
