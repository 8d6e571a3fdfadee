import { Context, Effect } from "effect"
import { HttpStatusError, NotSent, TimeoutError, TransportError } from "./errors.js"

/** One retry about to happen, for the person watching: which API and request, why, which retry and how long until it. */
export interface RetryNotice {
  readonly api: string
  /** "GET /partners/profile". */
  readonly request: string
  /** Why the attempt failed, in a few words: "connect ECONNREFUSED 127.0.0.1:9", "HTTP 503". */
  readonly reason: string
  /** 1 for the first retry. */
  readonly retry: number
  readonly maxRetries: number
  readonly delayMs: number
}

/**
 * Where retries are shown as they happen (the command line prints them as progress lines). Without this service the
 * requester only logs them: a silent minute of backoff looks like a hang.
 */
export class RetryNotices extends Context.Tag("shopbridge/RetryNotices")<RetryNotices, { readonly notice: (notice: RetryNotice) => Effect.Effect<void> }>() {}

/** Tells the provided RetryNotices, if any. */
export const noticeRetry = (notice: RetryNotice): Effect.Effect<void> =>
  Effect.flatMap(Effect.serviceOption(RetryNotices), (service) => (service._tag === "Some" ? service.value.notice(notice) : Effect.void))

/** A failed attempt in a few words, never with a body (it may hold secrets). */
export const failureReason = (error: unknown): string => {
  if (error instanceof NotSent) return `${error.cause.method} ${error.cause.path} failed first: ${failureReason(error.cause)}`
  if (error instanceof HttpStatusError) return `HTTP ${error.status}`
  if (error instanceof TimeoutError) return `no answer within ${error.timeoutMs} ms`
  if (error instanceof TransportError) return error.message.length > 0 ? error.message : error.code
  if (typeof error === "object" && error !== null && "_tag" in error) return String((error as { _tag: unknown })._tag)
  return String(error)
}
