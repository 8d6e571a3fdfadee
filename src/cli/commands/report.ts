import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { existsSync } from "node:fs"
import * as path from "node:path"
import { decodeRunReport, readRunReport, renderHtml, renderJson, renderMarkdown, type RunReport } from "../../report/index.js"
import { StateStore } from "../../state/index.js"
import { UsageError } from "../exit.js"
import { runsDirOption, stateOption } from "../options.js"

const renderers = { md: renderMarkdown, html: renderHtml, json: renderJson } as const

/** The report written with the run; else the copy the state store keeps (a runs folder may have been cleaned up). */
const findReport = (runId: string, runsDir: string, statePath: string): Effect.Effect<RunReport, UsageError> => {
  const fromFiles = readRunReport(path.join(runsDir, runId))
  const fromState = Effect.gen(function* () {
    if (!existsSync(statePath)) return yield* Effect.fail(`no state file at ${statePath}`)
    const store = yield* StateStore
    const run = yield* store.run(runId)
    if (Option.isNone(run) || run.value.report === null) return yield* Effect.fail(`no report for run ${runId}`)
    return yield* decodeRunReport(JSON.stringify(run.value.report))
  }).pipe(Effect.provide(StateStore.layer(statePath)))
  return fromFiles.pipe(
    Effect.orElse(() => fromState),
    Effect.mapError(() => new UsageError({ message: `no report found for run ${runId} in ${runsDir}/${runId}/ or in ${statePath}` }))
  )
}

export const reportCommand = Command.make(
  "report",
  {
    runId: Args.text({ name: "RUN_ID" }),
    format: Options.choice("format", ["md", "html", "json"] as const).pipe(Options.withDefault("md" as const)),
    state: stateOption,
    runsDir: runsDirOption
  },
  ({ runId, format, state, runsDir }) =>
    findReport(runId, runsDir, state).pipe(Effect.flatMap((report) => Console.log(renderers[format](report))))
).pipe(Command.withDescription("print or re-render a run's report"))
