/**
 * A fixed one-minute window per key, started by the first request after the previous window ended — how
 * per-minute API limits commonly behave. `resetAt` is when the current window ends (ms since epoch).
 */
export interface RateDecision {
  readonly allowed: boolean
  readonly limit: number
  readonly remaining: number
  readonly resetAt: number
}

export class RateWindows {
  private windows = new Map<string, { start: number; count: number }>()
  constructor(private readonly windowMs = 60_000) {}

  take(key: string, limit: number, now: number): RateDecision {
    let w = this.windows.get(key)
    if (w === undefined || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 }
      this.windows.set(key, w)
    }
    const resetAt = w.start + this.windowMs
    if (w.count >= limit) return { allowed: false, limit, remaining: 0, resetAt }
    w.count++
    return { allowed: true, limit, remaining: limit - w.count, resetAt }
  }

  reset(): void {
    this.windows.clear()
  }
}
