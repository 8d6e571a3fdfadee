/**
 * AutoLeap Partner API v2 wire schemas: every request and response shopbridge sends or reads.
 *
 * Decoding is tolerant on purpose: unknown fields are ignored (Schema.Struct's default), enum-like fields are plain
 * strings (AutoLeap may add values without a version bump), and optional fields accept both `null` and absence.
 * Write items are stricter about what the API requires, so a bad payload fails before it is sent.
 *
 * Everything the contract marks [assumed] lives here, each marked `// [assumed]`, so it can be corrected in one place
 * when a real response is seen.
 */
import { Schema } from "effect"

// ---------------------------------------------------------------------------------------------------------------
// Helpers and limits

/** A field real APIs may send as `null` or leave out. */
const Nullish = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

/** Largest page the list endpoints return; a larger `size` is silently treated as this. */
export const AUTOLEAP_MAX_PAGE_SIZE = 100
/** Page size when the request names none. */
export const AUTOLEAP_DEFAULT_PAGE_SIZE = 20 // [assumed]
/** Most items one bulk POST / PUT / PATCH may carry. */
export const AUTOLEAP_MAX_BULK_ITEMS = 100 // [assumed]

// ---------------------------------------------------------------------------------------------------------------
// Known enum values. The wire schemas keep these as strings; use the helpers to tell known from unknown.

export const AutoleapCustomerTypes = ["regular", "fleet"] as const
export type AutoleapCustomerType = (typeof AutoleapCustomerTypes)[number]
export const AutoleapCommunicationPreferences = ["mobile", "email"] as const
export type AutoleapCommunicationPreference = (typeof AutoleapCommunicationPreferences)[number]
export const AutoleapPhoneTypes = ["mobile", "landline"] as const
export type AutoleapPhoneType = (typeof AutoleapPhoneTypes)[number]
export const AutoleapRecordStatuses = ["Active", "Inactive"] as const // [assumed]
export type AutoleapRecordStatus = (typeof AutoleapRecordStatuses)[number]
export const AutoleapDriveTypes = ["FWD", "RWD", "AWD", "4WD"] as const // [assumed]
export type AutoleapDriveType = (typeof AutoleapDriveTypes)[number]
export const AutoleapTransmissions = ["Automatic", "Manual", "CVT"] as const // [assumed]
export type AutoleapTransmission = (typeof AutoleapTransmissions)[number]
export const AutoleapMileageUnits = ["Miles", "KM"] as const
export type AutoleapMileageUnit = (typeof AutoleapMileageUnits)[number]
export const AutoleapSortFields = ["createdDate", "updatedDate"] as const // [assumed]
export type AutoleapSortField = (typeof AutoleapSortFields)[number]
export const AutoleapSortDirections = ["ASC", "DESC"] as const
export type AutoleapSortDirection = (typeof AutoleapSortDirections)[number]

/**
 * The canonical spelling of `value` among `known`, compared case-insensitively (AutoLeap's own docs send "Regular"
 * for `regular`); `undefined` when the value is unknown or absent.
 */
export const matchAutoleapEnum = <const K extends string>(
  known: ReadonlyArray<K>,
  value: string | null | undefined
): K | undefined => {
  if (value === null || value === undefined) return undefined
  const wanted = value.trim().toLowerCase()
  return known.find((k) => k.toLowerCase() === wanted)
}

/** Whether `value` is one of `known`, case-insensitively. */
export const isKnownAutoleapEnum = (known: ReadonlyArray<string>, value: string | null | undefined): boolean =>
  matchAutoleapEnum(known, value) !== undefined

/** Tag colours are six hex digits without "#", e.g. "FFFF00". */
export const AUTOLEAP_TAG_COLOR_PATTERN = /^[0-9A-Fa-f]{6}$/
export const isValidAutoleapTagColor = (color: string): boolean => AUTOLEAP_TAG_COLOR_PATTERN.test(color)

// ---------------------------------------------------------------------------------------------------------------
// Envelopes

/** Every error: `{ success: false, error: "<human message>" }`; no machine code, no per-item list. */
export const AutoleapErrorEnvelope = Schema.Struct({
  success: Schema.Literal(false),
  error: Schema.String
})
export type AutoleapErrorEnvelope = typeof AutoleapErrorEnvelope.Type

/** A bulk write's success. It carries no ids of created records. */
export const AutoleapBulkSuccess = Schema.Struct({
  success: Schema.Literal(true),
  message: Nullish(Schema.String),
  data: Schema.optional(Schema.Unknown)
})
export type AutoleapBulkSuccess = typeof AutoleapBulkSuccess.Type

// ---------------------------------------------------------------------------------------------------------------
// Authentication

export const AutoleapLoginBody = Schema.Struct({
  partnerId: Schema.String,
  authKey: Schema.String
})
export type AutoleapLoginBody = typeof AutoleapLoginBody.Type

export const AutoleapTokenPair = Schema.Struct({
  accessToken: Schema.String,
  refreshToken: Schema.String
})
export type AutoleapTokenPair = typeof AutoleapTokenPair.Type

/** The answer to both login and generateNewAccessToken. */
export const AutoleapTokenResponse = Schema.Struct({
  success: Schema.Literal(true),
  data: AutoleapTokenPair
})
export type AutoleapTokenResponse = typeof AutoleapTokenResponse.Type
export const AutoleapLoginResponse = AutoleapTokenResponse
export type AutoleapLoginResponse = AutoleapTokenResponse

export const AutoleapRefreshBody = Schema.Struct({ refreshToken: Schema.String })
export type AutoleapRefreshBody = typeof AutoleapRefreshBody.Type
/** generateNewAccessToken returns a new access token AND a new refresh token; the used one is dead afterwards. */
export const AutoleapRefreshResponse = AutoleapTokenResponse // [assumed] the used refresh token is invalid afterwards
export type AutoleapRefreshResponse = AutoleapTokenResponse

export const AutoleapLogoutBody = Schema.Struct({ refreshToken: Schema.String }) // [assumed] body shape
export type AutoleapLogoutBody = typeof AutoleapLogoutBody.Type
export const AutoleapLogoutResponse = Schema.Struct({ success: Schema.Literal(true) })
export type AutoleapLogoutResponse = typeof AutoleapLogoutResponse.Type

// ---------------------------------------------------------------------------------------------------------------
// Partner profile — the whole shape is [assumed]

export const AutoleapLocation = Schema.Struct({
  locationId: Schema.String, // [assumed]
  name: Nullish(Schema.String) // [assumed]
})
export type AutoleapLocation = typeof AutoleapLocation.Type

export const AutoleapCompany = Schema.Struct({
  companyId: Schema.String,
  name: Nullish(Schema.String), // [assumed]
  locations: Schema.optionalWith(Schema.Array(AutoleapLocation), { nullable: true, default: () => [] }) // [assumed]
})
export type AutoleapCompany = typeof AutoleapCompany.Type

export const AutoleapProfile = Schema.Struct({
  partnerId: Schema.String, // [assumed]
  name: Nullish(Schema.String), // [assumed]
  companies: Schema.Array(AutoleapCompany) // [assumed]
})
export type AutoleapProfile = typeof AutoleapProfile.Type

export const AutoleapProfileResponse = Schema.Struct({
  success: Schema.Literal(true),
  data: AutoleapProfile // [assumed]
})
export type AutoleapProfileResponse = typeof AutoleapProfileResponse.Type

// ---------------------------------------------------------------------------------------------------------------
// Shared parts of customers and vehicles, as read (tolerant) and as written (what the API requires)

export const AutoleapPhone = Schema.Struct({
  number: Nullish(Schema.String),
  label: Nullish(Schema.String),
  type: Nullish(Schema.String),
  primary: Nullish(Schema.Boolean),
  active: Nullish(Schema.Boolean)
})
export type AutoleapPhone = typeof AutoleapPhone.Type

export const AutoleapPhoneWrite = Schema.Struct({
  number: Schema.String,
  label: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  primary: Schema.optional(Schema.Boolean),
  active: Schema.optional(Schema.Boolean)
})
export type AutoleapPhoneWrite = typeof AutoleapPhoneWrite.Type

export const AutoleapEmail = Schema.Struct({
  emailAddress: Nullish(Schema.String),
  label: Nullish(Schema.String),
  primary: Nullish(Schema.Boolean),
  active: Nullish(Schema.Boolean)
})
export type AutoleapEmail = typeof AutoleapEmail.Type

export const AutoleapEmailWrite = Schema.Struct({
  emailAddress: Schema.String,
  label: Schema.optional(Schema.String),
  primary: Schema.optional(Schema.Boolean),
  active: Schema.optional(Schema.Boolean)
})
export type AutoleapEmailWrite = typeof AutoleapEmailWrite.Type

export const AutoleapAddress = Schema.Struct({
  address: Nullish(Schema.String),
  city: Nullish(Schema.String),
  state: Nullish(Schema.String),
  zip: Nullish(Schema.String),
  country: Nullish(Schema.String)
})
export type AutoleapAddress = typeof AutoleapAddress.Type

export const AutoleapAddressWrite = Schema.Struct({
  address: Schema.optional(Schema.String),
  city: Schema.optional(Schema.String),
  state: Schema.optional(Schema.String),
  zip: Schema.optional(Schema.String),
  country: Schema.optional(Schema.String)
})
export type AutoleapAddressWrite = typeof AutoleapAddressWrite.Type

export const AutoleapTag = Schema.Struct({
  name: Schema.String,
  color: Nullish(Schema.String)
})
export type AutoleapTag = typeof AutoleapTag.Type

export const AutoleapTagWrite = Schema.Struct({
  name: Schema.String,
  /** Six hex digits without "#"; may be left out. */
  color: Schema.optional(Schema.String) // [assumed] optional on write
})
export type AutoleapTagWrite = typeof AutoleapTagWrite.Type

// ---------------------------------------------------------------------------------------------------------------
// Customers

const customerReadFields = {
  customerType: Nullish(Schema.String),
  firstName: Nullish(Schema.String),
  lastName: Nullish(Schema.String),
  displayName: Nullish(Schema.String),
  companyName: Nullish(Schema.String),
  phones: Nullish(Schema.Array(AutoleapPhone)),
  emails: Nullish(Schema.Array(AutoleapEmail)),
  communicationPreference: Nullish(Schema.String),
  notes: Nullish(Schema.String),
  mainAddress: Nullish(AutoleapAddress),
  taxExempt: Nullish(Schema.Boolean),
  tags: Nullish(Schema.Array(AutoleapTag)),
  chargeAccount: Nullish(Schema.Boolean),
  preferredLocationID: Nullish(Schema.String),
  languagePreference: Nullish(Schema.String),
  okForMarketing: Nullish(Schema.Boolean)
}

/** A customer as AutoLeap returns it. Names may be missing in accumulated data, so nothing but the id is required. */
export const AutoleapCustomer = Schema.Struct({
  customerId: Schema.String, // [assumed] read-side field name
  customerStatus: Nullish(Schema.String), // [assumed] Active | Inactive
  createdDate: Schema.String, // [assumed] ISO 8601 UTC
  updatedDate: Schema.String, // [assumed] ISO 8601 UTC
  ...customerReadFields
})
export type AutoleapCustomer = typeof AutoleapCustomer.Type

const customerWriteFields = {
  customerType: Schema.optional(Schema.String),
  displayName: Schema.optional(Schema.String),
  companyName: Schema.optional(Schema.String),
  phones: Schema.optional(Schema.Array(AutoleapPhoneWrite)),
  emails: Schema.optional(Schema.Array(AutoleapEmailWrite)),
  communicationPreference: Schema.optional(Schema.String),
  notes: Schema.optional(Schema.String),
  mainAddress: Schema.optional(AutoleapAddressWrite),
  taxExempt: Schema.optional(Schema.Boolean),
  tags: Schema.optional(Schema.Array(AutoleapTagWrite)),
  chargeAccount: Schema.optional(Schema.Boolean),
  preferredLocationID: Schema.optional(Schema.String),
  languagePreference: Schema.optional(Schema.String),
  okForMarketing: Schema.optional(Schema.Boolean)
}

export const AutoleapCustomerCreateItem = Schema.Struct({
  firstName: Schema.String,
  lastName: Schema.String,
  ...customerWriteFields
})
export type AutoleapCustomerCreateItem = typeof AutoleapCustomerCreateItem.Type

/** Merge semantics: fields sent replace, omitted stay, an array sent replaces the whole array. */
export const AutoleapCustomerUpdateItem = Schema.Struct({
  customerId: Schema.String, // [assumed] body shape
  firstName: Schema.optional(Schema.String),
  lastName: Schema.optional(Schema.String),
  ...customerWriteFields
})
export type AutoleapCustomerUpdateItem = typeof AutoleapCustomerUpdateItem.Type

export const AutoleapCustomerArchiveItem = Schema.Struct({
  customerId: Schema.String // [assumed] body shape
})
export type AutoleapCustomerArchiveItem = typeof AutoleapCustomerArchiveItem.Type

// ---------------------------------------------------------------------------------------------------------------
// Vehicles

const vehicleReadFields = {
  year: Nullish(Schema.Number),
  make: Nullish(Schema.String),
  model: Nullish(Schema.String),
  vehicleName: Nullish(Schema.String),
  engine: Nullish(Schema.String),
  color: Nullish(Schema.String),
  licensePlate: Nullish(Schema.String),
  state: Nullish(Schema.String),
  vin: Nullish(Schema.String),
  imgUrl: Nullish(Schema.String),
  notes: Nullish(Schema.String),
  tags: Nullish(Schema.Array(AutoleapTag)),
  driveType: Nullish(Schema.String),
  transmission: Nullish(Schema.String),
  mileage: Nullish(Schema.Number),
  mileageUnit: Nullish(Schema.String)
}

export const AutoleapVehicle = Schema.Struct({
  vehicleId: Schema.String, // [assumed] read-side field name
  customerId: Nullish(Schema.String),
  vehicleStatus: Nullish(Schema.String), // [assumed] Active | Inactive
  createdDate: Schema.String, // [assumed] ISO 8601 UTC
  updatedDate: Schema.String, // [assumed] ISO 8601 UTC
  ...vehicleReadFields
})
export type AutoleapVehicle = typeof AutoleapVehicle.Type

const vehicleWriteFields = {
  year: Schema.optional(Schema.Int),
  make: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String),
  vehicleName: Schema.optional(Schema.String),
  engine: Schema.optional(Schema.String),
  color: Schema.optional(Schema.String),
  licensePlate: Schema.optional(Schema.String),
  state: Schema.optional(Schema.String),
  vin: Schema.optional(Schema.String),
  imgUrl: Schema.optional(Schema.String),
  notes: Schema.optional(Schema.String),
  tags: Schema.optional(Schema.Array(AutoleapTagWrite)),
  driveType: Schema.optional(Schema.String),
  transmission: Schema.optional(Schema.String),
  mileage: Schema.optional(Schema.Number),
  mileageUnit: Schema.optional(Schema.String)
}

export const AutoleapVehicleCreateItem = Schema.Struct({
  customerId: Schema.String, // [assumed] the only required field on create
  ...vehicleWriteFields
})
export type AutoleapVehicleCreateItem = typeof AutoleapVehicleCreateItem.Type

/** A new `customerId` moves the vehicle to another customer. */
export const AutoleapVehicleUpdateItem = Schema.Struct({
  vehicleId: Schema.String,
  customerId: Schema.optional(Schema.String), // [assumed] moves the vehicle
  ...vehicleWriteFields
})
export type AutoleapVehicleUpdateItem = typeof AutoleapVehicleUpdateItem.Type

export const AutoleapVehicleArchiveItem = Schema.Struct({
  vehicleId: Schema.String,
  customerId: Schema.String
})
export type AutoleapVehicleArchiveItem = typeof AutoleapVehicleArchiveItem.Type

// ---------------------------------------------------------------------------------------------------------------
// Bulk write bodies: non-empty, at most AUTOLEAP_MAX_BULK_ITEMS items, all-or-nothing on the server


export const AutoleapCustomerCreateBody = Schema.Struct({
  companyId: Schema.String,
  customers: Schema.Array(AutoleapCustomerCreateItem).pipe(Schema.minItems(1), Schema.maxItems(AUTOLEAP_MAX_BULK_ITEMS))
})
export type AutoleapCustomerCreateBody = typeof AutoleapCustomerCreateBody.Type
export const AutoleapCustomerUpdateBody = Schema.Struct({
  companyId: Schema.String,
  customers: Schema.Array(AutoleapCustomerUpdateItem).pipe(Schema.minItems(1), Schema.maxItems(AUTOLEAP_MAX_BULK_ITEMS))
})
export type AutoleapCustomerUpdateBody = typeof AutoleapCustomerUpdateBody.Type
export const AutoleapCustomerArchiveBody = Schema.Struct({
  companyId: Schema.String,
  customers: Schema.Array(AutoleapCustomerArchiveItem).pipe(Schema.minItems(1), Schema.maxItems(AUTOLEAP_MAX_BULK_ITEMS))
})
export type AutoleapCustomerArchiveBody = typeof AutoleapCustomerArchiveBody.Type

export const AutoleapVehicleCreateBody = Schema.Struct({
  companyId: Schema.String,
  vehicles: Schema.Array(AutoleapVehicleCreateItem).pipe(Schema.minItems(1), Schema.maxItems(AUTOLEAP_MAX_BULK_ITEMS))
})
export type AutoleapVehicleCreateBody = typeof AutoleapVehicleCreateBody.Type
export const AutoleapVehicleUpdateBody = Schema.Struct({
  companyId: Schema.String,
  vehicles: Schema.Array(AutoleapVehicleUpdateItem).pipe(Schema.minItems(1), Schema.maxItems(AUTOLEAP_MAX_BULK_ITEMS))
})
export type AutoleapVehicleUpdateBody = typeof AutoleapVehicleUpdateBody.Type
export const AutoleapVehicleArchiveBody = Schema.Struct({
  companyId: Schema.String,
  vehicles: Schema.Array(AutoleapVehicleArchiveItem).pipe(Schema.minItems(1), Schema.maxItems(AUTOLEAP_MAX_BULK_ITEMS))
})
export type AutoleapVehicleArchiveBody = typeof AutoleapVehicleArchiveBody.Type

// ---------------------------------------------------------------------------------------------------------------
// Lists: two shapes exist, clients accept both

/** `results.pagination` of the wrapped shape; every field name is [assumed]. */
export const AutoleapPagination = Schema.Struct({
  page: Schema.Number, // [assumed] 1-based
  size: Nullish(Schema.Number), // [assumed]
  totalCount: Schema.Number, // [assumed]
  totalPages: Schema.Number, // [assumed]
  last: Schema.Boolean // [assumed]
})
export type AutoleapPagination = typeof AutoleapPagination.Type

/** Shape 1 (documented for vehicles): `{ message, results: { content, pagination } }`. */
export const AutoleapWrappedList = <S extends Schema.Schema.Any>(item: S) =>
  Schema.Struct({
    message: Nullish(Schema.String),
    results: Schema.Struct({
      content: Schema.Array(item),
      pagination: AutoleapPagination
    })
  })

/** Shape 2 (documented for items): a top-level page object. */
export const AutoleapPageList = <S extends Schema.Schema.Any>(item: S) =>
  Schema.Struct({
    content: Schema.Array(item),
    pageable: Schema.optional(Schema.Unknown),
    totalPages: Schema.Number,
    totalCount: Schema.Number,
    last: Schema.Boolean,
    size: Nullish(Schema.Number),
    number: Schema.Number, // [assumed] 1-based like the `page` query parameter
    first: Nullish(Schema.Boolean),
    numberOfElements: Nullish(Schema.Number),
    empty: Nullish(Schema.Boolean)
  })

/** Either list shape. */
export const AutoleapList = <S extends Schema.Schema.Any>(item: S) =>
  Schema.Union(AutoleapWrappedList(item), AutoleapPageList(item))

export const AutoleapCustomerList = AutoleapList(AutoleapCustomer)
export type AutoleapCustomerList = typeof AutoleapCustomerList.Type
export const AutoleapVehicleList = AutoleapList(AutoleapVehicle)
export type AutoleapVehicleList = typeof AutoleapVehicleList.Type

export interface AutoleapWrappedListOf<A> {
  readonly message?: string | null | undefined
  readonly results: { readonly content: ReadonlyArray<A>; readonly pagination: AutoleapPagination }
}
export interface AutoleapPageListOf<A> {
  readonly content: ReadonlyArray<A>
  readonly totalPages: number
  readonly totalCount: number
  readonly last: boolean
  readonly number: number
}

/** One page of a list, whatever shape it came in. `page` is 1-based. */
export interface AutoleapListPage<A> {
  readonly items: ReadonlyArray<A>
  readonly page: number
  readonly totalPages: number
  readonly totalCount: number
  readonly last: boolean
}

export const normalizeAutoleapList = <A>(list: AutoleapWrappedListOf<A> | AutoleapPageListOf<A>): AutoleapListPage<A> => {
  if ("results" in list) {
    const { content, pagination } = list.results
    return {
      items: content,
      page: pagination.page,
      totalPages: pagination.totalPages,
      totalCount: pagination.totalCount,
      last: pagination.last
    }
  }
  return { items: list.content, page: list.number, totalPages: list.totalPages, totalCount: list.totalCount, last: list.last }
}

// ---------------------------------------------------------------------------------------------------------------
// List query parameters (query strings on the wire, numbers once decoded)

const PositiveIntFromString = Schema.NumberFromString.pipe(Schema.int(), Schema.greaterThanOrEqualTo(1))

export const AutoleapListQuery = Schema.Struct({
  companyId: Schema.String,
  page: Schema.optional(PositiveIntFromString), // 1-based
  size: Schema.optional(PositiveIntFromString), // the server caps it at AUTOLEAP_MAX_PAGE_SIZE
  sort: Schema.optional(Schema.Literal(...AutoleapSortFields)), // [assumed] values
  sortDirection: Schema.optional(Schema.Literal(...AutoleapSortDirections)),
  updatedDateStart: Schema.optional(Schema.String), // ISO 8601, inclusive
  updatedDateEnd: Schema.optional(Schema.String), // ISO 8601, inclusive
  search: Schema.optional(Schema.String)
})
export type AutoleapListQuery = typeof AutoleapListQuery.Type

export const AutoleapVehicleListQuery = Schema.Struct({
  ...AutoleapListQuery.fields,
  customerId: Schema.optional(Schema.String)
})
export type AutoleapVehicleListQuery = typeof AutoleapVehicleListQuery.Type
