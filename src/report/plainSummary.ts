import { isOpenConflict } from "./builder.js"
import { entityLabel, formatCount, systemLabel } from "./format.js"
import { entityOrder, type DirectionReport, type EntityCounts, type RunReport } from "./model.js"

/**
 * The report's opening words, for a shop owner rather than an engineer: what is (or will be) copied, in sentences, and
 * how many records need fixing first. "From AutoLeap to autoGMS: 26 customers and 38 vehicles will be copied; 4
 * customers already in autoGMS will be linked to them." The counts table below says the same in numbers.
 */
export interface PlainSummary {
  /** One sentence per direction. */
  readonly sentences: ReadonlyArray<string>
  /** Records held back (quarantined): they need fixing in the source system. */
  readonly toFix: number
  /** "6 records need fixing first", "1 record was held back and needs fixing", or null when none does. */
  readonly toFixLine: string | null
  /** Records changed on both sides that wait for a person's decision, or null when none. */
  readonly conflictsLine: string | null
}

/** "26 customers and 38 vehicles", "1 vehicle"; entities with none are left out. */
const entityList = (direction: DirectionReport, key: keyof EntityCounts): { readonly text: string; readonly total: number } | null => {
  const items = entityOrder.flatMap((entity) => {
    const n = direction.entities[entity]?.[key] ?? 0
    const word = entityLabel(entity).toLowerCase()
    return n > 0 ? [{ n, text: `${formatCount(n)} ${n === 1 ? word.replace(/s$/, "") : word}` }] : []
  })
  if (items.length === 0) return null
  return { text: items.map((i) => i.text).join(" and "), total: items.reduce((sum, i) => sum + i.n, 0) }
}

/** Verb phrases per counter: a dry run says what will happen, a run that wrote says what did. */
const phrases: ReadonlyArray<{ readonly key: keyof EntityCounts; readonly planned: (to: string) => string; readonly done: (to: string, one: boolean) => string }> = [
  { key: "created", planned: () => "will be copied", done: (_, one) => `${one ? "was" : "were"} copied` },
  {
    key: "linked",
    planned: (to) => `already in ${to} will be linked to their match there`,
    done: (to, one) => `${one ? "was" : "were"} already in ${to} and ${one ? "is" : "are"} now linked to ${one ? "its" : "their"} match`
  },
  { key: "updated", planned: () => "will be updated", done: (_, one) => `${one ? "was" : "were"} updated` },
  { key: "archived", planned: () => "will be archived", done: (_, one) => `${one ? "was" : "were"} archived` },
  { key: "deleted", planned: () => "will be deleted", done: (_, one) => `${one ? "was" : "were"} deleted` },
  { key: "skipped", planned: () => "will be left out", done: (_, one) => `${one ? "was" : "were"} left out` },
  // Only `apply` finds drift: records whose source changed after the dry run planned them.
  { key: "drifted", planned: () => "changed since the plan", done: () => "had changed since the plan" }
]

const directionSentence = (direction: DirectionReport, dryRun: boolean): string => {
  const to = systemLabel(direction.to)
  const parts = phrases.flatMap((p) => {
    const list = entityList(direction, p.key)
    if (list === null) return []
    return [`${list.text} ${dryRun ? p.planned(to) : p.done(to, list.total === 1)}`]
  })
  const body = parts.length === 0 ? (dryRun ? "nothing will change" : "nothing changed") : parts.join("; ")
  return `From ${systemLabel(direction.from)} to ${to}: ${body}.`
}

const records = (n: number): string => `${formatCount(n)} ${n === 1 ? "record" : "records"}`

export const plainSummary = (report: RunReport): PlainSummary => {
  const toFix = report.quarantine.length
  const open = report.conflicts.filter(isOpenConflict).length
  return {
    sentences: report.directions.map((d) => directionSentence(d, report.dryRun)),
    toFix,
    toFixLine:
      toFix === 0
        ? null
        : report.dryRun
          ? `${records(toFix)} ${toFix === 1 ? "needs" : "need"} fixing first`
          : `${records(toFix)} ${toFix === 1 ? "was" : "were"} held back and ${toFix === 1 ? "needs" : "need"} fixing`,
    conflictsLine: open === 0 ? null : `${records(open)} changed on both sides and ${open === 1 ? "waits" : "wait"} for your decision`
  }
}
