import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SORT_DIRECTIONS, SORT_FIELDS, matchEnum, type SortDirection, type SortField } from "./contract.js"
import { badRequest } from "./errors.js"
import { asRead, idOf, type StoredRecord } from "./store.js"
import type { AutoleapEntity, AutoleapListShape } from "./types.js"

export interface ListParams {
  readonly page: number
  readonly size: number
  readonly sort: SortField
  readonly direction: SortDirection
  readonly updatedStart: number | undefined
  readonly updatedEnd: number | undefined
  readonly search: string | undefined
  readonly customerId: string | undefined
}

const param = (query: URLSearchParams, name: string): string | undefined => {
  const value = query.get(name)
  return value === null || value.trim() === "" ? undefined : value.trim()
}

const positiveInt = (query: URLSearchParams, name: string, fallback: number): number => {
  const raw = param(query, name)
  if (raw === undefined) return fallback
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(n) || n < 1) return badRequest(`${name} must be a positive integer`)
  return n
}

const instant = (query: URLSearchParams, name: string): number | undefined => {
  const raw = param(query, name)
  if (raw === undefined) return undefined
  const ms = Date.parse(raw)
  if (Number.isNaN(ms)) return badRequest(`${name} must be an ISO 8601 date`)
  return ms
}

export const parseListParams = (query: URLSearchParams): ListParams => {
  const page = positiveInt(query, "page", 1)
  const size = Math.min(positiveInt(query, "size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
  const rawSort = param(query, "sort")
  const sort = rawSort === undefined ? "createdDate" : matchEnum(SORT_FIELDS, rawSort)
  if (sort === undefined) return badRequest(`sort must be one of ${SORT_FIELDS.join(", ")}`)
  const rawDirection = param(query, "sortDirection")
  const direction = rawDirection === undefined ? "ASC" : matchEnum(SORT_DIRECTIONS, rawDirection)
  if (direction === undefined) return badRequest(`sortDirection must be one of ${SORT_DIRECTIONS.join(", ")}`)
  return {
    page,
    size,
    sort,
    direction,
    updatedStart: instant(query, "updatedDateStart"),
    updatedEnd: instant(query, "updatedDateEnd"),
    search: param(query, "search")?.toLowerCase(),
    customerId: param(query, "customerId")
  }
}

const text = (value: unknown): string => (typeof value === "string" ? value : "")
const millis = (value: unknown): number => {
  const ms = Date.parse(text(value))
  return Number.isNaN(ms) ? 0 : ms
}

const customerHaystack = (r: StoredRecord): Array<string> => {
  const emails = Array.isArray(r["emails"]) ? r["emails"].map((e: Record<string, unknown>) => text(e?.["emailAddress"])) : []
  const phones = Array.isArray(r["phones"]) ? r["phones"].map((p: Record<string, unknown>) => text(p?.["number"])) : []
  return [
    text(r["firstName"]),
    text(r["lastName"]),
    `${text(r["firstName"])} ${text(r["lastName"])}`,
    text(r["displayName"]),
    text(r["companyName"]),
    ...emails,
    ...phones
  ]
}

const vehicleHaystack = (r: StoredRecord): Array<string> => [
  text(r["vin"]),
  text(r["licensePlate"]),
  text(r["make"]),
  text(r["model"]),
  `${text(r["make"])} ${text(r["model"])}`,
  text(r["vehicleName"])
]

const digits = (s: string): string => s.replace(/\D/g, "")

/** Case-insensitive substring; a phone-looking term also matches on digits alone ("(555) 010-0" finds "+15550100"). */
const matchesSearch = (entity: AutoleapEntity, record: StoredRecord, term: string): boolean => {
  const haystack = entity === "customers" ? customerHaystack(record) : vehicleHaystack(record)
  if (haystack.some((s) => s.toLowerCase().includes(term))) return true
  if (entity === "customers" && /^[\d\s()+.-]+$/.test(term) && digits(term).length >= 3) {
    const wanted = digits(term)
    return customerHaystack(record).some((s) => digits(s).includes(wanted))
  }
  return false
}

/** Filters and sorts a company's records; the id breaks ties so paging is stable. Sort keys are parsed once per record. */
export const selectRecords = (entity: AutoleapEntity, records: ReadonlyArray<StoredRecord>, params: ListParams): Array<StoredRecord> => {
  const selected = records.filter((r) => {
    const updated = millis(r["updatedDate"])
    if (params.updatedStart !== undefined && updated < params.updatedStart) return false
    if (params.updatedEnd !== undefined && updated > params.updatedEnd) return false
    if (params.customerId !== undefined && r["customerId"] !== params.customerId) return false
    if (params.search !== undefined && !matchesSearch(entity, r, params.search)) return false
    return true
  })
  const keyed = selected.map((record) => ({ record, at: millis(record[params.sort]), id: idOf(entity, record) }))
  const sign = params.direction === "ASC" ? 1 : -1
  keyed.sort((a, b) => {
    const byDate = a.at - b.at
    if (byDate !== 0) return sign * byDate
    return sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  })
  return keyed.map((k) => k.record)
}

/** What makes two list requests the same list (page and size only cut it): the key of the store's memoised view. */
export const viewKey = (companyId: string, params: ListParams): string =>
  JSON.stringify([companyId, params.sort, params.direction, params.updatedStart, params.updatedEnd, params.search, params.customerId])

const LIST_MESSAGE: Record<AutoleapEntity, string> = {
  customers: "Customer fetched successfully",
  vehicles: "Vehicle fetched successfully"
}

/** One page in the configured list shape. */
export const renderPage = (
  entity: AutoleapEntity,
  shape: AutoleapListShape,
  all: ReadonlyArray<StoredRecord>,
  page: number,
  size: number
): unknown => {
  const content = all.slice((page - 1) * size, page * size).map(asRead)
  const totalCount = all.length
  const totalPages = Math.ceil(totalCount / size)
  const last = page >= totalPages
  if (shape === "wrapped") {
    return { message: LIST_MESSAGE[entity], results: { content, pagination: { page, size, totalCount, totalPages, last } } }
  }
  return {
    content,
    pageable: { pageNumber: page, pageSize: size, offset: (page - 1) * size, paged: true, unpaged: false },
    totalPages,
    totalCount,
    last,
    size,
    number: page,
    first: page === 1,
    numberOfElements: content.length,
    empty: content.length === 0
  }
}
