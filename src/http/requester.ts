import { Clock, Effect } from "effect"
import type { RequestCounter } from "./counters.js"
import { HttpStatusError, NotSent, TransportError, type TimeoutError } from "./errors.js"
import { currentHttpLog } from "./log.js"
import type { Pacer } from "./pacer.js"
import type { ServerClock } from "./serverClock.js"
import { isTransientHttpError, parseRetryAfterMs, retrySchedule, type RetryPolicy } from "./retry.js"
import { failureReason, noticeRetry } from "./retryNotices.js"
import type { HttpMethod, HttpRequest, HttpResponse, HttpTransport } from "./transport.js"

/**
 * The request path shared by both API clients: pace, count, send, turn a non-2xx answer into an `HttpStatusError`, and
 * retry what is safe to retry. Auth and envelopes stay in the clients.
 */
export interface Requester {
  /** One paced, counted send; a non-2xx answer fails with HttpStatusError. */
  readonly attempt: (req: HttpRequest) => Effect.Effect<HttpResponse, HttpStatusError | TransportError | TimeoutError>
  /**
   * Retries `effect` (which should make fresh attempts, e.g. with a fresh token) as a read: 429, 5xx, resets, timeouts.
   * `policy` replaces the client's for this request (the preflight checks answer faster).
   */
  readonly retryRead: <A, E, R>(effect: Effect.Effect<A, E, R>, label: string, policy?: RetryPolicy) => Effect.Effect<A, E, R>
  /**
   * Retries a write only where the server provably did not apply it: a 429, a connection that never reached the
   * server, or a request it needed first that failed transiently (NotSent). Everything else (5xx, reset after sending,
   * timeout) is left to the loader, which must settle it by lookup.
   */
  readonly retryWrite: <A, E, R>(effect: Effect.Effect<A, E, R>, label: string, policy?: RetryPolicy) => Effect.Effect<A, E, R>
}

export interface RequesterOptions {
  readonly api: string
  readonly transport: HttpTransport["Type"]
  readonly counter: RequestCounter
  readonly serverClock: ServerClock
  readonly pacerFor: (method: HttpMethod) => Pacer
  readonly retryPolicy: RetryPolicy
}

const retryAfterOf = (error: unknown): number | undefined => (error instanceof HttpStatusError ? error.retryAfterMs : undefined)

/** The API answered 429 (also when it answered so to a request this one needed first). */
const isRateLimitedError = (error: unknown): boolean =>
  (error instanceof HttpStatusError && error.status === 429) || (error instanceof NotSent && isRateLimitedError(error.cause))

/** Nothing was applied: the server refused for rate (429), the connection never reached it, or it was never sent. */
export const isNotAppliedTransient = (error: unknown): boolean =>
  (error instanceof HttpStatusError && error.status === 429) ||
  (error instanceof TransportError && !error.sent) ||
  (error instanceof NotSent && isTransientHttpError(error.cause))

const describe = (error: unknown): Record<string, unknown> => {
  if (error instanceof HttpStatusError) return { error: error._tag, status: error.status }
  if (typeof error === "object" && error !== null && "_tag" in error) {
    const e = error as { _tag: unknown; code?: unknown }
    return { error: e._tag, code: e.code }
  }
  return { error: String(error) }
}

export const makeRequester = (options: RequesterOptions): Requester => {
  const { api, transport, counter } = options

  const attempt = (req: HttpRequest): Effect.Effect<HttpResponse, HttpStatusError | TransportError | TimeoutError> =>
    options
      .pacerFor(req.method)
      .paced(Effect.suspend(() => {
        counter.sent()
        return transport.send(req)
      }))
      .pipe(
        Effect.flatMap((response) => {
          options.serverClock.saw(response.headers["date"])
          if (response.status >= 200 && response.status < 300) return Effect.succeed(response)
          return Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const retryAfterMs = parseRetryAfterMs(response.headers["retry-after"], now)
            const error = new HttpStatusError({ method: req.method, path: req.url.pathname, status: response.status, body: response.body, retryAfterMs })
            if (response.status !== 429) return Effect.fail(error)
            counter.rateLimited()
            // The server's wait applies to every fiber on this key / method class, not only to the one that got the 429.
            const pause = retryAfterMs === undefined ? Effect.void : options.pacerFor(req.method).pause(retryAfterMs)
            return Effect.zipRight(pause, Effect.fail(error))
          })
        })
      )

  const retryWith =
    (isRetryable: (error: unknown) => boolean) =>
    <A, E, R>(effect: Effect.Effect<A, E, R>, label: string, policy: RetryPolicy = options.retryPolicy): Effect.Effect<A, E, R> =>
      Effect.flatMap(Clock.currentTimeMillis, (startedAt) =>
        Effect.retry(
          effect,
          retrySchedule<E>(
            policy,
            {
              isRetryable,
              retryAfterMs: retryAfterOf,
              isRateLimited: isRateLimitedError,
              onRetry: (error, delayMs, retry) =>
                Effect.all(
                  [
                    Effect.sync(() => counter.retried()),
                    Effect.flatMap(currentHttpLog, (log) => log.info("retry", { api, request: label, delayMs, retry, ...describe(error) })),
                    noticeRetry({ api, request: label, reason: failureReason(error), retry, maxRetries: policy.maxRetries, delayMs })
                  ],
                  { discard: true }
                )
            },
            startedAt
          )
        )
      )

  return { attempt, retryRead: retryWith(isTransientHttpError), retryWrite: retryWith(isNotAppliedTransient) }
}
