import { Data } from "effect"
import { SettingRejected } from "../config/settingRejected.js"

/**
 * The run cannot go on: credentials refused, the company or garage out of reach, an API still failing after the
 * client's retries, or the state lock lost. The CLI exits 3; the state is saved and `resume` continues, unless
 * `beforeReading` says the run stopped in its preflight on a setting: then nothing was read or written, resuming cannot
 * help, and the message says what to fix before running the same command again.
 */
export class RunAborted extends Data.TaggedError("RunAborted")<{
  readonly message: string
  readonly beforeReading?: boolean
}> {}

/** Ctrl-C arrived: the batch in flight was finished, the run is marked interrupted (exit 3, resumable). */
export class RunInterrupted extends Data.TaggedError("RunInterrupted")<{ readonly runId: string }> {}

/** Any failure of a client call the pipeline cannot absorb, in words for the one-line error. */
export const abortFrom = (system: string) => (error: { readonly _tag: string; readonly message?: string }): RunAborted => {
  // A rejected setting names its system and variables already, and only the preflight checks report one.
  if (error instanceof SettingRejected) return new RunAborted({ message: error.message, beforeReading: true })
  const what = system === "autoleap" ? "AutoLeap" : "autoGMS"
  const detail = error.message !== undefined && error.message !== "" ? error.message : error._tag
  return new RunAborted({ message: `${what}: ${detail}` })
}
