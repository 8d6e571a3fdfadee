import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { isStalePlan } from "../../pipeline/apply.js"
import { StateStore, type Run } from "../../state/index.js"
import { setExitCode, UsageError, type ExitCode } from "../exit.js"
import { runsDirOption, stateOption } from "../options.js"
import { withStateFile } from "../stateFile.js"
import { executeMigration, type StoredMigrateOptions } from "../runMigration.js"

/** Why a run's plan cannot be applied, in words that say what to do instead; undefined when it can. */
export const unapplicable = (run: Run): string | undefined => {
  if (!run.dryRun) return `run ${run.id} is not a dry run: only a dry run's plan can be applied (run 'shopbridge migrate … --dry-run' first)`
  if (run.appliedBy !== null) return `the plan of run ${run.id} was already applied by run ${run.appliedBy}: make a new dry run to apply again`
  if (run.status !== "completed" && run.status !== "completed_with_errors") {
    return `dry run ${run.id} did not complete (${run.status}): run the dry run again, then apply that one`
  }
  if (run.command !== "migrate") return `run ${run.id} is a ${run.command} run: only a migration's dry run can be applied`
  return undefined
}

const findPlan = (statePath: string, runId: string) =>
  withStateFile(statePath, "nothing to apply (pass --state where the dry run kept its state)", Effect.gen(function* () {
    const store = yield* StateStore
    const run = yield* store.run(runId)
    if (Option.isNone(run)) return yield* new UsageError({ message: `no run ${runId} in ${statePath}` })
    const why = unapplicable(run.value)
    if (why !== undefined) return yield* new UsageError({ message: why })
    return run.value
  }))

export const applyCommand = Command.make(
  "apply",
  {
    runId: Args.text({ name: "RUN_ID" }).pipe(Args.withDescription("the dry run whose plan to write (its id is the first line it printed)")),
    strict: Options.boolean("strict").pipe(
      Options.withDescription("leave records changed in the source since the plan alone and list them, instead of planning them again")
    ),
    state: stateOption,
    runsDir: runsDirOption
  },
  ({ runId, strict, state, runsDir }) =>
    Effect.gen(function* () {
      const plan = yield* findPlan(state, runId)
      const planned = plan.options as StoredMigrateOptions
      if (isStalePlan(plan.finishedAt ?? plan.startedAt, Date.now())) {
        process.stderr.write(`warning: the plan of ${runId} is more than 24 hours old; records changed since are checked, but consider a new dry run\n`)
      }
      const outcome = yield* executeMigration({
        options: { ...planned, dryRun: false, runsDir, apply: { planOf: runId, strict } },
        statePath: state,
        planPair: plan.pair
      })
      yield* setExitCode(outcome.exitCode as ExitCode)
    })
).pipe(Command.withDescription("write exactly the plan of a reviewed dry run (RUN_ID); records changed since are re-planned and reported as drifted"))
