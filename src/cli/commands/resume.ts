import { Args, Command } from "@effect/cli"
import { Effect, Option } from "effect"
import { existsSync } from "node:fs"
import { StateStore, type Run } from "../../state/index.js"
import { setExitCode, UsageError, type ExitCode } from "../exit.js"
import { stateOption } from "../options.js"
import { executeMigration, type StoredMigrateOptions } from "../runMigration.js"
import { executeSync, type StoredSyncOptions } from "../runSync.js"

const resumable = (run: Run): boolean => !run.dryRun && (run.status === "interrupted" || run.status === "failed" || run.status === "running")

/** The run to resume: the one named, else the newest that did not finish. */
const findRun = (statePath: string, runId: Option.Option<string>) =>
  Effect.gen(function* () {
    if (!existsSync(statePath)) return yield* Effect.fail(new UsageError({ message: `no state file at ${statePath}: nothing to resume` }))
    const store = yield* StateStore
    if (Option.isSome(runId)) {
      const run = yield* store.run(runId.value)
      if (Option.isNone(run)) return yield* Effect.fail(new UsageError({ message: `no run ${runId.value} in ${statePath}` }))
      if (!resumable(run.value)) return yield* Effect.fail(new UsageError({ message: `run ${runId.value} is ${run.value.dryRun ? "a dry run" : run.value.status}: nothing to resume` }))
      return run.value
    }
    const latest = (yield* store.runs(100)).find(resumable)
    if (latest === undefined) return yield* Effect.fail(new UsageError({ message: `no interrupted run in ${statePath}: nothing to resume` }))
    return latest
  }).pipe(
    Effect.provide(StateStore.layer(statePath)),
    Effect.catchTags({
      StateError: (e) => Effect.fail(new UsageError({ message: e.message })),
      StateTooNew: (e) => Effect.fail(new UsageError({ message: e.message }))
    })
  )

export const resumeCommand = Command.make(
  "resume",
  { runId: Args.text({ name: "RUN_ID" }).pipe(Args.optional), state: stateOption },
  ({ runId, state }) =>
    Effect.gen(function* () {
      const run = yield* findRun(state, runId)
      const outcome =
        run.command === "sync"
          ? yield* executeSync({ options: run.options as StoredSyncOptions, statePath: state, resumeRunId: run.id })
          : yield* executeMigration({ options: run.options as StoredMigrateOptions, statePath: state, resumeRunId: run.id })
      yield* setExitCode(outcome.exitCode as ExitCode)
    })
).pipe(Command.withDescription("finish an interrupted run (default: the latest)"))
