import { Clock, Duration, Effect, Exit } from "effect"
import type { HttpResponse } from "./transport.js"

/**
 * Client-side pacing. A gate answers "how long must the next send wait?" and records sends; a pacer holds one lock over
 * its gates so that concurrent fibers never both take the last slot. All waits use Effect's Clock (TestClock in tests).
 */
export interface Gate {
  /** Milliseconds to wait before a send at `now` is allowed; 0 when it may go now. */
  readonly waitMs: (now: number) => number
  /** Records a send at `now`; the returned function is called with the time the answer (or failure) arrived. */
  readonly commit: (now: number) => (completedAt: number, response: HttpResponse | undefined) => void
}

/**
 * At most `limit` sends in any rolling `windowMs`, counted from the time each send's answer arrived (not when it left):
 * the server sees a request somewhere between the two, so timing the window from the answer means no network delay can
 * squeeze `limit + 1` arrivals into one server-side window. A classic token bucket would allow up to 2 × limit here.
 */
export class SlidingWindowGate implements Gate {
  private slots: Array<{ at: number }> = []
  constructor(
    readonly limit: number,
    readonly windowMs: number
  ) {}

  private prune(now: number): void {
    if (this.slots.length === 0) return
    this.slots = this.slots.filter((s) => s.at + this.windowMs > now)
  }

  waitMs(now: number): number {
    this.prune(now)
    if (this.slots.length < this.limit) return 0
    let oldest = Infinity
    for (const s of this.slots) if (s.at < oldest) oldest = s.at
    return Math.max(1, oldest + this.windowMs - now)
  }

  commit(now: number): (completedAt: number) => void {
    const slot = { at: now }
    this.slots.push(slot)
    return (completedAt) => {
      slot.at = Math.max(slot.at, completedAt)
    }
  }

  /** Sends currently counted in the window (for tests and diagnostics). */
  inWindow(now: number): number {
    this.prune(now)
    return this.slots.length
  }
}

export interface RateLimitHeaders {
  readonly limit: number | undefined
  readonly remaining: number
  /** When the server's window resets, ms since epoch. */
  readonly resetAt: number
}

/** `RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset` (Unix seconds, as autoGMS documents). */
export const parseRateLimitHeaders = (headers: Readonly<Record<string, string>>): RateLimitHeaders | undefined => {
  const remaining = Number(headers["ratelimit-remaining"])
  const reset = Number(headers["ratelimit-reset"])
  if (headers["ratelimit-remaining"] === undefined || headers["ratelimit-reset"] === undefined) return undefined
  if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return undefined
  const limit = Number(headers["ratelimit-limit"])
  return { limit: Number.isFinite(limit) && limit > 0 ? limit : undefined, remaining: Math.max(0, Math.floor(remaining)), resetAt: reset * 1000 }
}

/**
 * Follows the server's own window from its RateLimit-* headers: never more sends than `RateLimit-Remaining` before
 * the window ends. Requests still in flight when a header arrives may not have been counted yet by the server, so they
 * are subtracted from what it says remains.
 *
 * When the window ends: `RateLimit-Reset` is in whole seconds, so it can say up to a second late, and `resetMarginMs`
 * is added for clock skew. But a window the server counted one of our requests in began at or before that request
 * arrived, so it ends at most one window (`windowMs`) after that request's answer, by our own clock: the first answer
 * showing a window bounds its end too, and the earlier bound wins. Against a 60 s window the header alone costs up to
 * 1.5 s a minute; against a time-scaled one (SHOPBRIDGE_RATE_WINDOW_MS) it would cost a third of every window.
 */
export class ServerWindowGate implements Gate {
  /** `assumed`: a window we take to have begun after `headerResetAt`'s ended, of which no header has arrived yet. */
  private known: { remaining: number; endsAt: number; headerResetAt: number; assumed: boolean } | undefined
  private serverLimit: number | undefined
  private inFlight = 0
  constructor(
    readonly resetMarginMs: number,
    readonly windowMs: number
  ) {}

  private window(now: number): { remaining: number; endsAt: number } | undefined {
    const k = this.known
    if (k === undefined) return undefined
    if (now < k.endsAt) return k
    // The server's window is over; a new one starts with our next request. Until its headers arrive, assume the
    // server's advertised limit (the configured limit still applies through the sliding window gate).
    if (this.serverLimit === undefined) {
      this.known = undefined
      return undefined
    }
    this.known = { remaining: this.serverLimit, endsAt: now + this.windowMs, headerResetAt: k.headerResetAt, assumed: true }
    return this.known
  }

  waitMs(now: number): number {
    const w = this.window(now)
    if (w === undefined || w.remaining > 0) return 0
    // A bogus reset far in the future must not stall the run: never wait longer than one window.
    return Math.max(1, Math.min(w.endsAt - now, this.windowMs + this.resetMarginMs))
  }

  commit(now: number): (completedAt: number, response: HttpResponse | undefined) => void {
    const w = this.window(now)
    if (w !== undefined) w.remaining = Math.max(0, w.remaining - 1)
    this.inFlight++
    return (completedAt, response) => {
      this.inFlight--
      if (response !== undefined) this.observe(response, completedAt)
    }
  }

  /** Called once the answer is in, so `inFlight` counts only the others. */
  private observe(response: HttpResponse, now: number): void {
    const h = parseRateLimitHeaders(response.headers)
    // A window that has already ended says nothing about the next one.
    if (h === undefined || h.resetAt <= now) return
    if (h.limit !== undefined) this.serverLimit = h.limit
    const remaining = Math.max(0, h.remaining - this.inFlight)
    const k = this.known
    if (k === undefined || h.resetAt > k.headerResetAt) {
      const endsAt = Math.min(h.resetAt + this.resetMarginMs, now + this.windowMs)
      this.known = { remaining: response.status === 429 ? 0 : remaining, endsAt, headerResetAt: h.resetAt, assumed: false }
    } else if (h.resetAt === k.headerResetAt && !k.assumed) {
      k.remaining = response.status === 429 ? 0 : Math.min(k.remaining, remaining)
    }
    // An older window's answer arriving late says nothing about the current one, nor about the one we assume began
    // after it: a last answer of a window that ended before its whole-second reset must not empty the next.
  }
}

/** Blocks every send until a time (a 429's Retry-After applies to the whole key or method class, not just one fiber). */
export class PauseGate implements Gate {
  private until = 0
  pauseUntil(at: number): void {
    this.until = Math.max(this.until, at)
  }
  waitMs(now: number): number {
    return this.until > now ? this.until - now : 0
  }
  commit(): () => void {
    return () => undefined
  }
}

export interface Pacer {
  /** Runs one send when every gate allows it; the gates see when its answer arrived and what it said. */
  readonly paced: <E, R>(send: Effect.Effect<HttpResponse, E, R>) => Effect.Effect<HttpResponse, E, R>
  /** After a 429 with Retry-After: nobody on this pacer sends before `ms` from now. */
  readonly pause: (ms: number) => Effect.Effect<void>
}

export interface PacerOptions {
  readonly gates: ReadonlyArray<Gate>
  /** Called once per send that had to wait (the run report's "throttled by the pacer"). */
  readonly onWait?: () => void
}

export const makePacer = (options: PacerOptions): Effect.Effect<Pacer> =>
  Effect.gen(function* () {
    const lock = yield* Effect.makeSemaphore(1)
    const pause = new PauseGate()
    const gates: ReadonlyArray<Gate> = [pause, ...options.gates]

    // The lock is held while sleeping: whoever is first in line gets the next slot, so waiting fibers keep their order.
    // A send "waited" when a gate made someone sleep while it was in line (itself, or whoever held the lock before it).
    let sleeps = 0
    let someoneSleeping = false
    const acquire = Effect.suspend(() => {
      const sleepsWhenAsked = sleeps
      const behindSleeper = someoneSleeping
      return lock.withPermits(1)(
        Effect.gen(function* () {
          for (;;) {
            const now = yield* Clock.currentTimeMillis
            let wait = 0
            for (const g of gates) wait = Math.max(wait, g.waitMs(now))
            if (wait <= 0) {
              if (behindSleeper || sleeps > sleepsWhenAsked) options.onWait?.()
              return gates.map((g) => g.commit(now))
            }
            sleeps++
            someoneSleeping = true
            yield* Effect.sleep(Duration.millis(wait)).pipe(Effect.ensuring(Effect.sync(() => (someoneSleeping = false))))
          }
        })
      )
    })

    const paced = <E, R>(send: Effect.Effect<HttpResponse, E, R>): Effect.Effect<HttpResponse, E, R> =>
      Effect.flatMap(acquire, (completions) =>
        send.pipe(
          Effect.onExit((exit) =>
            Effect.flatMap(Clock.currentTimeMillis, (at) =>
              Effect.sync(() => {
                const response = Exit.isSuccess(exit) ? exit.value : undefined
                for (const complete of completions) complete(at, response)
              })
            )
          )
        )
      )

    return {
      paced,
      pause: (ms) => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => pause.pauseUntil(now + ms)))
    }
  })

/**
 * The limits' window (one minute, or shorter against a time-scaled simulator) plus a margin: 250 ms a minute unless
 * given. Sends are timed from their answers, so network delay is already covered; what is left is clocks that run at
 * slightly different rates, which grows with the window, so the margin shrinks with a shortened one.
 */
export const paceWindowMs = (limitWindowMs: number, marginMs: number = limitWindowMs / 240): number => limitWindowMs + marginMs
