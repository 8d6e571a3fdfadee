import { Data } from "effect"

/**
 * What can go wrong below the API clients. Each error says which request it belongs to (method and path, never a header
 * or a body with secrets) so a log line or a report entry can be traced without leaking credentials.
 */

/**
 * The connection failed. `sent` is false only when undici proves the request never left (connect refused, DNS): a write
 * that failed with `sent: true` may have been applied.
 */
export class TransportError extends Data.TaggedError("TransportError")<{
  readonly method: string
  readonly path: string
  readonly code: string
  readonly message: string
  readonly sent: boolean
}> {}

/** No complete answer within the request timeout; the request was aborted. */
export class TimeoutError extends Data.TaggedError("TimeoutError")<{
  readonly method: string
  readonly path: string
  readonly timeoutMs: number
}> {}

/**
 * A non-2xx answer. `body` is the parsed JSON (or the text when it is not JSON) for the API client to decode into its own
 * error envelope; `retryAfterMs` is the parsed `Retry-After` header when there is one.
 */
export class HttpStatusError extends Data.TaggedError("HttpStatusError")<{
  readonly method: string
  readonly path: string
  readonly status: number
  readonly body: unknown
  readonly retryAfterMs: number | undefined
}> {}

/** A 2xx answer whose body did not match the wire schema. `failedPath` is the first failing path, e.g. "data.content[3].customerId". */
export class DecodeError extends Data.TaggedError("DecodeError")<{
  readonly method: string
  readonly path: string
  readonly failedPath: string
  readonly message: string
}> {}

/**
 * The request was never sent because one it needs first failed (an AutoLeap data call whose login did not go through).
 * Nothing was applied, so even a write may be retried when `cause` is transient; the one retry policy of the request
 * covers the request it depends on, instead of each retrying on its own (which multiplies the attempts).
 */
export class NotSent extends Data.TaggedError("NotSent")<{
  readonly method: string
  readonly path: string
  readonly cause: TransportError | TimeoutError | HttpStatusError | DecodeError
}> {}

export type TransportFailure = TransportError | TimeoutError
export type HttpError = TransportError | TimeoutError | HttpStatusError | DecodeError
