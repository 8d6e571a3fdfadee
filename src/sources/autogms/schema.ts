/**
 * autoGMS Public API v1 — wire schemas for every request and response in contract/autogms.md.
 *
 * autoGMS does not publish its customer and vehicle field names, so most of this module is assumed: every assumed
 * detail lives here and only here, marked `// [assumed]`, so a real response can correct it in one place.
 *
 * Reading rules: unknown fields decode (Struct ignores them); enum values are kept as strings, with the known values as
 * constants and `is…` helpers beside them; a nullable field accepts null or absence. Write bodies are strict about
 * enums (we must never send a value autoGMS would reject).
 */
import { Either, Option, ParseResult, Schema } from "effect"

// ---------------------------------------------------------------------------------------------------------------------
// Small building blocks

/** A field that may be missing or null on the wire; null is kept as null (it can mean "cleared"). */
const nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

/** Timestamps stay strings on the wire (ISO 8601 UTC); parsing them is the mapping layer's job. */
export const AutogmsTimestamp = Schema.String

const isKnown =
  <const K extends ReadonlyArray<string>>(known: K) =>
  (value: string | null | undefined): value is K[number] =>
    value !== null && value !== undefined && (known as ReadonlyArray<string>).includes(value)

// ---------------------------------------------------------------------------------------------------------------------
// Known enum values

export const AutogmsCustomerTypes = ["individual", "business"] as const // [assumed]
export type AutogmsCustomerType = (typeof AutogmsCustomerTypes)[number]
export const isKnownAutogmsCustomerType = isKnown(AutogmsCustomerTypes)

export const AutogmsPreferredContacts = ["email", "phone", "sms", "whatsapp"] as const // [assumed]
export type AutogmsPreferredContact = (typeof AutogmsPreferredContacts)[number]
export const isKnownAutogmsPreferredContact = isKnown(AutogmsPreferredContacts)

export const AutogmsDrivetrains = ["fwd", "rwd", "awd", "4wd"] as const // [assumed]
export type AutogmsDrivetrain = (typeof AutogmsDrivetrains)[number]
export const isKnownAutogmsDrivetrain = isKnown(AutogmsDrivetrains)

export const AutogmsTransmissions = ["automatic", "manual", "cvt"] as const // [assumed]
export type AutogmsTransmission = (typeof AutogmsTransmissions)[number]
export const isKnownAutogmsTransmission = isKnown(AutogmsTransmissions)

export const AutogmsMileageUnits = ["km", "mi"] as const // [assumed]
export type AutogmsMileageUnit = (typeof AutogmsMileageUnits)[number]
export const isKnownAutogmsMileageUnit = isKnown(AutogmsMileageUnits)

export const AutogmsDistanceUnits = ["km", "mi"] as const // [assumed]
export type AutogmsDistanceUnit = (typeof AutogmsDistanceUnits)[number]
export const isKnownAutogmsDistanceUnit = isKnown(AutogmsDistanceUnits)

export const AutogmsApiKeyAccess = ["read", "read_write"] as const // [assumed] (the docs say "Read only" / "Read & Write")
export type AutogmsApiKeyAccess = (typeof AutogmsApiKeyAccess)[number]

/** Sortable fields of customers and vehicles; prefix "-" for descending. */
export const AutogmsSortFields = ["createdAt", "updatedAt", "name"] as const // [assumed]
export type AutogmsSortField = (typeof AutogmsSortFields)[number]
export const isKnownAutogmsSortField = isKnown(AutogmsSortFields)

export const AutogmsWebhookEvents = [
  "customer.created",
  "booking.created",
  "booking.updated",
  "booking.status_changed",
  "booking.completed",
  "technician.assigned",
  "estimate.created",
  "estimate.sent",
  "inventory.low_stock"
] as const
export type AutogmsWebhookEvent = (typeof AutogmsWebhookEvents)[number]
export const isKnownAutogmsWebhookEvent = isKnown(AutogmsWebhookEvents)

// ---------------------------------------------------------------------------------------------------------------------
// Errors

export const AutogmsErrorCodes = {
  INVALID_API_KEY: "INVALID_API_KEY", // [assumed]
  INSUFFICIENT_PERMISSIONS: "INSUFFICIENT_PERMISSIONS", // [assumed]
  GARAGE_ACCESS_DENIED: "GARAGE_ACCESS_DENIED", // [assumed]
  RESOURCE_NOT_FOUND: "RESOURCE_NOT_FOUND",
  VALIDATION_ERROR: "VALIDATION_ERROR",
  CUSTOMER_EXISTS: "CUSTOMER_EXISTS", // [assumed]
  VEHICLE_EXISTS: "VEHICLE_EXISTS", // [assumed]
  RATE_LIMIT_EXCEEDED: "RATE_LIMIT_EXCEEDED" // [assumed]
} as const
export type AutogmsErrorCode = (typeof AutogmsErrorCodes)[keyof typeof AutogmsErrorCodes]
export const isKnownAutogmsErrorCode = isKnown(Object.values(AutogmsErrorCodes))

/** The `error.type` values; only NotFoundError and ValidationError appear in the docs. */
export const AutogmsErrorTypes = {
  AuthenticationError: "AuthenticationError", // [assumed]
  ForbiddenError: "ForbiddenError", // [assumed]
  NotFoundError: "NotFoundError",
  ValidationError: "ValidationError",
  ConflictError: "ConflictError", // [assumed]
  RateLimitError: "RateLimitError" // [assumed]
} as const
export type AutogmsErrorType = (typeof AutogmsErrorTypes)[keyof typeof AutogmsErrorTypes]

export const AutogmsErrorDetail = Schema.Struct({
  field: Schema.String, // [assumed]
  message: Schema.String // [assumed]
})
export type AutogmsErrorDetail = typeof AutogmsErrorDetail.Type

export const AutogmsErrorBody = Schema.Struct({
  type: Schema.String,
  message: Schema.String,
  code: Schema.String,
  details: Schema.optional(Schema.Array(AutogmsErrorDetail)), // [assumed]
  /** On CUSTOMER_EXISTS / VEHICLE_EXISTS: the id of the record that already holds the email, phone or VIN. */
  existingId: Schema.optional(Schema.String) // [assumed]
})
export type AutogmsErrorBody = typeof AutogmsErrorBody.Type

export const AutogmsErrorEnvelope = Schema.Struct({
  success: Schema.Literal(false),
  error: AutogmsErrorBody
})
export type AutogmsErrorEnvelope = typeof AutogmsErrorEnvelope.Type

// ---------------------------------------------------------------------------------------------------------------------
// Envelopes

export const AutogmsSuccess = <A, I, R>(data: Schema.Schema<A, I, R>) =>
  Schema.Struct({ success: Schema.Literal(true), data })

export const AutogmsPagination = Schema.Struct({
  page: Schema.Number,
  limit: Schema.Number,
  total: Schema.Number,
  totalPages: Schema.Number,
  hasMore: Schema.Boolean
})
export type AutogmsPagination = typeof AutogmsPagination.Type

export const AutogmsList = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({ success: Schema.Literal(true), data: Schema.Array(item), pagination: AutogmsPagination })

/** The most a list call may ask for in one page. */
export const AUTOGMS_MAX_LIMIT = 100
export const AUTOGMS_DEFAULT_LIMIT = 20

// ---------------------------------------------------------------------------------------------------------------------
// Garages

export const AutogmsGarage = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  country: nullable(Schema.String), // [assumed]
  timezone: nullable(Schema.String), // [assumed]
  currency: nullable(Schema.String), // [assumed]
  distanceUnit: nullable(Schema.String) // [assumed] known values: AutogmsDistanceUnits
})
export type AutogmsGarage = typeof AutogmsGarage.Type

export const AutogmsGarageListResponse = AutogmsList(AutogmsGarage)
export type AutogmsGarageListResponse = typeof AutogmsGarageListResponse.Type
export const AutogmsGarageResponse = AutogmsSuccess(AutogmsGarage)
export type AutogmsGarageResponse = typeof AutogmsGarageResponse.Type

// ---------------------------------------------------------------------------------------------------------------------
// Customers

export const AutogmsAddress = Schema.Struct({
  line1: nullable(Schema.String), // [assumed]
  line2: nullable(Schema.String), // [assumed]
  city: nullable(Schema.String), // [assumed]
  state: nullable(Schema.String), // [assumed]
  postalCode: nullable(Schema.String), // [assumed]
  country: nullable(Schema.String) // [assumed] ISO 3166-1 alpha-2
})
export type AutogmsAddress = typeof AutogmsAddress.Type

export const AutogmsCustomerStats = Schema.Struct({
  totalBookings: Schema.Number, // [assumed]
  lastVisitAt: nullable(AutogmsTimestamp), // [assumed]
  totalSpend: Schema.Number // [assumed] in the garage's currency, major units
})
export type AutogmsCustomerStats = typeof AutogmsCustomerStats.Type

/** A customer as autoGMS returns it. Tolerant: names may be missing in accumulated data. */
export const AutogmsCustomer = Schema.Struct({
  id: Schema.String,
  type: nullable(Schema.String), // [assumed] known values: AutogmsCustomerTypes
  firstName: nullable(Schema.String), // [assumed]
  lastName: nullable(Schema.String), // [assumed]
  businessName: nullable(Schema.String), // [assumed]
  email: nullable(Schema.String), // [assumed]
  phone: nullable(Schema.String), // [assumed]
  secondaryPhone: nullable(Schema.String), // [assumed]
  address: nullable(AutogmsAddress), // [assumed]
  preferredContact: nullable(Schema.String), // [assumed] known values: AutogmsPreferredContacts
  marketingOptIn: nullable(Schema.Boolean), // [assumed]
  taxExempt: nullable(Schema.Boolean), // [assumed]
  notes: nullable(Schema.String), // [assumed]
  tags: Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] }), // [assumed]
  /** Only on the single-customer read. */
  stats: Schema.optional(AutogmsCustomerStats), // [assumed]
  createdAt: AutogmsTimestamp, // [assumed]
  updatedAt: AutogmsTimestamp // [assumed]
})
export type AutogmsCustomer = typeof AutogmsCustomer.Type
export type AutogmsCustomerEncoded = typeof AutogmsCustomer.Encoded

export const AutogmsCustomerListResponse = AutogmsList(AutogmsCustomer)
export type AutogmsCustomerListResponse = typeof AutogmsCustomerListResponse.Type
export const AutogmsCustomerResponse = AutogmsSuccess(AutogmsCustomer)
export type AutogmsCustomerResponse = typeof AutogmsCustomerResponse.Type

const customerWritableFields = {
  type: Schema.optional(Schema.Literal(...AutogmsCustomerTypes)), // [assumed] default "individual"
  firstName: nullable(Schema.String),
  lastName: nullable(Schema.String),
  businessName: nullable(Schema.String),
  email: nullable(Schema.String),
  phone: nullable(Schema.String),
  secondaryPhone: nullable(Schema.String),
  address: nullable(AutogmsAddress),
  preferredContact: nullable(Schema.Literal(...AutogmsPreferredContacts)),
  marketingOptIn: Schema.optional(Schema.Boolean),
  taxExempt: Schema.optional(Schema.Boolean),
  notes: nullable(Schema.String),
  tags: Schema.optional(Schema.Array(Schema.String))
} // [assumed] the whole writable field list

const nonBlank = (s: string | null | undefined): boolean => typeof s === "string" && s.trim().length > 0

/** The create rule: firstName and lastName, or businessName for a business. */
export const hasRequiredCustomerName = (body: {
  readonly type?: string | null | undefined
  readonly firstName?: string | null | undefined
  readonly lastName?: string | null | undefined
  readonly businessName?: string | null | undefined
}): boolean =>
  body.type === "business" ? nonBlank(body.businessName) : nonBlank(body.firstName) && nonBlank(body.lastName)

export const AutogmsCustomerCreate = Schema.Struct(customerWritableFields).pipe(
  Schema.filter((body) =>
    hasRequiredCustomerName(body) ? undefined : "firstName and lastName are required (businessName for type business)"
  )
)
export type AutogmsCustomerCreate = typeof AutogmsCustomerCreate.Type

export const AutogmsCustomerPatch = Schema.Struct(customerWritableFields)
export type AutogmsCustomerPatch = typeof AutogmsCustomerPatch.Type

export const AutogmsCustomerSearchParams = Schema.Struct({ q: Schema.String })
export type AutogmsCustomerSearchParams = typeof AutogmsCustomerSearchParams.Type

// ---------------------------------------------------------------------------------------------------------------------
// Vehicles

/** A vehicle as autoGMS returns it. Tolerant: accumulated data holds bad VINs, unknown enums, missing make/model. */
export const AutogmsVehicle = Schema.Struct({
  id: Schema.String,
  customerId: Schema.String, // [assumed]
  vin: nullable(Schema.String), // [assumed]
  make: nullable(Schema.String), // [assumed]
  model: nullable(Schema.String), // [assumed]
  year: nullable(Schema.Number), // [assumed]
  trim: nullable(Schema.String), // [assumed]
  engine: nullable(Schema.String), // [assumed]
  color: nullable(Schema.String), // [assumed]
  licensePlate: nullable(Schema.String), // [assumed]
  plateRegion: nullable(Schema.String), // [assumed]
  mileage: nullable(Schema.Number), // [assumed]
  mileageUnit: nullable(Schema.String), // [assumed] known values: AutogmsMileageUnits
  transmission: nullable(Schema.String), // [assumed] known values: AutogmsTransmissions
  drivetrain: nullable(Schema.String), // [assumed] known values: AutogmsDrivetrains
  imageUrl: nullable(Schema.String), // [assumed]
  notes: nullable(Schema.String), // [assumed]
  tags: Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] }), // [assumed]
  createdAt: AutogmsTimestamp, // [assumed]
  updatedAt: AutogmsTimestamp // [assumed]
})
export type AutogmsVehicle = typeof AutogmsVehicle.Type
export type AutogmsVehicleEncoded = typeof AutogmsVehicle.Encoded

export const AutogmsVehicleListResponse = AutogmsList(AutogmsVehicle)
export type AutogmsVehicleListResponse = typeof AutogmsVehicleListResponse.Type
export const AutogmsVehicleResponse = AutogmsSuccess(AutogmsVehicle)
export type AutogmsVehicleResponse = typeof AutogmsVehicleResponse.Type

/** 17 characters; the simulator also requires the A-HJ-NPR-Z0-9 alphabet (but not the check digit). */
export const AutogmsVinOnWrite = Schema.String.pipe(Schema.length(17)) // [assumed]

const vehicleWritableFields = {
  vin: nullable(AutogmsVinOnWrite),
  year: nullable(Schema.Int),
  trim: nullable(Schema.String),
  engine: nullable(Schema.String),
  color: nullable(Schema.String),
  licensePlate: nullable(Schema.String),
  plateRegion: nullable(Schema.String),
  mileage: nullable(Schema.Int),
  mileageUnit: nullable(Schema.Literal(...AutogmsMileageUnits)),
  transmission: nullable(Schema.Literal(...AutogmsTransmissions)),
  drivetrain: nullable(Schema.Literal(...AutogmsDrivetrains)),
  imageUrl: nullable(Schema.String),
  notes: nullable(Schema.String),
  tags: Schema.optional(Schema.Array(Schema.String))
} // [assumed] the whole writable field list

/** Body of `POST /garages/{gid}/vehicles`. */
export const AutogmsVehicleCreate = Schema.Struct({
  customerId: Schema.String,
  make: Schema.String.pipe(Schema.nonEmptyString()),
  model: Schema.String.pipe(Schema.nonEmptyString()),
  ...vehicleWritableFields
})
export type AutogmsVehicleCreate = typeof AutogmsVehicleCreate.Type

/** Body of `POST /garages/{gid}/customers/{cid}/vehicles`: the customer is in the path. */
export const AutogmsCustomerVehicleCreate = Schema.Struct({
  customerId: Schema.optional(Schema.String), // [assumed] ignored in favour of the path's customer
  make: Schema.String.pipe(Schema.nonEmptyString()),
  model: Schema.String.pipe(Schema.nonEmptyString()),
  ...vehicleWritableFields
})
export type AutogmsCustomerVehicleCreate = typeof AutogmsCustomerVehicleCreate.Type

/** Body of `PATCH /garages/{gid}/vehicles/{vid}`; a new customerId moves the vehicle. */
export const AutogmsVehiclePatch = Schema.Struct({
  customerId: Schema.optional(Schema.String),
  make: Schema.optional(Schema.String.pipe(Schema.nonEmptyString())),
  model: Schema.optional(Schema.String.pipe(Schema.nonEmptyString())),
  ...vehicleWritableFields
})
export type AutogmsVehiclePatch = typeof AutogmsVehiclePatch.Type

export const AutogmsDeleted = Schema.Struct({
  id: Schema.String,
  deleted: Schema.Boolean // [assumed] always true on success
})
export type AutogmsDeleted = typeof AutogmsDeleted.Type
export const AutogmsDeleteResponse = AutogmsSuccess(AutogmsDeleted)
export type AutogmsDeleteResponse = typeof AutogmsDeleteResponse.Type

export const AutogmsVinLookup = Schema.Struct({
  vin: Schema.String, // [assumed]
  valid: Schema.Boolean, // [assumed] syntax: 17 characters of A-HJ-NPR-Z0-9
  checkDigitValid: Schema.Boolean, // [assumed] North-American check digit (position 9)
  make: nullable(Schema.String), // [assumed]
  model: nullable(Schema.String), // [assumed]
  year: nullable(Schema.Number), // [assumed]
  manufacturer: nullable(Schema.String) // [assumed]
})
export type AutogmsVinLookup = typeof AutogmsVinLookup.Type
export const AutogmsVinLookupResponse = AutogmsSuccess(AutogmsVinLookup)
export type AutogmsVinLookupResponse = typeof AutogmsVinLookupResponse.Type

// ---------------------------------------------------------------------------------------------------------------------
// Webhooks (schemas only: shopbridge polls, as no vehicle or customer-update events exist)

export const AutogmsWebhook = Schema.Struct({
  id: Schema.String,
  url: Schema.String,
  events: Schema.Array(Schema.String),
  active: nullable(Schema.Boolean), // [assumed]
  createdAt: nullable(AutogmsTimestamp) // [assumed]
})
export type AutogmsWebhook = typeof AutogmsWebhook.Type

export const AutogmsWebhookCreate = Schema.Struct({
  url: Schema.String, // [assumed]
  events: Schema.Array(Schema.Literal(...AutogmsWebhookEvents)), // [assumed]
  secret: Schema.optional(Schema.String) // [assumed]
})
export type AutogmsWebhookCreate = typeof AutogmsWebhookCreate.Type

export const AutogmsWebhookPatch = Schema.partial(AutogmsWebhookCreate) // [assumed]
export type AutogmsWebhookPatch = typeof AutogmsWebhookPatch.Type

export const AutogmsWebhookDelivery = Schema.Struct({
  id: Schema.String, // [assumed]
  event: Schema.String, // [assumed]
  garageId: Schema.String, // [assumed]
  createdAt: AutogmsTimestamp, // [assumed]
  data: Schema.Unknown // [assumed]
})
export type AutogmsWebhookDelivery = typeof AutogmsWebhookDelivery.Type

export const AutogmsWebhookHeaders = {
  event: "x-autogms-event", // [assumed]
  delivery: "x-autogms-delivery", // [assumed]
  signature: "x-autogms-signature" // [assumed] "sha256=<hex HMAC-SHA256 of the raw body>"
} as const

// ---------------------------------------------------------------------------------------------------------------------
// List query parameters

const IntFromString = Schema.NumberFromString.pipe(Schema.int())

const SortParam = Schema.String.pipe(
  Schema.filter((s) => isKnownAutogmsSortField(s.startsWith("-") ? s.slice(1) : s) || `unknown sort field ${s}`)
)

/**
 * Query parameters of the customer and vehicle list calls. Decodes from the URL's strings; encode to build a URL.
 * `dateFrom` / `dateTo` filter on updatedAt [assumed], ISO date or date-time.
 */
export const AutogmsListQuery = Schema.Struct({
  page: Schema.optional(IntFromString.pipe(Schema.greaterThanOrEqualTo(1))),
  limit: Schema.optional(IntFromString.pipe(Schema.between(1, AUTOGMS_MAX_LIMIT))),
  sort: Schema.optional(SortParam),
  dateFrom: Schema.optional(Schema.String),
  dateTo: Schema.optional(Schema.String),
  customerId: Schema.optional(Schema.String), // [assumed] vehicles only
  vin: Schema.optional(Schema.String), // [assumed] vehicles only
  licensePlate: Schema.optional(Schema.String) // [assumed] vehicles only
})
export type AutogmsListQuery = typeof AutogmsListQuery.Type

/** The query string for a list call, leaving out absent parameters. */
export const autogmsListQueryToSearchParams = (query: AutogmsListQuery): URLSearchParams => {
  const encoded = Schema.encodeSync(AutogmsListQuery)(query)
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(encoded)) if (value !== undefined) params.set(name, value)
  return params
}

// ---------------------------------------------------------------------------------------------------------------------
// Rate-limit headers

export const AutogmsRateLimitHeaderNames = {
  limit: "ratelimit-limit",
  remaining: "ratelimit-remaining",
  reset: "ratelimit-reset", // Unix seconds when the window resets [doc]
  retryAfter: "retry-after"
} as const

export interface AutogmsRateLimit {
  readonly limit: number
  readonly remaining: number
  readonly resetAtUnixSeconds: number
}

export type HeaderRecord = Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

const headerValue = (headers: HeaderRecord, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue
    return typeof value === "string" ? value : value?.[0]
  }
  return undefined
}

const RateLimitHeaders = Schema.Struct({
  [AutogmsRateLimitHeaderNames.limit]: Schema.NumberFromString.pipe(Schema.nonNegative()),
  [AutogmsRateLimitHeaderNames.remaining]: Schema.NumberFromString.pipe(Schema.nonNegative()),
  [AutogmsRateLimitHeaderNames.reset]: Schema.NumberFromString.pipe(Schema.nonNegative())
})

/** `{ limit, remaining, resetAtUnixSeconds }` from a response's headers (any case); None when one is missing or bad. */
export const decodeAutogmsRateLimit = (headers: HeaderRecord): Option.Option<AutogmsRateLimit> => {
  const picked = {
    [AutogmsRateLimitHeaderNames.limit]: headerValue(headers, AutogmsRateLimitHeaderNames.limit),
    [AutogmsRateLimitHeaderNames.remaining]: headerValue(headers, AutogmsRateLimitHeaderNames.remaining),
    [AutogmsRateLimitHeaderNames.reset]: headerValue(headers, AutogmsRateLimitHeaderNames.reset)
  }
  return Either.getRight(Schema.decodeUnknownEither(RateLimitHeaders)(picked)).pipe(
    Option.map((h) => ({
      limit: h[AutogmsRateLimitHeaderNames.limit],
      remaining: h[AutogmsRateLimitHeaderNames.remaining],
      resetAtUnixSeconds: h[AutogmsRateLimitHeaderNames.reset]
    }))
  )
}

/**
 * `Retry-After` in seconds. autoGMS sends delta-seconds [doc]; an HTTP-date is also accepted (RFC 9110) and turned into
 * seconds from `nowMs`, never below 0. None when absent or unreadable.
 */
export const decodeAutogmsRetryAfterSeconds = (headers: HeaderRecord, nowMs: number): Option.Option<number> => {
  const raw = headerValue(headers, AutogmsRateLimitHeaderNames.retryAfter)?.trim()
  if (raw === undefined || raw.length === 0) return Option.none()
  if (/^\d+(\.\d+)?$/.test(raw)) return Option.some(Number(raw))
  const at = Date.parse(raw)
  return Number.isNaN(at) ? Option.none() : Option.some(Math.max(0, Math.ceil((at - nowMs) / 1000)))
}

// ---------------------------------------------------------------------------------------------------------------------
// Decoding helpers

/** Every schema here decodes with all errors reported, so a bad response names every bad field at once. */
export const decodeAutogms = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "all" })
  return (input: unknown): Either.Either<A, ParseResult.ParseError> => decode(input)
}
