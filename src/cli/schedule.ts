/**
 * `sync --every DURATION`: one sync per tick, each under the shop pair's lock like any run. A tick that fails (an API
 * down, the lock held) is logged and retried at a later tick, waiting longer after each failure in a row; Ctrl-C or
 * SIGTERM stop the loop once the group in flight is written (the run is marked interrupted, as any run would be).
 */
import { Effect } from "effect"
import { setExitCode, type AbortedError, type ExitCode, type UsageError } from "./exit.js"
import type { RunOutcome } from "./runMigration.js"

/** After n failed ticks in a row, wait this many ticks (1, 2, 4 … up to 8). */
export const ticksToWait = (failuresInARow: number): number => Math.min(8, 2 ** Math.max(0, failuresInARow - 1))

export const syncEvery = (
  everyMs: number,
  once: () => Effect.Effect<RunOutcome, UsageError | AbortedError>,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`)
): Effect.Effect<never, UsageError> =>
  Effect.gen(function* () {
    let failures = 0
    for (;;) {
      const started = Date.now()
      const outcome = yield* Effect.either(once())
      if (outcome._tag === "Right") {
        failures = 0
        yield* setExitCode(outcome.right.exitCode as ExitCode)
      } else if (outcome.left._tag === "UsageError") {
        // A bad configuration does not fix itself: stop.
        return yield* Effect.fail(outcome.left)
      } else {
        failures++
        say(`sync failed (${failures} in a row): ${outcome.left.message}; trying again in ${ticksToWait(failures)} tick(s)`)
      }
      const waitMs = ticksToWait(failures) * everyMs - (failures === 0 ? Date.now() - started : 0)
      yield* Effect.sleep(Math.max(0, waitMs))
    }
  })
