import type { ActionSample } from "./actions.js"
import { actionLabel, compareIds, compareLabels, entityLabel, formatChange, formatCount, formatMinutes, systemLabel } from "./format.js"
import { describeReason } from "./reasons.js"
import {
  counterOfAction,
  entityOrder,
  type ActionKind,
  type ActionRecord,
  type ConflictEntry,
  type DirectionReport,
  type DriftEntry,
  type SyncSummary,
  type EntityCounts,
  type EntityName,
  type Estimate,
  type RecordIssue,
  type RunReport
} from "./model.js"

/** Views over a report that every renderer shows the same way. */

/** Columns of the counts table, in the order a reader wants them: what was read, then what happened to it. */
export const countColumns: ReadonlyArray<{ readonly key: keyof EntityCounts; readonly title: string }> = [
  { key: "read", title: "Read" },
  { key: "created", title: "Created" },
  { key: "updated", title: "Updated" },
  { key: "linked", title: "Linked" },
  { key: "unchanged", title: "Unchanged" },
  { key: "archived", title: "Archived" },
  { key: "deleted", title: "Deleted" },
  { key: "skipped", title: "Skipped" },
  { key: "conflicts", title: "Conflicts" },
  { key: "quarantined", title: "Quarantined" },
  { key: "drifted", title: "Drifted" }
]

/** Drift only happens in `apply`; other runs' tables keep their usual columns rather than show a column of zeros. */
export const countColumnsOf = (report: RunReport): typeof countColumns =>
  report.directions.some((d) => entityOrder.some((e) => (d.entities[e]?.drifted ?? 0) > 0))
    ? countColumns
    : countColumns.filter((c) => c.key !== "drifted")

export interface CountRow {
  readonly direction: DirectionReport
  readonly entity: EntityName
  readonly counts: EntityCounts
}

export const countRows = (report: RunReport): ReadonlyArray<CountRow> =>
  report.directions.flatMap((direction) =>
    entityOrder.flatMap((entity) => {
      const counts = direction.entities[entity]
      return counts === undefined ? [] : [{ direction, entity, counts }]
    })
  )

export interface CodeCount {
  readonly code: string
  readonly description: string
  readonly count: number
}

/** Issues grouped by code, most frequent first: "12 × INVALID_VIN" tells a shop what to fix first. */
export const countByCode = (issues: ReadonlyArray<RecordIssue>): ReadonlyArray<CodeCount> => {
  const counts = new Map<string, number>()
  for (const issue of issues) counts.set(issue.code, (counts.get(issue.code) ?? 0) + 1)
  return [...counts.entries()]
    .map(([code, count]) => ({ code, count, description: describeReason(code) }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
}

const plural = (n: number, entity: EntityName): string => {
  const word = entityLabel(entity).toLowerCase()
  return `${formatCount(n)} ${n === 1 ? word.replace(/s$/, "") : word}`
}

/**
 * One sentence per direction, counts first, in plain words:
 * "AutoLeap → autoGMS: would create 120 customers and 300 vehicles; would update 4 customers; would hold back 7 vehicles."
 */
export const headline = (report: RunReport): ReadonlyArray<string> =>
  report.directions.map((direction) => {
    const parts: Array<string> = []
    const phrase = (key: keyof EntityCounts, action: Parameters<typeof actionLabel>[0]) => {
      const items = entityOrder.flatMap((entity) => {
        const n = direction.entities[entity]?.[key] ?? 0
        return n > 0 ? [plural(n, entity)] : []
      })
      if (items.length === 0) return
      parts.push(action === "conflict" ? `${items.join(" and ")} changed on both sides` : `${actionLabel(action, report.dryRun)} ${items.join(" and ")}`)
    }
    phrase("created", "create")
    phrase("updated", "update")
    phrase("linked", "link")
    phrase("archived", "archive")
    phrase("deleted", "delete")
    phrase("quarantined", "quarantine")
    phrase("conflicts", "conflict")
    phrase("skipped", "skip")
    const drifted = entityOrder.flatMap((entity) => {
      const n = direction.entities[entity]?.drifted ?? 0
      return n > 0 ? [plural(n, entity)] : []
    })
    if (drifted.length > 0) parts.push(`${drifted.join(" and ")} changed since the plan`)
    const from = direction.from === "autoleap" ? "AutoLeap" : "autoGMS"
    const to = direction.to === "autoleap" ? "AutoLeap" : "autoGMS"
    const read = entityOrder.reduce((sum, e) => sum + (direction.entities[e]?.read ?? 0), 0)
    const body = parts.length === 0 ? "nothing to change" : parts.join("; ")
    return `${from} → ${to}: ${formatCount(read)} records read; ${body}.`
  })

/** A table as plain strings; each renderer escapes and lays it out. Columns from `numericFrom` on are numbers. */
export interface TableView {
  readonly header: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
  readonly numericFrom: number
}

/** `throttled` is what the client counted: sends its pacer held back plus 429 answers. */
export const requestsView = (report: RunReport): TableView => ({
  header: ["API", "Total", "Retried", "Throttled (paced or 429)"],
  rows: (["autoleap", "autogms"] as const).map((s) => [
    systemLabel(s),
    formatCount(report.requests[s].total),
    formatCount(report.requests[s].retried),
    formatCount(report.requests[s].throttled)
  ]),
  numericFrom: 1
})

/** Quarantined records or warnings, one row each. */
export const issuesView = (issues: ReadonlyArray<RecordIssue>): TableView => ({
  header: ["Records", "System", "Source id", "Reason", "Message"],
  rows: issues.map((i) => [entityLabel(i.entity), systemLabel(i.system), i.sourceId, i.code, i.message]),
  numericFrom: 99
})

export const conflictsView = (conflicts: ReadonlyArray<ConflictEntry>): TableView => ({
  header: ["Records", "AutoLeap id", "autoGMS id", "Fields", "Resolution"],
  rows: conflicts.map((c) => [entityLabel(c.entity), c.autoleapId ?? "—", c.autogmsId ?? "—", c.fields.join(", "), c.resolution]),
  numericFrom: 99
})

/** Said under a warnings list that shows only the first of each code. */
export const warningsShownLine = (report: Pick<RunReport, "warnings" | "warningsTotal">): string | null =>
  report.warningsTotal === undefined || report.warningsTotal <= report.warnings.length
    ? null
    : `Showing ${formatCount(report.warnings.length)} of ${formatCount(report.warningsTotal)} warnings (the first of each kind); actions.csv has every one (warnings column).`

/** A sync's cursors: where each side's change capture stood before the run and where it stands now. */
export const cursorsView = (sync: SyncSummary): TableView => ({
  header: ["System", "Records", "Changes read from", "Now up to"],
  rows: sync.cursors.map((c) => [systemLabel(c.system), entityLabel(c.entity), c.before ?? "the beginning (full read)", c.after ?? "—"]),
  numericFrom: 99
})

export const estimateView = (e: Estimate): TableView => ({
  header: ["API", "Method", "Requests", "Per minute", "Time"],
  rows: (["autoleap", "autogms"] as const).flatMap((system) =>
    e[system].lines.map((l) => [systemLabel(system), l.method, formatCount(l.requests), formatCount(l.perMinute), formatMinutes(l.minutes)])
  ),
  numericFrom: 2
})

const driftWords: Readonly<Record<DriftEntry["resolution"], string>> = {
  replanned: "planned again from the new version",
  held: "held back, not written"
}

/** Records that changed in the source after the dry run's plan: what changed (planned → found) and what apply did. */
export const driftView = (drifted: ReadonlyArray<DriftEntry>, dryRun: boolean): TableView => ({
  header: ["Records", "System", "Source id", "Record", "Resolution", "Action", "Changed since the plan (planned → found)"],
  rows: drifted.map((d) => [
    entityLabel(d.entity),
    systemLabel(d.system),
    d.sourceId,
    d.label,
    driftWords[d.resolution],
    actionLabel(d.action, dryRun),
    d.changes.map(formatChange).join("; ")
  ]),
  numericFrom: 99
})

export const driftLine = (n: number): string =>
  `${formatCount(n)} ${n === 1 ? "record" : "records"} changed in the source system after the dry run planned ${n === 1 ? "it" : "them"}.`

/** The reason column of an action row: the code, and the plain words when there are any. */
export const actionReason = (a: ActionRecord): string =>
  a.reason === null ? "" : a.message === null || a.message === a.reason ? a.reason : `${a.reason}: ${a.message}`

/** One action kind of the changes section: a heading, the sampled rows, and where the rest are. */
export interface ActionSection {
  readonly action: ActionKind
  readonly title: string
  readonly rows: ReadonlyArray<ActionRecord>
  /** "N more <kind> actions are in actions.csv.", or null when every action of the kind is shown. */
  readonly more: string | null
}

export interface ChangesView {
  readonly sections: ReadonlyArray<ActionSection>
  /** Unchanged records are counted, not listed: they are most of a repeated sync and say nothing to act on. */
  readonly unchanged: number
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

export const changesView = (samples: ReadonlyArray<ActionSample>, dryRun: boolean): ChangesView => ({
  sections: samples
    .filter((s) => s.action !== "unchanged")
    .map((s) => {
      const rest = s.total - s.first.length
      return {
        action: s.action,
        title: `${capitalise(actionLabel(s.action, dryRun))} (${formatCount(s.total)})`,
        rows: s.first,
        more: rest === 0 ? null : `${formatCount(rest)} more ${s.action} ${rest === 1 ? "action is" : "actions are"} in actions.csv.`
      }
    }),
  unchanged: samples.filter((s) => s.action === "unchanged").reduce((n, s) => n + s.total, 0)
})

export const unchangedLine = (n: number): string =>
  `${formatCount(n)} ${n === 1 ? "record is" : "records are"} unchanged; actions.csv lists ${n === 1 ? "it" : "them"}.`

/** Columns of an action kind's table; the kind is the section's heading. */
export const actionColumns = ["Direction", "Records", "Record", "Source id", "Target id", "Reason", "Fields (before → after)"] as const

export interface RenderOptions {
  /**
   * Said at the top of the changes section, e.g. when a report is re-rendered without its run's actions; then an empty
   * sample does not mean the run changed nothing.
   */
  readonly actionsNote?: string
}

/** One action kind within a record table: its heading, its rows (sorted by record), and where the rest are. */
export interface RecordGroup {
  readonly action: ActionKind
  /** "Would create (26)": the kind and how many records of this entity it has. */
  readonly title: string
  readonly rows: ReadonlyArray<ActionRecord>
  /** "12 more are in actions.csv.", or null when every record of the group is shown. */
  readonly more: string | null
}

/** The records of one direction and entity: the direction is said once, in the table's heading. */
export interface RecordTable {
  readonly from: DirectionReport["from"]
  readonly to: DirectionReport["to"]
  readonly entity: EntityName
  readonly title: string
  /** A fragment id for the table of contents. */
  readonly anchor: string
  readonly groups: ReadonlyArray<RecordGroup>
}

const byRecord = (a: ActionRecord, b: ActionRecord): number =>
  compareLabels(a.label, b.label) || compareIds(a.sourceId, b.sourceId)

/**
 * The sampled actions regrouped for reading: one table per direction and entity (in the report's order), within it one
 * group per action kind (in display order), rows sorted by record name. A group's size comes from the report's counts,
 * which are exact, while the sample is capped per kind: the difference is what `more` points to actions.csv for.
 * Unchanged records are counted (see `changesView`), not listed.
 */
export const recordTables = (report: RunReport, samples: ReadonlyArray<ActionSample>): ReadonlyArray<RecordTable> =>
  report.directions.flatMap((direction) =>
    entityOrder.flatMap((entity) => {
      const counts = direction.entities[entity]
      const groups = samples
        .filter((s) => s.action !== "unchanged")
        .flatMap((sample): ReadonlyArray<RecordGroup> => {
          const rows = sample.first.filter((a) => a.entity === entity && a.from === direction.from && a.to === direction.to).toSorted(byRecord)
          // A conflict row may also be counted under the action it resolved to: its own rows are the count to trust.
          const counted = sample.action === "conflict" ? rows.length : (counts?.[counterOfAction[sample.action]] ?? 0)
          const total = Math.max(counted, rows.length)
          if (total === 0) return []
          const rest = total - rows.length
          return [
            {
              action: sample.action,
              title: `${capitalise(actionLabel(sample.action, report.dryRun))} (${formatCount(total)})`,
              rows,
              more: rest === 0 ? null : rows.length === 0 ? `All ${formatCount(total)} are listed in actions.csv.` : `${formatCount(rest)} more ${rest === 1 ? "is" : "are"} in actions.csv.`
            }
          ]
        })
      return groups.length === 0
        ? []
        : [
            {
              from: direction.from,
              to: direction.to,
              entity,
              title: `${entityLabel(entity)}: ${systemLabel(direction.from)} → ${systemLabel(direction.to)}`,
              anchor: `records-${direction.from}-${direction.to}-${entity}`,
              groups
            }
          ]
    })
  )
