import { actionLabel, entityLabel, formatCount } from "./format.js"
import { describeReason } from "./reasons.js"
import { entityOrder, type EntityCounts, type EntityName, type RecordIssue, type RunReport, type DirectionReport } from "./model.js"

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
