import type { ActionSample } from "./actions.js"
import { directionLabel, durationBetween, entityLabel, formatCount, formatMinutes, formatValue, statusLabel } from "./format.js"
import type { ActionKind, FieldChange, RunReport } from "./model.js"
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
  type TableView
} from "./summary.js"

/** The only way a value reaches the page: & < > " ' all become entities, so shop data is always text, in text or attributes. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"))

/** Markup built here is trusted; anything else passes through `escapeHtml`. The brand keeps the two from mixing. */
interface Html {
  readonly html: string
}
const raw = (html: string): Html => ({ html })
const text = (value: string): Html => raw(escapeHtml(value))
const join = (parts: ReadonlyArray<Html>, separator = ""): Html => raw(parts.map((p) => p.html).join(separator))
const el = (tag: string, content: Html | string, className?: string): Html =>
  raw(`<${tag}${className === undefined ? "" : ` class="${escapeHtml(className)}"`}>${typeof content === "string" ? escapeHtml(content) : content.html}</${tag}>`)

const tableOf = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<Html | string>>,
  numericFrom = 99
): Html =>
  el(
    "table",
    join([
      el("thead", el("tr", join(header.map((h, i) => el("th", h, i >= numericFrom ? "num" : undefined))))),
      el("tbody", join(rows.map((r) => el("tr", join(r.map((c, i) => el("td", c, i >= numericFrom ? "num" : undefined)))))))
    ])
  )

const section = (title: string, ...content: ReadonlyArray<Html>): Html => el("section", join([el("h2", title), ...content]))
const subsection = (title: string, className: string, ...content: ReadonlyArray<Html>): Html =>
  join([el("h3", title, className), ...content])
const para = (content: Html | string, className?: string): Html => el("p", content, className)

const actionClass: Readonly<Record<ActionKind, string>> = {
  create: "a-create",
  update: "a-update",
  unchanged: "a-plain",
  link: "a-link",
  quarantine: "a-bad",
  archive: "a-plain",
  delete: "a-bad",
  conflict: "a-bad",
  skip: "a-plain"
}

const css = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:0;background:#f5f6f8}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d9dde3;padding-bottom:4px}
h3{font-size:16px;margin:20px 0 6px}
.status{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600;background:#e6f4ea;color:#1e6b34}
.status.review{background:#fff4e0;color:#8a5300}.status.bad{background:#fde8e8;color:#9b1c1c}
.muted{color:#5b6472}
ul.headline{padding-left:20px;font-size:16px}
table{border-collapse:collapse;background:#fff;width:100%;margin:8px 0;font-size:14px}
th,td{border:1px solid #d9dde3;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eef0f3}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.zero{color:#a0a7b2}
.a-create{color:#1e6b34}.a-update{color:#1f4fa3}.a-link{color:#5a3fa0}.a-bad{color:#9b1c1c;font-weight:600}.a-plain{color:#5b6472}
ul.changes{margin:0;padding-left:16px}.before{color:#9b1c1c;text-decoration:line-through}.after{color:#1e6b34}
@media print{body{background:#fff}main{padding:0}}
`

const viewTable = (view: TableView): Html => tableOf(view.header, view.rows, view.numericFrom)

const changesList = (changes: ReadonlyArray<FieldChange>): Html =>
  changes.length === 0
    ? raw("")
    : el(
        "ul",
        join(
          changes.map((c) =>
            el("li", join([text(`${c.field}: `), el("span", formatValue(c.before), "before"), text(" → "), el("span", formatValue(c.after), "after")]))
          )
        ),
        "changes"
      )

/** report.html: one self-contained page (inline CSS, no script, no external reference) a shop manager can open or print. */
export const renderHtml = (report: RunReport, samples: ReadonlyArray<ActionSample>, options: RenderOptions = {}): string => {
  const countColumns = countColumnsOf(report)
  const title = report.dryRun ? "Dry run report" : report.command === "sync" ? "Sync report" : "Migration report"
  const statusClass = report.status === "completed" ? "status" : report.status === "completed_with_errors" ? "status review" : "status bad"

  const summary = join([
    el("h1", `${title} — ${report.runId}`),
    para(el("span", statusLabel(report), statusClass)),
    el("ul", join(headline(report).map((l) => el("li", l))), "headline"),
    para(`Started ${report.startedAt}, finished ${report.finishedAt} (${durationBetween(report.startedAt, report.finishedAt)}).`, "muted")
  ])

  const counts = section(
    "Counts",
    tableOf(
      ["Direction", "Records", ...countColumns.map((c) => c.title)],
      countRows(report).map((r) => [
        directionLabel(r.direction.from, r.direction.to),
        entityLabel(r.entity),
        ...countColumns.map((c) => formatCount(r.counts[c.key]))
      ]),
      2
    )
  )

  const quarantine =
    report.quarantine.length === 0
      ? section("Quarantined records", para("None: every record could be copied."))
      : section(
          "Quarantined records",
          para(`${formatCount(report.quarantine.length)} records were held back and not written. Fix them in the source system and run again.`),
          tableOf(["Reason", "Meaning", "Records"], countByCode(report.quarantine).map((c) => [c.code, c.description, formatCount(c.count)]), 2),
          viewTable(issuesView(report.quarantine))
        )

  const warnings = section(
    "Warnings",
    report.warnings.length === 0
      ? para("None.")
      : viewTable(issuesView(report.warnings))
  )

  const conflicts = section(
    "Conflicts",
    report.conflicts.length === 0
      ? para("None.")
      : viewTable(conflictsView(report.conflicts))
  )

  const drifted =
    report.drifted.length === 0
      ? raw("")
      : section(
          "Changed since the plan",
          para(driftLine(report.drifted.length)),
          viewTable(driftView(report.drifted, report.dryRun))
        )

  const mismatches = (report.verification ?? []).flatMap((v) => v.mismatches.map((m) => ({ v, m })))
  const verification =
    report.verification === null
      ? section("Verification", para(report.dryRun ? "Not run: a dry run writes nothing to check." : "Not run."))
      : section(
          "Verification",
          tableOf(
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
          mismatches.length === 0
            ? para("Every record written was found on the target as expected.")
            : tableOf(
                ["Records", "Record", "Source id", "Target id", "Differs"],
                mismatches.map(({ m, v }) => [
                  entityLabel(v.entity),
                  m.label,
                  m.sourceId,
                  m.targetId ?? "missing",
                  m.targetId === null ? "not found on the target" : m.fields.join(", ")
                ])
              )
        )

  const e = report.estimate
  const estimate =
    e === null
      ? section("Estimate", para("No estimate for this run."))
      : section(
          "Estimate",
          para(
            join([
              text("About "),
              el("strong", formatMinutes(e.minutes)),
              text(` at the configured rate limits (${formatCount(e.autoleap.requests + e.autogms.requests)} requests).`)
            ])
          ),
          viewTable(estimateView(e)),
          e.notes.length === 0 ? raw("") : el("ul", join(e.notes.map((n) => el("li", n))))
        )

  const requests = section(
    "Requests",
    viewTable(requestsView(report))
  )

  const view = changesView(samples, report.dryRun)
  const nothing = view.sections.length === 0 && view.unchanged === 0 && options.actionsNote === undefined
  const changes = section(
    report.dryRun ? "Planned changes" : "Changes",
    options.actionsNote === undefined ? raw("") : para(options.actionsNote, "muted"),
    nothing ? para("No record changes.") : raw(""),
    ...view.sections.map((s) =>
      subsection(
        s.title,
        actionClass[s.action],
        tableOf(
          actionColumns,
          s.rows.map((a) => [
            directionLabel(a.from, a.to),
            entityLabel(a.entity),
            a.label,
            a.sourceId,
            a.targetId ?? "—",
            actionReason(a),
            changesList(a.changes)
          ])
        ),
        s.more === null ? raw("") : para(s.more, "muted")
      )
    ),
    view.unchanged > 0 ? para(unchangedLine(view.unchanged), "muted") : raw("")
  )

  const body = el("main", join([summary, counts, quarantine, warnings, conflicts, drifted, verification, estimate, requests, changes]))
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No script, no remote anything: the page can be mailed to a shop and opened offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(`${title} — ${report.runId}`)}</title>`,
    `<style>${css}</style>`,
    "</head>",
    `<body>${body.html}</body>`,
    "</html>",
    ""
  ].join("\n")
}
