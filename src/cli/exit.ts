import { Data, Effect } from "effect"

/**
 * How a command ends, as cli.md defines the exit codes:
 * 0 completed · 1 completed with quarantined records or open conflicts · 2 usage or configuration error (nothing read or
 * written) · 3 aborted (auth refused, API unreachable, state locked); `resume` continues it.
 */
export const ExitCode = { ok: 0, completedWithIssues: 1, usage: 2, aborted: 3 } as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** A bad command line or configuration: one line that says what to fix; exit 2. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** The run could not go on (auth refused, API unreachable, state locked): exit 3; the state is saved. */
export class AbortedError extends Data.TaggedError("AbortedError")<{ readonly message: string }> {}

export const setExitCode = (code: ExitCode): Effect.Effect<void> =>
  Effect.sync(() => {
    process.exitCode = code
  })
