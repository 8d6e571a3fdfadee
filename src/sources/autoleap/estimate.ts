import type { AutoleapRateLimits } from "../../config/rateLimits.js"
import { AUTOLEAP_MAX_BULK_ITEMS, AUTOLEAP_MAX_PAGE_SIZE } from "./schema.js"

export interface AutoleapWorkload {
  /** Records to read (full extract); 0 when that entity is not read. */
  readonly readCustomers?: number
  readonly readVehicles?: number
  /** Records to write, by operation. Each create batch also costs one read-back list call. */
  readonly createCustomers?: number
  readonly updateCustomers?: number
  readonly archiveCustomers?: number
  readonly createVehicles?: number
  readonly updateVehicles?: number
  readonly archiveVehicles?: number
}

export interface RunEstimate {
  /** Requests by method class, without retries. */
  readonly requests: Readonly<Record<string, number>>
  readonly totalRequests: number
  /** At the configured limits, method classes paced in parallel: the slowest class decides. */
  readonly minutes: number
}

const pages = (n: number | undefined, per: number): number => Math.ceil(Math.max(0, n ?? 0) / per)

/** The least a run needs on AutoLeap: login, profile, list pages of 100, bulk batches of 100 plus one read-back per create batch. */
export const estimateAutoleap = (work: AutoleapWorkload, limits: AutoleapRateLimits): RunEstimate => {
  const createBatches = pages(work.createCustomers, AUTOLEAP_MAX_BULK_ITEMS) + pages(work.createVehicles, AUTOLEAP_MAX_BULK_ITEMS)
  const requests = {
    GET: 1 + pages(work.readCustomers, AUTOLEAP_MAX_PAGE_SIZE) + pages(work.readVehicles, AUTOLEAP_MAX_PAGE_SIZE) + createBatches,
    POST: 1 + createBatches,
    PUT: pages(work.updateCustomers, AUTOLEAP_MAX_BULK_ITEMS) + pages(work.updateVehicles, AUTOLEAP_MAX_BULK_ITEMS),
    PATCH: pages(work.archiveCustomers, AUTOLEAP_MAX_BULK_ITEMS) + pages(work.archiveVehicles, AUTOLEAP_MAX_BULK_ITEMS)
  }
  const minutes = Math.max(...(Object.keys(requests) as Array<keyof typeof requests>).map((m) => requests[m] / limits[m]))
  return { requests, totalRequests: requests.GET + requests.POST + requests.PUT + requests.PATCH, minutes }
}
