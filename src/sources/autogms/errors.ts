import { Data, Schema } from "effect"
import { DecodeError, HttpStatusError, TimeoutError, TransportError } from "../../http/errors.js"
import { AutogmsErrorEnvelope, type AutogmsErrorDetail } from "./schema.js"

/** A non-2xx answer to a read, with autoGMS's error envelope (`type`, `code`, `message`, `details`). */
export class AutogmsApiError extends Data.TaggedError("AutogmsApiError")<{
  readonly method: string
  readonly path: string
  readonly status: number
  readonly type: string
  readonly code: string
  readonly message: string
  readonly details: ReadonlyArray<AutogmsErrorDetail>
}> {}

/** 401 (bad or revoked key) or 403 (garage not reachable, read-only key writing). The run must stop. */
export class AutogmsAccessDenied extends Data.TaggedError("AutogmsAccessDenied")<{
  readonly status: number
  readonly code: string
  readonly message: string
}> {}

/** A write refused with 409: a customer with that email/phone, or a vehicle with that VIN, already exists. Not applied. */
export class AutogmsConflict extends Data.TaggedError("AutogmsConflict")<{
  readonly method: string
  readonly path: string
  /** CUSTOMER_EXISTS | VEHICLE_EXISTS (or a future code). */
  readonly code: string
  /** The record that already holds the key; undefined only if the server left it out. */
  readonly existingId: string | undefined
  readonly message: string
}> {}

/**
 * A write that was definitely NOT applied: a 4xx answer (other than 409), a connection that never reached the server,
 * or a body our own schema refused before sending (`status` undefined).
 */
export class AutogmsWriteNotApplied extends Data.TaggedError("AutogmsWriteNotApplied")<{
  readonly method: string
  readonly path: string
  readonly status: number | undefined
  readonly code: string
  readonly message: string
  readonly details: ReadonlyArray<AutogmsErrorDetail>
}> {}

/** A write whose outcome is unknown (timeout, connection lost after sending, 5xx): settle by lookup before retrying. */
export class AutogmsWriteOutcomeUnknown extends Data.TaggedError("AutogmsWriteOutcomeUnknown")<{
  readonly method: string
  readonly path: string
  readonly status: number | undefined
  readonly message: string
}> {}

export type AutogmsError = AutogmsApiError | AutogmsAccessDenied | TransportError | TimeoutError | DecodeError
export type AutogmsWriteError = AutogmsWriteNotApplied | AutogmsConflict | AutogmsWriteOutcomeUnknown | AutogmsAccessDenied

interface Envelope {
  readonly type: string
  readonly code: string
  readonly message: string
  readonly details: ReadonlyArray<AutogmsErrorDetail>
  readonly existingId: string | undefined
}

/** The error envelope, or a stand-in describing whatever came back instead (a proxy's HTML page, an empty body). */
export const autogmsEnvelope = (body: unknown, status: number): Envelope => {
  const decoded = Schema.decodeUnknownOption(AutogmsErrorEnvelope)(body)
  if (decoded._tag === "Some") {
    const e = decoded.value.error
    return { type: e.type, code: e.code, message: e.message, details: e.details ?? [], existingId: e.existingId }
  }
  const text = typeof body === "string" ? body.slice(0, 200) : `HTTP ${status}`
  return { type: "Unknown", code: `HTTP_${status}`, message: text, details: [], existingId: undefined }
}

export const toAutogmsError = (error: HttpStatusError | TransportError | TimeoutError | DecodeError): AutogmsError => {
  if (!(error instanceof HttpStatusError)) return error
  const e = autogmsEnvelope(error.body, error.status)
  if (error.status === 401 || error.status === 403) return new AutogmsAccessDenied({ status: error.status, code: e.code, message: e.message })
  return new AutogmsApiError({ method: error.method, path: error.path, status: error.status, type: e.type, code: e.code, message: e.message, details: e.details })
}

export const toAutogmsWriteError = (error: HttpStatusError | TransportError | TimeoutError): AutogmsWriteError => {
  if (error instanceof HttpStatusError) {
    const e = autogmsEnvelope(error.body, error.status)
    if (error.status === 401 || error.status === 403) return new AutogmsAccessDenied({ status: error.status, code: e.code, message: e.message })
    if (error.status === 409) return new AutogmsConflict({ method: error.method, path: error.path, code: e.code, existingId: e.existingId, message: e.message })
    if (error.status < 500) return new AutogmsWriteNotApplied({ method: error.method, path: error.path, status: error.status, code: e.code, message: e.message, details: e.details })
    return new AutogmsWriteOutcomeUnknown({ method: error.method, path: error.path, status: error.status, message: e.message })
  }
  if (error instanceof TransportError && !error.sent) {
    return new AutogmsWriteNotApplied({ method: error.method, path: error.path, status: undefined, code: error.code, message: error.message, details: [] })
  }
  if (error instanceof TimeoutError) {
    return new AutogmsWriteOutcomeUnknown({ method: error.method, path: error.path, status: undefined, message: `no answer within ${error.timeoutMs} ms` })
  }
  return new AutogmsWriteOutcomeUnknown({ method: error.method, path: error.path, status: undefined, message: `${error.code}: ${error.message}` })
}
