import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import {
  decodeRunReportValue,
  noRunActions,
  readRunReport,
  renderHtml,
  renderJson,
  renderMarkdown,
  reportFileNames,
  type RenderOptions,
  type RunReport
} from "../../report/index.js"
import { StateStore } from "../../state/index.js"
import { UsageError } from "../exit.js"
import { runsDirOption, stateOption } from "../options.js"

type Format = "md" | "html" | "json"

const fileOf: Readonly<Record<Format, string>> = { md: reportFileNames.markdown, html: reportFileNames.html, json: reportFileNames.json }

/** A re-render has the report but not the run's actions (they are in actions.csv, or were): it says so instead. */
const render = (format: Format, report: RunReport, options: RenderOptions): string =>
  format === "json"
    ? renderJson(report)
    : (format === "md" ? renderMarkdown : renderHtml)(report, noRunActions.samples, options)

/** The file exactly as the run wrote it. */
const writtenFile = (file: string): Effect.Effect<string, string> =>
  Effect.try({ try: () => readFileSync(file, "utf8"), catch: () => `cannot read ${file}` })

/** The report summary the state store keeps with a finished run: all that is left once the runs folder is cleaned up. */
const fromState = (runId: string, statePath: string): Effect.Effect<RunReport, string> =>
  Effect.gen(function* () {
    if (!existsSync(statePath)) return yield* Effect.fail(`no state file at ${statePath}`)
    const store = yield* StateStore
    const run = yield* store.run(runId).pipe(Effect.mapError((e) => e.message))
    if (Option.isNone(run) || run.value.report === null) return yield* Effect.fail(`no report for run ${runId}`)
    return yield* decodeRunReportValue(run.value.report).pipe(Effect.mapError((e) => e.message))
  }).pipe(Effect.provide(StateStore.layer(statePath)), Effect.mapError(String))

/**
 * The file the run wrote, as it is; else a re-render from the folder's report.json (if only that survived); else from
 * the state store (the folder is gone).
 */
const findReport = (runId: string, format: Format, runsDir: string, statePath: string): Effect.Effect<string, UsageError> => {
  const dir = path.join(runsDir, runId)
  const csv = path.join(dir, reportFileNames.csv)
  return writtenFile(path.join(dir, fileOf[format])).pipe(
    Effect.orElse(() =>
      readRunReport(dir).pipe(Effect.map((report) => render(format, report, { actionsNote: `The per-record actions are in ${csv}.` })))
    ),
    Effect.orElse(() =>
      fromState(runId, statePath).pipe(
        Effect.map((report) =>
          render(format, report, {
            actionsNote: `Re-rendered from the state store: ${dir} is gone, and with it actions.csv, which listed the per-record actions of this run.`
          })
        )
      )
    ),
    Effect.mapError(() => new UsageError({ message: `no report found for run ${runId} in ${dir}/ or in ${statePath}` }))
  )
}

export const reportCommand = Command.make(
  "report",
  {
    runId: Args.text({ name: "RUN_ID" }).pipe(
      Args.withDescription("the run's id: the first line the run printed, or the first column of 'shopbridge runs'")
    ),
    format: Options.choice("format", ["md", "html", "json"] as const).pipe(
      Options.withDefault("md" as const),
      Options.withDescription("md (default: readable in a terminal), html (the page to open or mail) or json (for scripts)")
    ),
    state: stateOption,
    runsDir: runsDirOption
  },
  ({ runId, format, state, runsDir }) =>
    // The files end with a newline already; Console.log adds its own.
    findReport(runId, format, runsDir, state).pipe(Effect.flatMap((text) => Console.log(text.replace(/\n$/, ""))))
).pipe(Command.withDescription(
    "print a run's report: the file the run wrote, or one re-rendered from report.json or the state file when the file is gone"
  ))
