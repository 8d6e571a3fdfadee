import { Data, Effect, ParseResult, Schema } from "effect"
import { RunReport } from "./model.js"

/**
 * report.json: the contract of cli.md plus estimate, verification and drift; pretty-printed for people who open it.
 * The per-record actions are in actions.csv, not here.
 */
export const renderJson = (report: RunReport): string => `${JSON.stringify(report, null, 2)}\n`

export class ReportDecodeError extends Data.TaggedError("ReportDecodeError")<{ readonly message: string }> {}

const parseOptions = { errors: "all", onExcessProperty: "ignore" } as const
const decodeJson = Schema.decodeUnknown(Schema.parseJson(RunReport), parseOptions)
const decodeValue = Schema.decodeUnknown(RunReport, parseOptions)

const toDecodeError = (error: ParseResult.ParseError): ReportDecodeError =>
  new ReportDecodeError({ message: `report.json is not a valid run report:\n${ParseResult.TreeFormatter.formatErrorSync(error)}` })

/**
 * Reads report.json text back (for `shopbridge report RUN_ID`), every problem listed in the error message. An older
 * report still reads: its `actions` array is ignored and missing drift fields default to none.
 */
export const decodeRunReport = (text: string): Effect.Effect<RunReport, ReportDecodeError> =>
  decodeJson(text).pipe(Effect.mapError(toDecodeError))

/** The same, for a report already parsed: the summary the state store keeps with a finished run. */
export const decodeRunReportValue = (value: unknown): Effect.Effect<RunReport, ReportDecodeError> =>
  decodeValue(value).pipe(Effect.mapError(toDecodeError))
