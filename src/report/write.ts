import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Data, Effect } from "effect"
import { renderActionsCsv } from "./csv.js"
import { renderHtml } from "./html.js"
import { decodeRunReport, type ReportDecodeError } from "./json.js"
import { renderJson } from "./json.js"
import { renderMarkdown, type RenderOptions } from "./markdown.js"
import type { RunReport } from "./model.js"

export class ReportWriteError extends Data.TaggedError("ReportWriteError")<{ readonly path: string; readonly message: string }> {}
export class ReportReadError extends Data.TaggedError("ReportReadError")<{ readonly path: string; readonly message: string }> {}

export const reportFileNames = {
  json: "report.json",
  markdown: "report.md",
  html: "report.html",
  csv: "actions.csv",
  log: "log.ndjson"
} as const

const reason = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/**
 * Writes report.json, report.md, report.html and actions.csv into `dir` (created if missing). Each file is written to a
 * temporary name and renamed, so a reader (or a re-render) never sees half a report. log.ndjson belongs to the logger.
 */
export const writeRunReport = (
  dir: string,
  report: RunReport,
  options: RenderOptions = {}
): Effect.Effect<ReadonlyArray<string>, ReportWriteError> =>
  Effect.gen(function* () {
    yield* Effect.tryPromise({
      try: () => fs.mkdir(dir, { recursive: true }),
      catch: (cause) => new ReportWriteError({ path: dir, message: `cannot create ${dir}: ${reason(cause)}` })
    })
    const files: ReadonlyArray<readonly [string, () => string]> = [
      [reportFileNames.json, () => renderJson(report)],
      [reportFileNames.markdown, () => renderMarkdown(report, options)],
      [reportFileNames.html, () => renderHtml(report, options)],
      [reportFileNames.csv, () => renderActionsCsv(report)]
    ]
    return yield* Effect.forEach(files, ([name, render]) => {
      const target = path.join(dir, name)
      const temporary = `${target}.tmp`
      return Effect.tryPromise({
        try: async () => {
          await fs.writeFile(temporary, render(), "utf8")
          await fs.rename(temporary, target)
          return target
        },
        catch: (cause) => new ReportWriteError({ path: target, message: `cannot write ${target}: ${reason(cause)}` })
      })
    })
  })

/** Reads `<dir>/report.json` back, for `shopbridge report RUN_ID` to re-render it in another format. */
export const readRunReport = (dir: string): Effect.Effect<RunReport, ReportReadError | ReportDecodeError> => {
  const file = path.join(dir, reportFileNames.json)
  return Effect.tryPromise({
    try: () => fs.readFile(file, "utf8"),
    catch: (cause) => new ReportReadError({ path: file, message: `cannot read ${file}: ${reason(cause)}` })
  }).pipe(Effect.flatMap(decodeRunReport))
}
