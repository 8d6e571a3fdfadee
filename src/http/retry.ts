import { Clock, Duration, Effect, Random, Schedule } from "effect"
import { HttpStatusError, NotSent, TimeoutError, TransportError } from "./errors.js"

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number
  readonly baseDelayMs: number
  /** Cap of the exponential backoff (before jitter). */
  readonly maxDelayMs: number
  /** A Retry-After longer than this is cut to it, so a bad header cannot stall a run. */
  readonly maxRetryAfterMs: number
  /**
   * No retry starts later than this after the first attempt began, and a wait is cut so that it ends by then. Unset:
   * only `maxRetries` bounds the retries.
   */
  readonly maxElapsedMs?: number
  /**
   * The wait after a 429 that names none (AutoLeap sends no Retry-After). Such a 429 means the API answered and asks us
   * to wait: it is exempt from `maxElapsedMs`, so a run started right after another has used the minute waits it out.
   * Unset: the backoff.
   */
  readonly rateLimitedWaitMs?: number
}

/** Mid-run: ride out a restart or a long 429 rather than lose a run that has read for an hour. */
export const defaultRetryPolicy: RetryPolicy = { maxRetries: 8, baseDelayMs: 250, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 }

/**
 * Before anything is read (is the URL right, are the credentials accepted): a person is waiting for the answer, and a
 * URL where nothing listens should be reported within ~15 s, not after minutes of backoff.
 */
export const preflightRetryPolicy: RetryPolicy = {
  maxRetries: 6,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 10_000,
  maxElapsedMs: 15_000,
  // Six waits of 10 s outlast a rolling minute of another run's requests.
  rateLimitedWaitMs: 10_000
}

/** Worth another try for a read: 429, any 5xx, a reset or a timeout, also when it hit a request this one needed first. */
export const isTransientHttpError = (error: unknown): boolean =>
  error instanceof TransportError ||
  error instanceof TimeoutError ||
  (error instanceof HttpStatusError && (error.status === 429 || error.status >= 500)) ||
  (error instanceof NotSent && isTransientHttpError(error.cause))

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
  /** The API answered 429: it is there and asks us to wait (see `RetryPolicy.rateLimitedWaitMs`). */
  readonly isRateLimited?: (error: E) => boolean
  /** Called once per retry that will happen: its number (1 for the first retry), its delay, and the error it follows. */
  readonly onRetry: (error: E, delayMs: number, retry: number) => Effect.Effect<void>
}

/**
 * The one retry schedule of the project: while the error is retryable, at most `maxRetries` times and (with
 * `maxElapsedMs`) not past the budget counted from `startedAt`, wait the server's Retry-After when it gave one, else
 * exponential backoff with full jitter. Delays go through Effect's Clock and Random, so TestClock drives them in tests.
 */
export const retrySchedule = <E>(policy: RetryPolicy, hooks: RetryHooks<E>, startedAt?: number): Schedule.Schedule<[E, number], E> => {
  const budgetEnd = policy.maxElapsedMs === undefined || startedAt === undefined ? undefined : startedAt + policy.maxElapsedMs
  return Schedule.identity<E>().pipe(
    Schedule.whileInput(hooks.isRetryable),
    Schedule.intersect(Schedule.recurs(policy.maxRetries)),
    Schedule.checkEffect((error) =>
      budgetEnd === undefined || hooks.isRateLimited?.(error) === true ? Effect.succeed(true) : Effect.map(Clock.currentTimeMillis, (now) => now < budgetEnd)
    ),
    Schedule.addDelayEffect(([error, attempt]) =>
      Effect.gen(function* () {
        const serverWait = hooks.retryAfterMs(error)
        const rateLimited = hooks.isRateLimited?.(error) === true
        const wanted =
          serverWait !== undefined
            ? Math.min(serverWait, policy.maxRetryAfterMs)
            : rateLimited && policy.rateLimitedWaitMs !== undefined
              ? policy.rateLimitedWaitMs
              : fullJitterDelayMs(policy, attempt, yield* Random.next)
        const delay = budgetEnd === undefined || rateLimited ? wanted : Math.max(0, Math.min(wanted, budgetEnd - (yield* Clock.currentTimeMillis)))
        yield* hooks.onRetry(error, delay, attempt + 1)
        return Duration.millis(delay)
      })
    )
  )
}
