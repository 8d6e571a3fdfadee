import { Args, Command } from "@effect/cli"
import { Config, Effect, Option } from "effect"
import { StateStore, type Run, type ShopPair } from "../../state/index.js"
import { setExitCode, UsageError, type ExitCode } from "../exit.js"
import { stateOption } from "../options.js"
import { withStateFile } from "../stateFile.js"
import { executeMigration, type StoredMigrateOptions } from "../runMigration.js"
import { executeSync, type StoredSyncOptions } from "../runSync.js"

/** The shop pair the environment names (both ids set), the one a resumed run must belong to. */
const pairFromEnvironment = Effect.all({
  autoleapCompanyId: Config.string("AUTOLEAP_COMPANY_ID"),
  autogmsGarageId: Config.string("AUTOGMS_GARAGE_ID")
}).pipe(Effect.option)

const samePair = (a: ShopPair, b: ShopPair): boolean => a.autoleapCompanyId === b.autoleapCompanyId && a.autogmsGarageId === b.autogmsGarageId
const describePair = (pair: ShopPair): string => `AutoLeap company ${pair.autoleapCompanyId} with autoGMS garage ${pair.autogmsGarageId}`

/** Why a run cannot be resumed, in words that say what to do instead; undefined when it can. */
export const notResumable = (run: Run): string | undefined => {
  if (run.dryRun) return `run ${run.id} is a dry run: nothing is resumed; run the dry run again, or 'shopbridge apply' a completed one`
  if (run.status === "completed" || run.status === "completed_with_errors") return `run ${run.id} is ${run.status.replace(/_/g, " ")}: nothing to resume`
  if (!run.resumable) return `run ${run.id} stopped before reading anything: nothing to resume; fix what it said and run it again`
  return undefined
}

/** The run to resume: the one named, else the newest unfinished run of the environment's shop pair. */
const findRun = (statePath: string, runId: Option.Option<string>) =>
  withStateFile(statePath, "nothing to resume", Effect.gen(function* () {
    const store = yield* StateStore
    const pair = yield* pairFromEnvironment
    if (Option.isSome(runId)) {
      const run = yield* store.run(runId.value)
      if (Option.isNone(run)) return yield* new UsageError({ message: `no run ${runId.value} in ${statePath}` })
      const why = notResumable(run.value)
      if (why !== undefined) return yield* new UsageError({ message: why })
      if (Option.isSome(pair) && !samePair(run.value.pair, pair.value)) {
        return yield* new UsageError({
          message: `run ${run.value.id} belongs to another shop pair (${describePair(run.value.pair)}), but the environment names ${describePair(pair.value)}: set AUTOLEAP_COMPANY_ID and AUTOGMS_GARAGE_ID to that pair to resume it`
        })
      }
      return run.value
    }
    const unfinished = (yield* store.runs(100)).filter((run) => notResumable(run) === undefined)
    const ours = Option.match(pair, { onNone: () => unfinished, onSome: (p) => unfinished.filter((run) => samePair(run.pair, p)) })
    const latest = ours[0]
    if (latest === undefined) {
      const elsewhere = unfinished[0]
      return yield* new UsageError({
        message:
          elsewhere === undefined || Option.isNone(pair)
            ? `no interrupted run in ${statePath}: nothing to resume`
            : `no interrupted run of ${describePair(pair.value)} in ${statePath}; run ${elsewhere.id} belongs to another shop pair (${describePair(elsewhere.pair)})`
      })
    }
    return latest
  }))

export const resumeCommand = Command.make(
  "resume",
  {
    runId: Args.text({ name: "RUN_ID" }).pipe(
      Args.withDescription("the run to finish: the first line it printed, or the first column of 'shopbridge runs' (default: the latest interrupted run of this shop pair)"),
      Args.optional
    ),
    state: stateOption
  },
  ({ runId, state }) =>
    Effect.gen(function* () {
      const run = yield* findRun(state, runId)
      if (Option.isNone(runId)) process.stderr.write(`resuming ${run.command} run ${run.id} (started ${run.startedAt})\n`)
      const outcome =
        run.command === "sync"
          ? yield* executeSync({ options: run.options as StoredSyncOptions, statePath: state, resumeRunId: run.id })
          : yield* executeMigration({ options: run.options as StoredMigrateOptions, statePath: state, resumeRunId: run.id })
      yield* setExitCode(outcome.exitCode as ExitCode)
    })
).pipe(Command.withDescription("finish an interrupted run (default: the latest of the shop pair in the environment)"))
