/**
 * What a simulator saw: every API request with its arrival time, endpoint and status. Tests read counts from it and
 * check that no rolling window ever held more requests than a limit allows.
 */
export interface LoggedRequest {
  readonly at: number
  readonly method: string
  /** The route's name, e.g. "GET /customers". */
  readonly endpoint: string
  readonly status: number
}

export interface RequestStats {
  readonly total: number
  readonly byEndpoint: Record<string, number>
  readonly byMethod: Record<string, number>
  readonly byStatus: Record<string, number>
  readonly throttled: number
  /** The most requests of each method seen in any rolling 60 s window. */
  readonly maxPerRollingMinuteByMethod: Record<string, number>
  /** The most requests of any method seen in any rolling 60 s window. */
  readonly maxPerRollingMinute: number
}

/** The largest number of sorted timestamps that fit in any window of `windowMs` (two-pointer sweep). */
export const maxInRollingWindow = (sortedTimes: ReadonlyArray<number>, windowMs: number): number => {
  let best = 0
  let start = 0
  for (let end = 0; end < sortedTimes.length; end++) {
    while (sortedTimes[end]! - sortedTimes[start]! >= windowMs) start++
    best = Math.max(best, end - start + 1)
  }
  return best
}

export class RequestLog {
  private entries: Array<LoggedRequest> = []

  record(entry: LoggedRequest): void {
    this.entries.push(entry)
  }

  clear(): void {
    this.entries = []
  }

  all(): ReadonlyArray<LoggedRequest> {
    return this.entries
  }

  stats(windowMs = 60_000): RequestStats {
    const byEndpoint: Record<string, number> = {}
    const byMethod: Record<string, number> = {}
    const byStatus: Record<string, number> = {}
    const timesByMethod: Record<string, Array<number>> = {}
    for (const e of this.entries) {
      byEndpoint[e.endpoint] = (byEndpoint[e.endpoint] ?? 0) + 1
      byMethod[e.method] = (byMethod[e.method] ?? 0) + 1
      byStatus[String(e.status)] = (byStatus[String(e.status)] ?? 0) + 1
      ;(timesByMethod[e.method] ??= []).push(e.at)
    }
    const maxPerRollingMinuteByMethod: Record<string, number> = {}
    for (const [method, times] of Object.entries(timesByMethod)) {
      maxPerRollingMinuteByMethod[method] = maxInRollingWindow(times, windowMs)
    }
    return {
      total: this.entries.length,
      byEndpoint,
      byMethod,
      byStatus,
      throttled: byStatus["429"] ?? 0,
      maxPerRollingMinuteByMethod,
      maxPerRollingMinute: maxInRollingWindow(this.entries.map((e) => e.at), windowMs)
    }
  }
}
