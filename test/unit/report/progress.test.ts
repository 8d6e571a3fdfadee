import { PassThrough } from "node:stream"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, TestClock } from "effect"
import { barLine, formatEta, layerTty, makePlainProgress, makeRecording, Progress, progressLine } from "../../../src/cli/progress.js"
import { stripAnsi } from "../../../src/cli/terminalConsole.js"

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

/** A fake terminal: what was written to it, with cursor codes and carriage returns removed, split into lines. */
const fakeTerminal = () => {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 160 })
  let output = ""
  stream.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
  return { stream, lines: () => stripAnsi(output).split(/\r?\n|\r/).map((l) => l.trimEnd()).filter((l) => l !== "") }
}

describe("progress on a terminal", () => {
  it.effect("draws one bar per entity with count/total, rate and time left, and stops cleanly when the scope closes", () =>
    Effect.gen(function* () {
      const terminal = fakeTerminal()
      yield* Effect.gen(function* () {
        const progress = yield* Progress
        yield* progress.start("customers", 200)
        yield* progress.start("vehicles", 50)
        yield* TestClock.adjust(Duration.seconds(1))
        yield* progress.advance("customers", 120)
        yield* progress.finish("vehicles")
      }).pipe(Effect.provide(layerTty(terminal.stream)))
      const lines = terminal.lines()
      expect(lines).toContainEqual(expect.stringMatching(/^customers \|█+░+\| 120\/200 \(60%\) \| 120\/s \| about 1 s left$/))
      expect(lines).toContainEqual(expect.stringMatching(/^vehicles  \|░+\| 0\/50 \(0%\) \| 0\.0\/s \| done in 1 s$/))
    })
  )

  it.effect("shows the count alone while the total is unknown (never 5000/0), and the total once it is known", () =>
    Effect.gen(function* () {
      const before = fakeTerminal()
      yield* Effect.gen(function* () {
        const progress = yield* Progress
        yield* progress.start("customers from autoleap", 0)
        yield* progress.advance("customers from autoleap", 5000)
      }).pipe(Effect.provide(layerTty(before.stream)))
      expect(before.lines().join("\n")).toContain("| 5,000 so far |")
      expect(before.lines().join("\n")).not.toMatch(/5,?000\/0/)

      const after = fakeTerminal()
      yield* Effect.gen(function* () {
        const progress = yield* Progress
        yield* progress.start("customers from autoleap", 0)
        yield* progress.advance("customers from autoleap", 5000)
        yield* progress.start("customers from autoleap", 8000)
      }).pipe(Effect.provide(layerTty(after.stream)))
      expect(after.lines().join("\n")).toContain("| 5,000/8,000 (62%) |")
    })
  )

  it.effect("the time left keeps moving while no record arrives (a paced client waiting for its rate limit)", () =>
    Effect.gen(function* () {
      const terminal = fakeTerminal()
      yield* Effect.gen(function* () {
        const progress = yield* Progress
        yield* progress.start("customers → autogms", 200)
        yield* TestClock.adjust(Duration.seconds(1))
        yield* progress.advance("customers → autogms", 100)
        // A minute without a single record: the bar is redrawn by its own clock, not by the next record.
        yield* TestClock.adjust(Duration.seconds(60))
      }).pipe(Effect.provide(layerTty(terminal.stream)))
      expect(terminal.lines()).toContainEqual(expect.stringMatching(/100\/200 \(50%\) \| 1\.6\/s \| about 2 min left$/))
    })
  )

  it.effect("prints logged lines above the bars, on lines of their own, before and after the first bar", () =>
    Effect.gen(function* () {
      const terminal = fakeTerminal()
      yield* Effect.gen(function* () {
        const progress = yield* Progress
        yield* progress.log("estimate before reading: at most 87 requests")
        yield* progress.start("customers", 10)
        yield* progress.advance("customers", 4)
        yield* progress.log("estimate: 79 requests, under a minute")
      }).pipe(Effect.provide(layerTty(terminal.stream)))
      const lines = terminal.lines()
      expect(lines).toContain("estimate before reading: at most 87 requests")
      expect(lines).toContain("estimate: 79 requests, under a minute")
      expect(lines.indexOf("estimate: 79 requests, under a minute")).toBeLessThan(lines.findLastIndex((l) => l.startsWith("customers |")))
    })
  )

  it("a bar's line: unknown totals, finished entities, and names padded to line the bars up", () => {
    const bar = { entity: "vehicles", done: 30, total: 0, startedAt: 0, finishedAt: null }
    expect(barLine(bar, 10_000, 12)).toBe("vehicles     |░░░░░░░░░░░░░░░░░░░░░░░░| 30 so far | 3.0/s | total not known yet")
    expect(barLine({ ...bar, total: 60, done: 0 }, 10_000)).toContain("0/60 (0%) | 0.0/s | time left not known yet")
    expect(barLine({ ...bar, total: 30, finishedAt: 15_000 }, 99_000)).toContain("30/30 (100%) | 2.0/s | done in 15 s")
  })
})

describe("plain progress with an unknown total", () => {
  it.effect("says 'starting' without '0 to go', and counts without '/0'", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const progress = makePlainProgress({ write: (l) => lines.push(l), everyRecords: 100 })
      yield* progress.start("customers from autoleap", 0)
      yield* TestClock.adjust(Duration.seconds(1))
      yield* progress.advance("customers from autoleap", 100)
      expect(lines).toEqual(["customers from autoleap: starting", "customers from autoleap: 100, 100/s"])
    })
  )
})
