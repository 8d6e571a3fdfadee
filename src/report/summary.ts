import { actionLabel, entityLabel, formatCount, formatMinutes, systemLabel } from "./format.js"
import { describeReason } from "./reasons.js"
import {
  entityOrder,
  type ConflictEntry,
  type DirectionReport,
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
  { key: "quarantined", title: "Quarantined" }
]

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
    const from = direction.from === "autoleap" ? "AutoLeap" : "autoGMS"
    const to = direction.to === "autoleap" ? "AutoLeap" : "autoGMS"
    const read = entityOrder.reduce((sum, e) => sum + (direction.entities[e]?.read ?? 0), 0)
    const body = parts.length === 0 ? "nothing to change" : parts.join("; ")
    return `${from} → ${to}: ${formatCount(read)} records read; ${body}.`
  })

/** The changes table is for reading; actions.csv has every row. */
export const defaultChangesCap = 5000

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

export const estimateView = (e: Estimate): TableView => ({
  header: ["API", "Method", "Requests", "Per minute", "Time"],
  rows: (["autoleap", "autogms"] as const).flatMap((system) =>
    e[system].lines.map((l) => [systemLabel(system), l.method, formatCount(l.requests), formatCount(l.perMinute), formatMinutes(l.minutes)])
  ),
  numericFrom: 2
})
