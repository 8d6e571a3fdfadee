import { AUTOGMS_MAX_LIMIT } from "./schema.js"

export interface AutogmsWorkload {
  readonly readCustomers?: number
  readonly readVehicles?: number
  /** autoGMS writes one record per request. */
  readonly createCustomers?: number
  readonly updateCustomers?: number
  readonly createVehicles?: number
  readonly updateVehicles?: number
  readonly deleteVehicles?: number
  /** Lookups before creates (search by email/phone, find by VIN), one request each. */
  readonly lookups?: number
}

export interface AutogmsRunEstimate {
  readonly requests: Readonly<Record<string, number>>
  readonly totalRequests: number
  /** At `ratePerMinute` (one budget for every method on a key). */
  readonly minutes: number
}

const pages = (n: number | undefined): number => Math.ceil(Math.max(0, n ?? 0) / AUTOGMS_MAX_LIMIT)
const n = (x: number | undefined): number => Math.max(0, x ?? 0)

/** The least a run needs on autoGMS: the garage check, list pages of 100, one request per written record and lookup. */
export const estimateAutogms = (work: AutogmsWorkload, ratePerMinute: number): AutogmsRunEstimate => {
  const requests = {
    GET: 1 + pages(work.readCustomers) + pages(work.readVehicles) + n(work.lookups),
    POST: n(work.createCustomers) + n(work.createVehicles),
    PATCH: n(work.updateCustomers) + n(work.updateVehicles),
    DELETE: n(work.deleteVehicles)
  }
  const totalRequests = requests.GET + requests.POST + requests.PATCH + requests.DELETE
  return { requests, totalRequests, minutes: totalRequests / ratePerMinute }
}
