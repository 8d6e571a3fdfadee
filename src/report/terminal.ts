import { entityLabel, formatCount, formatMinutes, statusLabel, systemLabel } from "./format.js"
import type { RunReport } from "./model.js"
import { isOpenConflict } from "./builder.js"
import { countByCode, countColumnsOf, countRows } from "./summary.js"
import { textTable } from "./textTable.js"

/**
 * What the terminal shows at the end of a run: counts per direction and entity, quarantine by code, and where the
 * report files are. Plain text, no colour codes, so it reads the same in a CI log.
 */
export const renderTerminalSummary = (report: RunReport, reportDir: string): string => {
  const lines: Array<string> = []
  const countColumns = countColumnsOf(report)
  lines.push(`Run ${report.runId}: ${statusLabel(report)}`, "")
  const rows = countRows(report).map((r) => [
    `${systemLabel(r.direction.from)} → ${systemLabel(r.direction.to)}`,
    entityLabel(r.entity),
    ...countColumns.map((c) => formatCount(r.counts[c.key]))
  ])
  if (rows.length === 0) lines.push("No records.")
  else lines.push(...textTable([["Direction", "Records", ...countColumns.map((c) => c.title)], ...rows], (i) => i >= 2))

  const byCode = countByCode(report.quarantine)
  if (byCode.length > 0) {
    lines.push("", `Quarantined (${formatCount(report.quarantine.length)}), not written:`)
    lines.push(...textTable(byCode.map((c) => [formatCount(c.count), c.code, c.description]), (i) => i === 0).map((l) => `  ${l}`))
  }
  if (report.warnings.length > 0) lines.push("", `Warnings: ${formatCount(report.warnings.length)} (see the report).`)
  const open = report.conflicts.filter(isOpenConflict).length
  if (report.conflicts.length > 0) lines.push("", `Conflicts: ${formatCount(report.conflicts.length)} (${formatCount(open)} awaiting review).`)
  if (report.drifted.length > 0) {
    const held = report.drifted.filter((d) => d.resolution === "held").length
    lines.push("", `Changed since the plan: ${formatCount(report.drifted.length)} (${formatCount(report.drifted.length - held)} planned again, ${formatCount(held)} held back).`)
  }
  const mismatched = (report.verification ?? []).reduce((n, v) => n + v.mismatches.length, 0)
  if (mismatched > 0) lines.push("", `Verification: ${formatCount(mismatched)} records differ on the target.`)

  if (report.estimate !== null)
    lines.push(
      "",
      `Estimated time at the configured rate limits: ${formatMinutes(report.estimate.minutes)} (${formatCount(report.estimate.autoleap.requests)} AutoLeap and ${formatCount(report.estimate.autogms.requests)} autoGMS requests).`
    )

  const dir = reportDir.replace(/\/+$/, "")
  lines.push("", "Report:", `  ${dir}/report.html`, `  ${dir}/report.md`, `  ${dir}/report.json`, `  ${dir}/actions.csv`, `  ${dir}/log.ndjson`)
  return `${lines.join("\n")}\n`
}
