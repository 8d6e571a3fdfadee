import type { ApiEstimate, Estimate, EstimateLine } from "./model.js"

/** Requests one API needs in one method class, and its configured per-minute budget for that class. */
export interface RequestNeed {
  readonly method: string
  readonly requests: number
  readonly perMinute: number
}

const minutesFor = (need: RequestNeed): number => (need.perMinute > 0 ? need.requests / need.perMinute : 0)

/**
 * Each method class has its own budget, but the pipeline reads, then writes, then verifies: the classes are spent one
 * after the other, so their minutes add up (a pessimistic but honest estimate).
 */
export const estimateApi = (needs: ReadonlyArray<RequestNeed>): ApiEstimate => {
  const lines: ReadonlyArray<EstimateLine> = needs
    .filter((n) => n.requests > 0)
    .map((n) => ({ method: n.method, requests: n.requests, perMinute: n.perMinute, minutes: minutesFor(n) }))
  return {
    requests: lines.reduce((sum, l) => sum + l.requests, 0),
    minutes: lines.reduce((sum, l) => sum + l.minutes, 0),
    lines
  }
}

export const makeEstimate = (
  autoleap: ReadonlyArray<RequestNeed>,
  autogms: ReadonlyArray<RequestNeed>,
  notes: ReadonlyArray<string> = []
): Estimate => {
  const al = estimateApi(autoleap)
  const ag = estimateApi(autogms)
  return { autoleap: al, autogms: ag, minutes: al.minutes + ag.minutes, notes }
}
