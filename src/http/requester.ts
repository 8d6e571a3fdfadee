import { Clock, Effect } from "effect"
import type { RequestCounter } from "./counters.js"
import { HttpStatusError, TransportError, type TimeoutError } from "./errors.js"
import { currentHttpLog } from "./log.js"
import type { Pacer } from "./pacer.js"
import { isTransientHttpError, parseRetryAfterMs, retrySchedule, type RetryPolicy } from "./retry.js"
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
   */
  readonly retryRead: <A, E, R>(effect: Effect.Effect<A, E, R>, label: string) => Effect.Effect<A, E, R>
  /**
   * Retries a write only where the server provably did not apply it: a 429, or a connection that never reached the
   * server. Everything else (5xx, reset after sending, timeout) is left to the loader, which must settle it by lookup.
   */
  readonly retryWrite: <A, E, R>(effect: Effect.Effect<A, E, R>, label: string) => Effect.Effect<A, E, R>
}

export interface RequesterOptions {
  readonly api: string
  readonly transport: HttpTransport["Type"]
  readonly counter: RequestCounter
  readonly pacerFor: (method: HttpMethod) => Pacer
  readonly retryPolicy: RetryPolicy
}

const retryAfterOf = (error: unknown): number | undefined => (error instanceof HttpStatusError ? error.retryAfterMs : undefined)

/** Nothing was applied: the server refused for rate (429) or the connection never reached it. */
export const isNotAppliedTransient = (error: unknown): boolean =>
  (error instanceof HttpStatusError && error.status === 429) || (error instanceof TransportError && !error.sent)

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
    <A, E, R>(effect: Effect.Effect<A, E, R>, label: string): Effect.Effect<A, E, R> =>
      Effect.retry(
        effect,
        retrySchedule<E>(options.retryPolicy, {
          isRetryable,
          retryAfterMs: retryAfterOf,
          onRetry: (error, delayMs) =>
            Effect.zipRight(
              Effect.sync(() => counter.retried()),
              Effect.flatMap(currentHttpLog, (log) => log.info("retry", { api, request: label, delayMs, ...describe(error) }))
            )
        })
      )

  return { attempt, retryRead: retryWith(isTransientHttpError), retryWrite: retryWith(isNotAppliedTransient) }
}
