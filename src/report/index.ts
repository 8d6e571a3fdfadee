// The report module's public surface: the model, the assembly of a run's report, the action samples, the renderers and
// the writer.
export * from "./model.js"
export * from "./builder.js"
export * from "./actions.js"
export * from "./estimate.js"
export { describeReason } from "./reasons.js"
export { formatCount, formatMinutes, formatValue } from "./format.js"
export type { RenderOptions } from "./summary.js"
export { renderJson, decodeRunReport, decodeRunReportValue, ReportDecodeError } from "./json.js"
export { renderMarkdown, escapeMarkdown } from "./markdown.js"
export { renderHtml, escapeHtml } from "./html.js"
export { actionsCsvLines, csvField, csvHeader, neutraliseFormula } from "./csv.js"
export { renderTerminalSummary } from "./terminal.js"
export { textTable } from "./textTable.js"
export {
  writeRunReport,
  writeActionsCsv,
  readRunReport,
  reportFileNames,
  ReportWriteError,
  ReportReadError
} from "./write.js"
