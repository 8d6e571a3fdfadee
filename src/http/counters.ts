import { Effect } from "effect"

/**
 * Request figures for one API, for report.json `requests`. `throttled` is the sum of two things, also given apart:
 * sends the pacer made wait (`paced`) and 429 answers the server gave (`rateLimited`).
 */
export interface RequestCounts {
  /** Every request sent, including retries and auth calls. */
  readonly total: number
  /** Sends that were retries of an earlier failed attempt. */
  readonly retried: number
  readonly throttled: number
  readonly paced: number
  readonly rateLimited: number
}

export interface RequestCounter {
  readonly sent: () => void
  readonly retried: () => void
  readonly paced: () => void
  readonly rateLimited: () => void
  readonly snapshot: Effect.Effect<RequestCounts>
}

export const makeRequestCounter = (): RequestCounter => {
  let total = 0
  let retried = 0
  let paced = 0
  let rateLimited = 0
  return {
    sent: () => void total++,
    retried: () => void retried++,
    paced: () => void paced++,
    rateLimited: () => void rateLimited++,
    snapshot: Effect.sync(() => ({ total, retried, throttled: paced + rateLimited, paced, rateLimited }))
  }
}
