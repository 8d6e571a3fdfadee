import type { SimResponse } from "../common/server.js"

/** The error bodies of autoGMS, as contract/autogms.md describes them. */
export interface FieldIssue {
  readonly field: string
  readonly message: string
}

export const ok = (data: unknown, status = 200): SimResponse => ({ status, body: { success: true, data } })

export const okList = (
  data: ReadonlyArray<unknown>,
  pagination: { page: number; limit: number; total: number; totalPages: number; hasMore: boolean }
): SimResponse => ({ status: 200, body: { success: true, data, pagination } })

const fail = (status: number, type: string, code: string, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): SimResponse => ({
  status,
  body: { success: false, error: { type, message, code, ...extra } },
  ...(headers === undefined ? {} : { headers })
})

export const invalidApiKey = (message = "Invalid or missing API key") =>
  fail(401, "AuthenticationError", "INVALID_API_KEY", message)

export const insufficientPermissions = () =>
  fail(403, "ForbiddenError", "INSUFFICIENT_PERMISSIONS", "This API key is read-only")

export const garageAccessDenied = (garageId: string) =>
  fail(403, "ForbiddenError", "GARAGE_ACCESS_DENIED", `This API key cannot access garage ${garageId}`)

export const notFound = (what: string) => fail(404, "NotFoundError", "RESOURCE_NOT_FOUND", `${what} not found`)

export const validationError = (details: ReadonlyArray<FieldIssue>, message = "Validation failed") =>
  fail(400, "ValidationError", "VALIDATION_ERROR", message, { details })

export const conflict = (code: "CUSTOMER_EXISTS" | "VEHICLE_EXISTS", message: string, existingId: string) =>
  fail(409, "ConflictError", code, message, { existingId })

export const rateLimited = (retryAfterSeconds: number) =>
  fail(429, "RateLimitError", "RATE_LIMIT_EXCEEDED", "Rate limit exceeded", {}, { "Retry-After": String(retryAfterSeconds) })

/** Not in the contract: an unexpected failure, shaped like every other error. */
export const internalError = () => fail(500, "InternalServerError", "INTERNAL_ERROR", "Internal server error")
