import { Data } from "effect"

/**
 * The run cannot go on: credentials refused, the company or garage out of reach, an API still failing after the
 * client's retries, or the state lock lost. The CLI exits 3; the state is saved and `resume` continues.
 */
export class RunAborted extends Data.TaggedError("RunAborted")<{ readonly message: string }> {}

/** Ctrl-C arrived: the batch in flight was finished, the run is marked interrupted (exit 3, resumable). */
export class RunInterrupted extends Data.TaggedError("RunInterrupted")<{ readonly runId: string }> {}

/** Any failure of a client call the pipeline cannot absorb, in words for the one-line error. */
export const abortFrom = (system: string) => (error: { readonly _tag: string; readonly message?: string }): RunAborted => {
  const what = system === "autoleap" ? "AutoLeap" : "autoGMS"
  const detail = error.message !== undefined && error.message !== "" ? error.message : error._tag
  return new RunAborted({ message: `${what}: ${detail}` })
}
