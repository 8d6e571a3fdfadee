import { Data, Effect, ParseResult, Schema } from "effect"
import { RunReport } from "./model.js"

/** report.json: the contract of cli.md plus estimate, verification and actions; pretty-printed for people who open it. */
export const renderJson = (report: RunReport): string => `${JSON.stringify(report, null, 2)}\n`

export class ReportDecodeError extends Data.TaggedError("ReportDecodeError")<{ readonly message: string }> {}

const decodeJson = Schema.decodeUnknown(Schema.parseJson(RunReport), { errors: "all", onExcessProperty: "ignore" })

/** Reads report.json text back (for `shopbridge report RUN_ID`), every problem listed in the error message. */
export const decodeRunReport = (text: string): Effect.Effect<RunReport, ReportDecodeError> =>
  decodeJson(text).pipe(
    Effect.mapError(
      (error) => new ReportDecodeError({ message: `report.json is not a valid run report:\n${ParseResult.TreeFormatter.formatErrorSync(error)}` })
    )
  )
