import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { AbortedError, UsageError } from "../../../src/cli/exit.js"
import type { RunOutcome } from "../../../src/cli/runMigration.js"
import { syncEvery, ticksToWait } from "../../../src/cli/schedule.js"

const outcome: RunOutcome = {
  runId: "r",
  reportDir: "d",
  exitCode: 0,
  report: {} as RunOutcome["report"]
}

describe("sync --every", () => {
  it("waits 1, 1, 2, 4, 8, 8 ticks after 0…5 failures in a row", () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(ticksToWait)).toEqual([1, 1, 2, 4, 8, 8, 8])
  })

  it.effect("runs once per tick, and after a failure waits longer before the next try", () =>
    Effect.gen(function* () {
      const calls: Array<number> = []
      const results = [true, false, false, true, true]
      const lines: Array<string> = []
      const once = () =>
        Effect.suspend(() => {
          calls.push(calls.length)
          const ok = results[calls.length - 1] ?? true
          return ok ? Effect.succeed(outcome) : Effect.fail(new AbortedError({ message: "autoGMS: nothing answers" }))
        })
      const loop = yield* Effect.fork(syncEvery(60_000, once, (line) => void lines.push(line)))
      yield* TestClock.adjust("1 millis")
      expect(calls).toHaveLength(1) // at once
      yield* TestClock.adjust("60 seconds")
      expect(calls).toHaveLength(2) // next tick: fails
      yield* TestClock.adjust("60 seconds")
      expect(calls).toHaveLength(3) // 1 tick after one failure: fails again
      yield* TestClock.adjust("60 seconds")
      expect(calls).toHaveLength(3) // 2 ticks after two failures in a row
      yield* TestClock.adjust("60 seconds")
      expect(calls).toHaveLength(4)
      yield* Fiber.interrupt(loop)
      expect(lines[0]).toContain("sync failed (1 in a row): autoGMS: nothing answers")
    })
  )

  it.effect("a usage error (bad configuration) stops the loop", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(syncEvery(60_000, () => Effect.fail(new UsageError({ message: "AUTOGMS_API_KEY is not set" })), () => undefined))
      expect(error.message).toContain("AUTOGMS_API_KEY")
    })
  )
})
