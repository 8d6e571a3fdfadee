import { formatChange } from "./format.js"
import type { ActionRecord } from "./model.js"

/**
 * actions.csv, RFC 4180: CRLF line ends; a field holding a comma, a double quote, CR or LF is quoted, with inner quotes
 * doubled. Every record of the run is here, however large the run (the HTML shows a sample; this file does not). Lines
 * come one at a time so a writer (./write.ts) never holds the whole file.
 *
 * Formula injection: a spreadsheet runs a cell that starts with = + - @ (or a tab / CR) as a formula, and names, notes
 * and ids come from the shop's data. Such a cell gets a leading `'`, which spreadsheets show as text. So a value like
 * "-5" reads "'-5" in the file: the price of opening it safely in Excel.
 */
export const csvHeader = [
  "entity",
  "direction",
  "action",
  "source_system",
  "source_id",
  "target_id",
  "label",
  "reason",
  "message",
  "changed_fields",
  "warnings"
] as const

const formulaStart = /^[=+\-@\t\r]/

export const neutraliseFormula = (value: string): string => (formulaStart.test(value) ? `'${value}` : value)

export const csvField = (value: string): string => {
  const safe = neutraliseFormula(value)
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export const csvRow = (fields: ReadonlyArray<string>): string => fields.map(csvField).join(",")

const actionRow = (a: ActionRecord): ReadonlyArray<string> => [
  a.entity,
  `${a.from}-to-${a.to}`,
  a.action,
  a.sourceSystem,
  a.sourceId,
  a.targetId ?? "",
  a.label,
  a.reason ?? "",
  a.message ?? "",
  a.changes.map(formatChange).join("; "),
  a.warnings.map((w) => w.code).join("; ")
]

/** The lines of actions.csv, header first, each with its CRLF. */
export function* actionsCsvLines(rows: Iterable<ActionRecord>): Generator<string> {
  yield `${csvRow(csvHeader)}\r\n`
  for (const row of rows) yield `${csvRow(actionRow(row))}\r\n`
}
