import type { ActionKind, EntityName, FieldChange, JsonValue, RunReport, RunStatus, SystemName } from "./model.js"

/** Small text helpers shared by every renderer, so the markdown, the HTML and the CSV say things the same way. */

export const systemLabel = (system: SystemName): string => (system === "autoleap" ? "AutoLeap" : "autoGMS")

export const directionLabel = (from: SystemName, to: SystemName): string => `${systemLabel(from)} → ${systemLabel(to)}`

export const entityLabel = (entity: EntityName): string =>
  entity === "customers" ? "Customers" : entity === "vehicles" ? "Vehicles" : "Tags"

const actionWords: Readonly<Record<ActionKind, { readonly done: string; readonly planned: string }>> = {
  create: { done: "created", planned: "would create" },
  update: { done: "updated", planned: "would update" },
  unchanged: { done: "unchanged", planned: "unchanged" },
  link: { done: "linked to existing", planned: "would link to existing" },
  quarantine: { done: "held back", planned: "would hold back" },
  archive: { done: "archived", planned: "would archive" },
  delete: { done: "deleted", planned: "would delete" },
  conflict: { done: "conflict, needs review", planned: "conflict, needs review" },
  skip: { done: "skipped", planned: "would skip" }
}

export const actionLabel = (action: ActionKind, dryRun: boolean): string =>
  dryRun ? actionWords[action].planned : actionWords[action].done

const statusWords: Readonly<Record<RunStatus, string>> = {
  completed: "Completed",
  completed_with_errors: "Completed — some records need review",
  failed: "Failed",
  interrupted: "Interrupted — run `shopbridge resume` to finish it"
}

export const statusLabel = (report: RunReport): string => {
  if (!report.dryRun) return statusWords[report.status]
  if (report.status === "completed") return "Dry run — nothing was written"
  if (report.status === "completed_with_errors") return "Dry run — nothing was written; some records need review"
  return `Dry run — ${statusWords[report.status]}`
}

/** A field value as a person reads it: empty for null, lists joined, objects as "key: value" pairs. */
export const formatValue = (value: JsonValue): string => {
  if (value === null) return "(empty)"
  if (typeof value === "string") return value === "" ? "(empty)" : value
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  if (Array.isArray(value)) return value.length === 0 ? "(none)" : value.map(formatValue).join(", ")
  const entries = Object.entries(value as { readonly [key: string]: JsonValue }).filter(([, v]) => v !== null && v !== "")
  return entries.length === 0 ? "(empty)" : entries.map(([k, v]) => `${k}: ${formatValue(v)}`).join(", ")
}

export const formatChange = (change: FieldChange): string =>
  `${change.field}: ${formatValue(change.before)} → ${formatValue(change.after)}`

// Each made once: `toLocaleString` and `localeCompare` with a locale or options build a new ICU formatter or collator
// on every call, and rendering a 250,000-record run's report that way took ~30 MB of native memory.
const countFormat = new Intl.NumberFormat("en-US")
export const formatCount = (n: number): string => countFormat.format(n)

const idOrder = new Intl.Collator("en", { numeric: true })
const labelOrder = new Intl.Collator("en", { numeric: true, sensitivity: "base" })
/** Ids in the order a person expects: "veh-9" before "veh-10". */
export const compareIds = (a: string, b: string): number => idOrder.compare(a, b)
/** Record labels as a person sorts them: numbers by value, case and accents ignored. */
export const compareLabels = (a: string, b: string): number => labelOrder.compare(a, b)

/** "under a minute", "12 min", "3 h 20 min": a shop manager needs the order of magnitude, not decimals. */
export const formatMinutes = (minutes: number): string => {
  if (minutes < 1) return "under a minute"
  const rounded = Math.ceil(minutes)
  const hours = Math.floor(rounded / 60)
  const rest = rounded % 60
  if (hours === 0) return `${rest} min`
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
}

export const durationBetween = (startedAt: string, finishedAt: string): string => {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt)
  if (!Number.isFinite(ms) || ms < 0) return "unknown"
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  return formatMinutes(seconds / 60)
}
