import { Data, Schema } from "effect"
import { DecodeError, HttpStatusError, NotSent, TimeoutError, TransportError } from "../../http/errors.js"
import { failureReason } from "../../http/retryNotices.js"
import { AutoleapErrorEnvelope } from "./schema.js"

/** A non-2xx answer to a read, with the human message of AutoLeap's `{ success: false, error }` envelope. */
export class AutoleapApiError extends Data.TaggedError("AutoleapApiError")<{
  readonly method: string
  readonly path: string
  readonly status: number
  readonly message: string
}> {}

/** Credentials refused at login, or a request still refused (401) with a freshly issued token. The run must stop. */
export class AutoleapAuthError extends Data.TaggedError("AutoleapAuthError")<{
  readonly status: number
  readonly message: string
}> {}

/** The configured company is not among those the partner account may access (from the profile). */
export class AutoleapCompanyUnavailable extends Data.TaggedError("AutoleapCompanyUnavailable")<{
  readonly companyId: string
  readonly available: ReadonlyArray<string>
  readonly message: string
}> {}

/**
 * A bulk write that was definitely NOT applied (the batch is all-or-nothing): a 4xx answer, a connection that never
 * reached the server, or a body our own schema refused before sending (`status` undefined). When the message names an
 * item, e.g. "customers[3].firstName is required", `itemIndex` is 3 and `itemField` "firstName".
 */
export class AutoleapWriteNotApplied extends Data.TaggedError("AutoleapWriteNotApplied")<{
  readonly method: string
  readonly path: string
  readonly status: number | undefined
  readonly message: string
  readonly itemIndex: number | undefined
  readonly itemField: string | undefined
}> {}

/**
 * A bulk write whose outcome is unknown: timeout, connection lost after sending, or a 5xx (a 502 can follow an applied
 * write). The loader must settle it by reading back before any retry.
 */
export class AutoleapWriteOutcomeUnknown extends Data.TaggedError("AutoleapWriteOutcomeUnknown")<{
  readonly method: string
  readonly path: string
  readonly status: number | undefined
  readonly message: string
}> {}

export type AutoleapError = AutoleapApiError | AutoleapAuthError | TransportError | TimeoutError | DecodeError
export type AutoleapWriteError = AutoleapWriteNotApplied | AutoleapWriteOutcomeUnknown | AutoleapAuthError

/** The envelope's message, or a short description of whatever came back instead. */
export const autoleapErrorMessage = (body: unknown, status: number): string => {
  const decoded = Schema.decodeUnknownOption(AutoleapErrorEnvelope)(body)
  if (decoded._tag === "Some") return decoded.value.error
  if (typeof body === "object" && body !== null && typeof (body as { error?: unknown }).error === "string") return (body as { error: string }).error
  if (typeof body === "string" && body.trim().length > 0) return body.slice(0, 200)
  return `HTTP ${status}`
}

const itemPattern = /\b(?:customers|vehicles)\[(\d+)\](?:\.([A-Za-z0-9_.[\]]+))?/

/** "customers[3].firstName is required" → { itemIndex: 3, itemField: "firstName" }. */
export const parseItemReference = (message: string): { readonly itemIndex: number | undefined; readonly itemField: string | undefined } => {
  const m = itemPattern.exec(message)
  return m === null ? { itemIndex: undefined, itemField: undefined } : { itemIndex: Number(m[1]), itemField: m[2] }
}

/** A failed read, in AutoLeap's terms. */
export const toAutoleapError = (error: HttpStatusError | TransportError | TimeoutError | DecodeError | AutoleapAuthError | NotSent): AutoleapError => {
  // The login a read needed failed: that failure is what the caller must hear about.
  if (error instanceof NotSent) return toAutoleapError(error.cause)
  if (error instanceof HttpStatusError) {
    const message = autoleapErrorMessage(error.body, error.status)
    return error.status === 401
      ? new AutoleapAuthError({ status: 401, message })
      : new AutoleapApiError({ method: error.method, path: error.path, status: error.status, message })
  }
  return error
}

/** A failed write, by outcome: not applied (4xx, never sent) or unknown (5xx, timeout, lost connection). */
export const toAutoleapWriteError = (error: HttpStatusError | TransportError | TimeoutError | AutoleapAuthError | NotSent): AutoleapWriteError => {
  if (error instanceof AutoleapAuthError) return error
  // No usable token (login or refresh failed, after the write's retries): the write never left.
  if (error instanceof NotSent) {
    return new AutoleapWriteNotApplied({ method: error.method, path: error.path, status: undefined, message: `not sent: no usable token (${failureReason(error.cause)})`, itemIndex: undefined, itemField: undefined })
  }
  if (error instanceof HttpStatusError) {
    const message = autoleapErrorMessage(error.body, error.status)
    if (error.status === 401) return new AutoleapAuthError({ status: error.status, message })
    if (error.status < 500) return new AutoleapWriteNotApplied({ method: error.method, path: error.path, status: error.status, message, ...parseItemReference(message) })
    return new AutoleapWriteOutcomeUnknown({ method: error.method, path: error.path, status: error.status, message })
  }
  if (error instanceof TransportError && !error.sent) {
    return new AutoleapWriteNotApplied({ method: error.method, path: error.path, status: undefined, message: `${error.code}: ${error.message}`, itemIndex: undefined, itemField: undefined })
  }
  if (error instanceof TimeoutError) {
    return new AutoleapWriteOutcomeUnknown({ method: error.method, path: error.path, status: undefined, message: `no answer within ${error.timeoutMs} ms` })
  }
  return new AutoleapWriteOutcomeUnknown({ method: error.method, path: error.path, status: undefined, message: `${error.code}: ${error.message}` })
}
