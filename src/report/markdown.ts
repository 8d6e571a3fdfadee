import type { ActionSample } from "./actions.js"
import { directionLabel, durationBetween, entityLabel, formatChange, formatCount, formatMinutes, statusLabel } from "./format.js"
import type { RunReport } from "./model.js"
import {
  actionColumns,
  actionReason,
  changesView,
  conflictsView,
  countByCode,
  countColumnsOf,
  countRows,
  driftLine,
  driftView,
  estimateView,
  headline,
  issuesView,
  requestsView,
  unchangedLine,
  type RenderOptions,
  type TableView,
  cursorsView,
  warningsShownLine
} from "./summary.js"

/**
 * Shop data goes into markdown that a viewer may render as HTML, so the characters that open markup are backslash-escaped
 * (CommonMark lets any ASCII punctuation be escaped) and a value stays on one line: a name cannot open a tag or a link,
 * start an entity, or break a table. Values never start a line, so `#`, `+`, `-` and `1.` need nothing; `_` is left alone
 * because reason codes are full of it and CommonMark does not emphasise inside words.
 */
export const escapeMarkdown = (value: string): string =>
  value.replace(/\r\n|\r|\n/g, " ").replace(/[\\`*[\]<>|~&]/g, (c) => `\\${c}`)

const cell = escapeMarkdown

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, numericFrom = 1): string => {
  const align = header.map((_, i) => (i >= numericFrom ? "---:" : "---"))
  return [header, align, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n")
}

const viewTable = (view: TableView): string => table(view.header, view.rows.map((r) => r.map(cell)), view.numericFrom)

/**
 * report.md, line by line: every quarantined record, warning, conflict and drifted record; per action kind, the sample's
 * rows. `writeRunReport` writes the lines without joining them into one string.
 */
export const markdownLines = (report: RunReport, samples: ReadonlyArray<ActionSample>, options: RenderOptions = {}): ReadonlyArray<string> => {
  const countColumns = countColumnsOf(report)
  const out: Array<string> = []
  const title = report.dryRun ? "Dry run report" : report.command === "sync" ? "Sync report" : "Migration report"
  out.push(`# ${title} — ${cell(report.runId)}`, "")
  out.push(`**${cell(statusLabel(report))}**`, "")
  for (const line of headline(report)) out.push(`- ${cell(line)}`)
  out.push("")
  out.push(
    `Started ${cell(report.startedAt)}, finished ${cell(report.finishedAt)} (${durationBetween(report.startedAt, report.finishedAt)}).`,
    ""
  )

  out.push("## Counts", "")
  out.push(
    table(
      ["Direction", "Records", ...countColumns.map((c) => c.title)],
      countRows(report).map((r) => [
        directionLabel(r.direction.from, r.direction.to),
        entityLabel(r.entity),
        ...countColumns.map((c) => formatCount(r.counts[c.key]))
      ]),
      2
    ),
    ""
  )

  out.push("## Quarantined records", "")
  if (report.quarantine.length === 0) out.push("None: every record could be copied.", "")
  else {
    out.push(`${formatCount(report.quarantine.length)} records were held back and not written. Fix them in the source system and run again.`, "")
    out.push(table(["Reason", "Meaning", "Records"], countByCode(report.quarantine).map((c) => [cell(c.code), cell(c.description), formatCount(c.count)]), 2), "")
    out.push(viewTable(issuesView(report.quarantine)), "")
  }

  out.push("## Warnings", "")
  if (report.warnings.length === 0) out.push("None.", "")
  else
    out.push(viewTable(issuesView(report.warnings)), "", ...(warningsShownLine(report) === null ? [] : [warningsShownLine(report) ?? "", ""]))

  out.push("## Conflicts", "")
  if (report.conflicts.length === 0) out.push("None.", "")
  else
    out.push(viewTable(conflictsView(report.conflicts)), "")

  if (report.sync !== null) {
    out.push("## Change capture", "")
    if (report.sync.deletesHeldBack !== null) out.push(`**${report.sync.deletesHeldBack}**`, "")
    out.push(`${formatCount(report.sync.echoes)} of our own writes were read back and left alone (echoes).`, "")
    out.push(viewTable(cursorsView(report.sync)), "")
  }

  if (report.drifted.length > 0)
    out.push(
      "## Changed since the plan",
      "",
      driftLine(report.drifted.length),
      "",
      viewTable(driftView(report.drifted, report.dryRun)),
      ""
    )

  out.push("## Verification", "")
  if (report.verification === null) out.push(report.dryRun ? "Not run: a dry run writes nothing to check." : "Not run.", "")
  else {
    out.push(
      table(
        ["Direction", "Records", "Expected", "Found", "Mismatches"],
        report.verification.map((v) => [
          directionLabel(v.from, v.to),
          entityLabel(v.entity),
          formatCount(v.expected),
          formatCount(v.found),
          formatCount(v.mismatches.length)
        ]),
        2
      ),
      ""
    )
    const mismatches = report.verification.flatMap((v) => v.mismatches.map((m) => ({ v, m })))
    if (mismatches.length > 0)
      out.push(
        table(
          ["Records", "Record", "Source id", "Target id", "Differs"],
          mismatches.map(({ m, v }) => [
            entityLabel(v.entity),
            cell(m.label),
            cell(m.sourceId),
            cell(m.targetId ?? "missing"),
            cell(m.targetId === null ? "not found on the target" : m.fields.join(", "))
          ]),
          99
        ),
        ""
      )
  }

  out.push("## Estimate", "")
  if (report.estimate === null) out.push("No estimate for this run.", "")
  else {
    const e = report.estimate
    out.push(`About **${formatMinutes(e.minutes)}** at the configured rate limits (${formatCount(e.autoleap.requests + e.autogms.requests)} requests).`, "")
    out.push(
      viewTable(estimateView(e)),
      ""
    )
    for (const note of e.notes) out.push(`- ${cell(note)}`)
    if (e.notes.length > 0) out.push("")
  }

  out.push("## Requests", "", viewTable(requestsView(report)), "")

  out.push(report.dryRun ? "## Planned changes" : "## Changes", "")
  if (options.actionsNote !== undefined) out.push(cell(options.actionsNote), "")
  const changes = changesView(samples, report.dryRun)
  if (changes.sections.length === 0 && changes.unchanged === 0 && options.actionsNote === undefined) out.push("No record changes.", "")
  for (const section of changes.sections) {
    out.push(`### ${cell(section.title)}`, "")
    out.push(
      table(
        actionColumns,
        section.rows.map((a) => [
          directionLabel(a.from, a.to),
          entityLabel(a.entity),
          cell(a.label),
          cell(a.sourceId),
          cell(a.targetId ?? "—"),
          cell(actionReason(a)),
          cell(a.changes.map(formatChange).join("; "))
        ]),
        99
      ),
      ""
    )
    if (section.more !== null) out.push(section.more, "")
  }
  if (changes.unchanged > 0) out.push(unchangedLine(changes.unchanged), "")
  return out
}

export const renderMarkdown = (report: RunReport, samples: ReadonlyArray<ActionSample>, options: RenderOptions = {}): string =>
  markdownLines(report, samples, options).join("\n")
