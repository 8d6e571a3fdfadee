import type { FieldIssue } from "./responses.js"
import type { StoredRecord } from "./store.js"
import type { AutogmsEntity } from "./types.js"

export const DEFAULT_LIMIT = 20
export const MAX_LIMIT = 100
const SORT_FIELDS = ["createdAt", "updatedAt", "name"] as const
type SortField = (typeof SORT_FIELDS)[number]

export interface ListQuery {
  readonly page: number
  readonly limit: number
  readonly sort: { readonly field: SortField; readonly descending: boolean } | undefined
  /** Inclusive bounds on updatedAt, in ms. */
  readonly updatedFrom: number | undefined
  readonly updatedTo: number | undefined
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/
const DAY_MS = 86_400_000

/**
 * A bare date is a whole UTC day: `dateFrom=2026-01-31` starts at 00:00:00.000Z and `dateTo=2026-01-31` ends at
 * 23:59:59.999Z. A date-time without an offset is read as UTC. Both bounds are inclusive.
 */
const parseBound = (raw: string, end: boolean): number | undefined => {
  if (BARE_DATE.test(raw)) {
    const start = Date.parse(`${raw}T00:00:00.000Z`)
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== raw) return undefined
    return end ? start + DAY_MS - 1 : start
  }
  if (!DATE_TIME.test(raw)) return undefined
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(raw)
  const ms = Date.parse(hasOffset ? raw : `${raw}Z`)
  return Number.isNaN(ms) ? undefined : ms
}

const positiveInt = (raw: string): number | undefined => (/^\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined)

export const parseListQuery = (query: URLSearchParams): { query: ListQuery } | { issues: Array<FieldIssue> } => {
  const issues: Array<FieldIssue> = []
  let page = 1
  let limit = DEFAULT_LIMIT
  const rawPage = query.get("page")
  if (rawPage !== null) {
    const n = positiveInt(rawPage)
    if (n === undefined || n < 1) issues.push({ field: "page", message: "page must be an integer of at least 1" })
    else page = n
  }
  const rawLimit = query.get("limit")
  if (rawLimit !== null) {
    const n = positiveInt(rawLimit)
    if (n === undefined || n < 1 || n > MAX_LIMIT)
      issues.push({ field: "limit", message: `limit must be an integer from 1 to ${MAX_LIMIT}` })
    else limit = n
  }
  let sort: ListQuery["sort"] = undefined
  const rawSort = query.get("sort")
  if (rawSort !== null) {
    const descending = rawSort.startsWith("-")
    const field = descending ? rawSort.slice(1) : rawSort
    if ((SORT_FIELDS as ReadonlyArray<string>).includes(field)) sort = { field: field as SortField, descending }
    else issues.push({ field: "sort", message: `sort must be one of ${SORT_FIELDS.join(", ")}, optionally prefixed with -` })
  }
  const bound = (name: "dateFrom" | "dateTo"): number | undefined => {
    const raw = query.get(name)
    if (raw === null) return undefined
    const ms = parseBound(raw.trim(), name === "dateTo")
    if (ms === undefined) issues.push({ field: name, message: `${name} must be an ISO 8601 date or date-time` })
    return ms
  }
  const updatedFrom = bound("dateFrom")
  const updatedTo = bound("dateTo")
  return issues.length > 0 ? { issues } : { query: { page, limit, sort, updatedFrom, updatedTo } }
}

const text = (value: unknown): string => (typeof value === "string" ? value.trim().toLowerCase() : "")

/** What "name" sorts by: a customer's business name or "last first"; a vehicle's "make model". */
export const sortName = (entity: AutogmsEntity, record: StoredRecord): string =>
  entity === "vehicles"
    ? `${text(record["make"])} ${text(record["model"])}`
    : record["type"] === "business" && text(record["businessName"]).length > 0
      ? text(record["businessName"])
      : `${text(record["lastName"])} ${text(record["firstName"])}`

const timeOf = (value: unknown): number => {
  const ms = typeof value === "string" ? Date.parse(value) : NaN
  return Number.isNaN(ms) ? -Infinity : ms
}

const byId = (a: StoredRecord, b: StoredRecord): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * Filters on updatedAt, sorts (default: createdAt ascending) with the id as tie-breaker so pages never overlap or
 * skip, and cuts one page. A page past the end is empty with hasMore false.
 */
export const listPage = (entity: AutogmsEntity, records: ReadonlyArray<StoredRecord>, q: ListQuery) => {
  const filtered = records.filter((r) => {
    if (q.updatedFrom === undefined && q.updatedTo === undefined) return true
    const t = timeOf(r["updatedAt"])
    if (t === -Infinity) return false
    return (q.updatedFrom === undefined || t >= q.updatedFrom) && (q.updatedTo === undefined || t <= q.updatedTo)
  })
  const sort = q.sort ?? { field: "createdAt", descending: false }
  const compareField = (a: StoredRecord, b: StoredRecord): number => {
    if (sort.field === "name") {
      const x = sortName(entity, a)
      const y = sortName(entity, b)
      return x < y ? -1 : x > y ? 1 : 0
    }
    return timeOf(a[sort.field]) - timeOf(b[sort.field])
  }
  const sorted = [...filtered].sort((a, b) => {
    const c = compareField(a, b)
    if (c !== 0 && !Number.isNaN(c)) return sort.descending ? -c : c
    // The tie-breaker follows the sort direction so a descending listing is the exact reverse of an ascending one.
    return sort.descending ? -byId(a, b) : byId(a, b)
  })
  const total = sorted.length
  const totalPages = Math.ceil(total / q.limit)
  const start = (q.page - 1) * q.limit
  return {
    items: sorted.slice(start, start + q.limit),
    pagination: { page: q.page, limit: q.limit, total, totalPages, hasMore: q.page < totalPages }
  }
}
