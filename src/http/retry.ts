import { Duration, Effect, Random, Schedule } from "effect"
import { HttpStatusError, TimeoutError, TransportError } from "./errors.js"

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number
  readonly baseDelayMs: number
  /** Cap of the exponential backoff (before jitter). */
  readonly maxDelayMs: number
  /** A Retry-After longer than this is cut to it, so a bad header cannot stall a run. */
  readonly maxRetryAfterMs: number
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 8, baseDelayMs: 250, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 }

/** Worth another try for a read: 429, any 5xx, a reset or a timeout. Everything else is an answer. */
export const isTransientHttpError = (error: unknown): boolean =>
  error instanceof TransportError ||
  error instanceof TimeoutError ||
  (error instanceof HttpStatusError && (error.status === 429 || error.status >= 500))

/** "Full jitter": uniformly random in [0, min(cap, base × 2^attempt)], attempt counted from 0. */
export const fullJitterDelayMs = (policy: RetryPolicy, attempt: number, random01: number): number =>
  Math.floor(random01 * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30)))

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export const parseRetryAfterMs = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

export interface RetryHooks<E> {
  readonly isRetryable: (error: E) => boolean
  /** The server's own wait (429 Retry-After), which wins over the backoff. */
  readonly retryAfterMs: (error: E) => number | undefined
  /** Called once per retry that will happen, with its delay (counters, pacer pause, log). */
  readonly onRetry: (error: E, delayMs: number) => Effect.Effect<void>
}

/**
 * The one retry schedule of the project: while the error is retryable and at most `maxRetries` times, wait the
 * server's Retry-After when it gave one, else exponential backoff with full jitter. Delays go through Effect's Clock and
 * Random, so TestClock drives them in tests.
 */
export const retrySchedule = <E>(policy: RetryPolicy, hooks: RetryHooks<E>): Schedule.Schedule<[E, number], E> =>
  Schedule.identity<E>().pipe(
    Schedule.whileInput(hooks.isRetryable),
    Schedule.intersect(Schedule.recurs(policy.maxRetries)),
    Schedule.addDelayEffect(([error, attempt]) =>
      Effect.gen(function* () {
        const serverWait = hooks.retryAfterMs(error)
        const delay =
          serverWait !== undefined
            ? Math.min(serverWait, policy.maxRetryAfterMs)
            : fullJitterDelayMs(policy, attempt, yield* Random.next)
        yield* hooks.onRetry(error, delay)
        return Duration.millis(delay)
      })
    )
  )
