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

// Parsed once per record version: date filters run on every page of a large garage.
const updatedCache = new WeakMap<StoredRecord, number>()
const updatedMs = (record: StoredRecord): number => {
  let t = updatedCache.get(record)
  if (t === undefined) {
    t = timeOf(record["updatedAt"])
    updatedCache.set(record, t)
  }
  return t
}

const byId = (a: StoredRecord, b: StoredRecord): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

type Sort = NonNullable<ListQuery["sort"]>

/** Sorts with the id as tie-breaker (in the sort's direction, so "-x" is the exact reverse of "x"); keys computed once. */
export const sortRecords = (entity: AutogmsEntity, records: ReadonlyArray<StoredRecord>, sort: Sort): ReadonlyArray<StoredRecord> => {
  const keyed = records.map((record) => ({
    record,
    key: sort.field === "name" ? sortName(entity, record) : timeOf(record[sort.field])
  }))
  const direction = sort.descending ? -1 : 1
  keyed.sort((a, b) => {
    const c = a.key < b.key ? -1 : a.key > b.key ? 1 : 0
    return direction * (c !== 0 ? c : byId(a.record, b.record))
  })
  return keyed.map((k) => k.record)
}

export const DEFAULT_SORT: Sort = { field: "createdAt", descending: false }

export const sortKeyOf = (sort: Sort): string => `${sort.descending ? "-" : ""}${sort.field}`

/**
 * Sorts (default: createdAt ascending), filters on updatedAt and cuts one page. `sorted` may serve a memoised order.
 * A page past the end is empty with hasMore false.
 */
export const listPage = (
  entity: AutogmsEntity,
  records: ReadonlyArray<StoredRecord>,
  q: ListQuery,
  sorted: (sort: Sort) => ReadonlyArray<StoredRecord> = (sort) => sortRecords(entity, records, sort)
) => {
  const ordered = sorted(q.sort ?? DEFAULT_SORT)
  const filtered =
    q.updatedFrom === undefined && q.updatedTo === undefined
      ? ordered
      : ordered.filter((r) => {
          const t = updatedMs(r)
          return (
            t !== -Infinity && (q.updatedFrom === undefined || t >= q.updatedFrom) && (q.updatedTo === undefined || t <= q.updatedTo)
          )
        })
  const total = filtered.length
  const totalPages = Math.ceil(total / q.limit)
  const start = (q.page - 1) * q.limit
  return {
    items: filtered.slice(start, start + q.limit),
    pagination: { page: q.page, limit: q.limit, total, totalPages, hasMore: q.page < totalPages }
  }
}
