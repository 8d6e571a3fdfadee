import type { ActionSample } from "./actions.js"
import { compareIds, directionLabel, durationBetween, entityLabel, formatCount, formatMinutes, formatValue, statusLabel, systemLabel } from "./format.js"
import type { ActionKind, ActionRecord, DirectionReport, FieldChange, RecordIssue, RunReport } from "./model.js"
import { plainSummary } from "./plainSummary.js"
import { describeReason, fixFor } from "./reasons.js"
import {
  actionReason,
  changesView,
  conflictsView,
  countByCode,
  countColumnsOf,
  driftLine,
  driftView,
  estimateView,
  recordTables,
  requestsView,
  unchangedLine,
  type RecordTable,
  type RenderOptions,
  type TableView,
  cursorsView,
  warningsShownLine
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
const nothing = raw("")

/** Attributes are escaped like text; `undefined` leaves one out. */
type Attributes = Readonly<Record<string, string | undefined>>
const attributes = (attrs: Attributes): string =>
  Object.entries(attrs)
    .flatMap(([name, value]) => (value === undefined ? [] : [` ${name}="${escapeHtml(value)}"`]))
    .join("")
const el = (tag: string, content: Html | string, attrs: Attributes = {}): Html =>
  raw(`<${tag}${attributes(attrs)}>${typeof content === "string" ? escapeHtml(content) : content.html}</${tag}>`)
/** A link within the page; the only kind the page has (its Content-Security-Policy allows nothing else anyway). */
const jump = (anchor: string, content: Html | string): Html => el("a", content, { href: `#${anchor}` })

/**
 * Column kinds, each with its wrapping rule: ids, codes and numbers never break (a broken id cannot be searched for);
 * names wrap between words only; free text wraps between words and breaks a word only when it alone is wider than the
 * column (a long email address).
 */
type Column = "id" | "name" | "text" | "num"
const cell = (tag: "td" | "th", kind: Column, content: Html | string): Html => el(tag, content, { class: kind })

const tableOf = (columns: ReadonlyArray<readonly [string, Column]>, rows: ReadonlyArray<ReadonlyArray<Html | string>>, caption?: string): Html =>
  el(
    "table",
    join([
      caption === undefined ? nothing : el("caption", caption),
      el("thead", el("tr", join(columns.map(([title, kind]) => cell("th", kind, title))))),
      el("tbody", join(rows.map((r) => el("tr", join(r.map((c, i) => cell("td", columns[i]?.[1] ?? "text", c)))))))
    ])
  )

/** A TableView (shared with report.md) with its columns' kinds: numbers from `numericFrom`, `ids` where given. */
const viewTable = (view: TableView, ids: ReadonlyArray<number> = []): Html =>
  tableOf(
    view.header.map((h, i): readonly [string, Column] => [h, i >= view.numericFrom ? "num" : ids.includes(i) ? "id" : "text"]),
    view.rows
  )

const section = (anchor: string, title: string, ...content: ReadonlyArray<Html>): Html =>
  el("section", join([el("h2", title, { id: anchor }), ...content]))
const para = (content: Html | string, className?: string): Html => el("p", content, { class: className })

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
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1d2330;margin:0;background:#f5f6f8}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 8px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #d9dde3;padding-bottom:4px}
h3{font-size:16px;margin:22px 0 6px}
a{color:#1f4fa3}
.status{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600;background:#e6f4ea;color:#1e6b34}
.status.review{background:#fff4e0;color:#8a5300}.status.bad{background:#fde8e8;color:#9b1c1c}
.summary{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:12px 16px;margin:12px 0}
.summary p{margin:6px 0;font-size:17px}.summary .next{font-size:15px;color:#5b6472}
.muted{color:#5b6472}.fix{margin:4px 0 8px}
nav>ol{margin:4px 0;padding-left:22px}nav ol ol{padding-left:20px;list-style:lower-alpha}nav li{margin:2px 0}
table{border-collapse:collapse;background:#fff;width:100%;margin:8px 0;font-size:14px}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border:1px solid #d9dde3;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:normal;word-break:normal}
th{background:#eef0f3}
.id,.num{white-space:nowrap}.num{text-align:right;font-variant-numeric:tabular-nums}
td.text{overflow-wrap:break-word;min-width:12em}td.name{min-width:8em}
tr.group th{background:#f7f8fa;font-size:14px;padding-top:8px}
td p{margin:0 0 2px}
.a-create{color:#1e6b34}.a-update{color:#1f4fa3}.a-link{color:#5a3fa0}.a-bad{color:#9b1c1c}.a-plain{color:#5b6472}
ul.values,ul.changes,ul.warnings{margin:0;padding-left:0;list-style:none}
ul.values{columns:2 16em;column-gap:24px}ul.values li{break-inside:avoid}
.field{color:#5b6472}.before{color:#9b1c1c;text-decoration:line-through}.after{color:#1e6b34}
ul.warnings{color:#8a5300;margin-top:4px}
@media print{body{background:#fff}main{padding:0}nav{display:none}}
`

/**
 * A create writes every field it has: the values, not "(empty) → value" over and over. Parts of one field (address.line1,
 * address.city …) are read together, so they are joined on one line: "address: 855 El Camino Real, Palo Alto, CA".
 */
const valuesList = (changes: ReadonlyArray<FieldChange>): Html => {
  const lines: Array<{ field: string; values: Array<string> }> = []
  for (const c of changes) {
    if (c.after === null || c.after === "" || (Array.isArray(c.after) && c.after.length === 0)) continue
    const field = c.field.split(".")[0] ?? c.field
    const last = lines.at(-1)
    if (last !== undefined && last.field === field && field !== c.field) last.values.push(formatValue(c.after))
    else lines.push({ field: field === c.field ? c.field : field, values: [formatValue(c.after)] })
  }
  return lines.length === 0
    ? nothing
    : el("ul", join(lines.map((l) => el("li", join([el("span", `${l.field}: `, { class: "field" }), text(l.values.join(", "))])))), { class: "values" })
}

const changesList = (changes: ReadonlyArray<FieldChange>): Html =>
  changes.length === 0
    ? nothing
    : el(
        "ul",
        join(
          changes.map((c) =>
            el(
              "li",
              join([
                el("span", `${c.field}: `, { class: "field" }),
                el("span", formatValue(c.before), { class: "before" }),
                text(" → "),
                el("span", formatValue(c.after), { class: "after" })
              ])
            )
          )
        ),
        { class: "changes" }
      )

/** What a row says about its record: the reason, the values written (create) or changed (update), its warnings. */
const details = (a: ActionRecord): Html => {
  const reason = actionReason(a)
  const conflict = a.conflict === null ? "" : `Changed on both sides (${a.conflict.fields.join(", ")}): ${a.conflict.resolution}`
  return join([
    reason === "" ? nothing : para(reason),
    conflict === "" ? nothing : para(conflict),
    a.action === "create" ? valuesList(a.changes) : changesList(a.changes),
    a.warnings.length === 0 ? nothing : el("ul", join(a.warnings.map((w) => el("li", `⚠ ${w.code}: ${w.message}`))), { class: "warnings" })
  ])
}

const recordColumns: ReadonlyArray<readonly [string, Column]> = [
  ["Record", "name"],
  ["Source id", "id"],
  ["Target id", "id"],
  ["Details", "text"]
]

const recordTable = (table: RecordTable): Html =>
  join([
    el("h3", table.title, { id: table.anchor }),
    el(
      "table",
      join([
        el("thead", el("tr", join(recordColumns.map(([title, kind]) => cell("th", kind, title))))),
        el(
          "tbody",
          join(
            table.groups.map((g) =>
              join([
                el("tr", el("th", g.title, { colspan: "4", class: actionClass[g.action] }), { class: "group" }),
                ...g.rows.map((a) =>
                  el("tr", join([cell("td", "name", a.label), cell("td", "id", a.sourceId), cell("td", "id", a.targetId ?? "—"), cell("td", "text", details(a))]))
                ),
                g.more === null ? nothing : el("tr", el("td", g.more, { colspan: "4", class: "muted" }))
              ])
            )
          )
        )
      ])
    )
  ])

/**
 * Quarantined records or warnings, one block per reason code, most frequent first: what it means, what to do, and the
 * records. The system is said once per block (every record of a code comes from the side it was read from).
 */
const issuesByCode = (issues: ReadonlyArray<RecordIssue>): Html =>
  join(
    countByCode(issues).map((c) => {
      const records = issues.filter((i) => i.code === c.code).toSorted((a, b) => a.entity.localeCompare(b.entity) || compareIds(a.sourceId, b.sourceId))
      const systems = [...new Set(records.map((r) => systemLabel(r.system)))].join(" and ")
      const fix = fixFor(c.code)
      return join([
        el("h3", join([el("span", c.code, { class: "id" }), text(` — ${describeReason(c.code)} (${formatCount(c.count)})`)])),
        fix === null ? nothing : para(join([el("strong", "What to do: "), text(fix)]), "fix"),
        tableOf(
          [
            ["Records", "name"],
            [`Id in ${systems}`, "id"],
            ["What is wrong", "text"]
          ],
          records.map((r) => [entityLabel(r.entity), r.sourceId, r.message])
        )
      ])
    })
  )

const countsTable = (report: RunReport, direction: DirectionReport): Html => {
  const columns = countColumnsOf(report)
  return tableOf(
    [["Records", "name"], ...columns.map((c): readonly [string, Column] => [c.title, "num"])],
    (["customers", "vehicles", "tags"] as const).flatMap((entity) => {
      const counts = direction.entities[entity]
      return counts === undefined ? [] : [[entityLabel(entity), ...columns.map((c) => formatCount(counts[c.key]))]]
    }),
    directionLabel(direction.from, direction.to)
  )
}

/**
 * report.html: one self-contained page (inline CSS, no script, no external reference) a shop owner can open or print,
 * in parts to be written one after another: its record tables are built one at a time, and the page is never one
 * string (at 250,000 records, building the 3 MB page whole, a copy per level of nesting, took ~30 MB at its peak).
 */
export function* renderHtmlParts(report: RunReport, samples: ReadonlyArray<ActionSample>, options: RenderOptions = {}): Generator<string> {
  const title = report.dryRun ? "Dry run report" : report.command === "sync" ? "Sync report" : "Migration report"
  const statusClass = report.status === "completed" ? "status" : report.status === "completed_with_errors" ? "status review" : "status bad"
  const plain = plainSummary(report)
  const tables = options.actionsNote === undefined ? recordTables(report, samples) : []
  const changesTitle = report.dryRun ? "Planned changes, record by record" : "Changes, record by record"

  // The table of contents lists the sections this report has, in page order; the record tables nest under theirs.
  type Entry = { readonly anchor: string; readonly label: string; readonly children?: ReadonlyArray<Entry> }
  const contents: Array<Entry> = []
  if (report.quarantine.length > 0) contents.push({ anchor: "fix", label: `What to fix first (${formatCount(report.quarantine.length)})` })
  contents.push({ anchor: "records", label: changesTitle, children: tables.map((t) => ({ anchor: t.anchor, label: t.title })) })
  contents.push({ anchor: "warnings", label: `Warnings (${formatCount(report.warnings.length)})` })
  if (report.conflicts.length > 0) contents.push({ anchor: "conflicts", label: `Conflicts (${formatCount(report.conflicts.length)})` })
  if (report.drifted.length > 0) contents.push({ anchor: "drifted", label: `Changed since the plan (${formatCount(report.drifted.length)})` })
  for (const [anchor, label] of [["verification", "Verification"], ["counts", "Counts"], ["estimate", "Estimate"], ["requests", "Requests"]] as const)
    contents.push({ anchor, label })
  const contentsList = (entries: ReadonlyArray<Entry>): Html =>
    el(
      "ol",
      join(
        entries.map((entry) =>
          el("li", join([jump(entry.anchor, entry.label), entry.children === undefined || entry.children.length === 0 ? nothing : contentsList(entry.children)]))
        )
      )
    )

  const summary = join([
    el("h1", `${title} — ${report.runId}`),
    para(el("span", statusLabel(report), { class: statusClass })),
    el(
      "div",
      join([
        ...plain.sentences.map((s) => para(s)),
        plain.toFixLine === null ? nothing : para(join([text(`${plain.toFixLine} — `), jump("fix", "here is how"), text(".")])),
        plain.conflictsLine === null ? nothing : para(join([text(`${plain.conflictsLine} — `), jump("conflicts", "see them"), text(".")])),
        report.dryRun && report.status !== "failed" && report.status !== "interrupted"
          ? para(
              join([text("Nothing has been written yet. To write exactly this plan, run "), el("code", `shopbridge apply ${report.runId}`), text(".")]),
              "next"
            )
          : nothing
      ]),
      { class: "summary" }
    ),
    para(`Started ${report.startedAt}, finished ${report.finishedAt} (${durationBetween(report.startedAt, report.finishedAt)}).`, "muted"),
    el("nav", join([el("strong", "Contents"), contentsList(contents)]))
  ])

  const fix =
    report.quarantine.length === 0
      ? nothing
      : section(
          "fix",
          "What to fix first",
          para(
            `${formatCount(report.quarantine.length)} ${report.quarantine.length === 1 ? "record was" : "records were"} held back and ${report.dryRun ? "would not be" : "not"} written. Fix them in the system they come from, then run again: they are picked up then.`
          ),
          issuesByCode(report.quarantine)
        )

  const view = changesView(samples, report.dryRun)
  // section() of its parts, each table built only when it is written.
  function* records(): Generator<string> {
    yield `<section>${el("h2", changesTitle, { id: "records" }).html}`
    if (options.actionsNote !== undefined) yield para(options.actionsNote, "muted").html
    if (tables.length === 0 && options.actionsNote === undefined) yield para("No record changes.").html
    for (const table of tables) yield recordTable(table).html
    if (view.unchanged > 0) yield para(unchangedLine(view.unchanged), "muted").html
    yield "</section>"
  }

  const warnings = section(
    "warnings",
    "Warnings",
    report.warnings.length === 0
      ? para("None.")
      : join([
          para("These records are (or will be) copied, with the caveat shown."),
          issuesByCode(report.warnings),
          warningsShownLine(report) === null ? nothing : para(warningsShownLine(report) ?? "", "muted")
        ])
  )

  const conflicts = report.conflicts.length === 0 ? nothing : section("conflicts", "Conflicts", viewTable(conflictsView(report.conflicts), [1, 2]))
  const capture =
    report.sync === null
      ? nothing
      : section(
          "change-capture",
          "Change capture",
          report.sync.deletesHeldBack === null ? nothing : para(report.sync.deletesHeldBack, "status review"),
          para(`${formatCount(report.sync.echoes)} of our own writes were read back and left alone (echoes).`),
          viewTable(cursorsView(report.sync), [])
        )

  const drifted =
    report.drifted.length === 0
      ? nothing
      : section("drifted", "Changed since the plan", para(driftLine(report.drifted.length)), viewTable(driftView(report.drifted, report.dryRun), [2]))

  const mismatches = (report.verification ?? []).flatMap((v) => v.mismatches.map((m) => ({ v, m })))
  const verification =
    report.verification === null
      ? section("verification", "Verification", para(report.dryRun ? "Not run: a dry run writes nothing to check." : "Not run."))
      : section(
          "verification",
          "Verification",
          ...report.directions.map((d) =>
            tableOf(
              [
                ["Records", "name"],
                ["Expected", "num"],
                ["Found", "num"],
                ["Mismatches", "num"]
              ],
              (report.verification ?? [])
                .filter((v) => v.from === d.from && v.to === d.to)
                .map((v) => [entityLabel(v.entity), formatCount(v.expected), formatCount(v.found), formatCount(v.mismatches.length)]),
              directionLabel(d.from, d.to)
            )
          ),
          mismatches.length === 0
            ? para("Every record written was found on the target as expected.")
            : tableOf(
                [
                  ["Records", "name"],
                  ["Record", "name"],
                  ["Source id", "id"],
                  ["Target id", "id"],
                  ["Differs", "text"]
                ],
                mismatches.map(({ m, v }) => [
                  entityLabel(v.entity),
                  m.label,
                  m.sourceId,
                  m.targetId ?? "missing",
                  m.targetId === null ? "not found on the target" : m.fields.join(", ")
                ])
              )
        )

  const counts = section("counts", "Counts", ...report.directions.map((d) => countsTable(report, d)))

  const e = report.estimate
  const estimate =
    e === null
      ? section("estimate", "Estimate", para("No estimate for this run."))
      : section(
          "estimate",
          "Estimate",
          para(
            join([
              text("About "),
              el("strong", formatMinutes(e.minutes)),
              text(` at the configured rate limits (${formatCount(e.autoleap.requests + e.autogms.requests)} requests).`)
            ])
          ),
          viewTable(estimateView(e)),
          e.notes.length === 0 ? nothing : el("ul", join(e.notes.map((n) => el("li", n))))
        )

  const requests = section("requests", "Requests", viewTable(requestsView(report)))

  yield [
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
    "<body><main>"
  ].join("\n")
  yield summary.html
  yield fix.html
  yield* records()
  for (const part of [warnings, conflicts, capture, drifted, verification, counts, estimate, requests]) yield part.html
  yield "</main></body>\n</html>\n"
}

/** The whole page as one string, for small reports and tests; `writeRunReport` writes the parts instead. */
export const renderHtml = (report: RunReport, samples: ReadonlyArray<ActionSample>, options: RenderOptions = {}): string =>
  [...renderHtmlParts(report, samples, options)].join("")
