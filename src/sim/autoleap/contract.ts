/**
 * The simulator's own picture of AutoLeap Partner API v2: the fields a write may carry, the enums it checks, the list
 * parameters and limits. Written from contract/autoleap.md and the published docs (contract/docs/), never taken from
 * the client's wire schemas: a field the client misnames must be dropped here as the real API would drop it, so a test
 * can see the client is wrong.
 */

/** Largest page a list answers; a larger `size` is silently treated as this [doc, payments]. */
export const MAX_PAGE_SIZE = 100
/** Page size when the request names none [assumed]. */
export const DEFAULT_PAGE_SIZE = 20
/** Most items one bulk POST / PUT / PATCH may carry [assumed]. */
export const MAX_BULK_ITEMS = 100

export const CUSTOMER_TYPES = ["regular", "fleet"] as const
export const COMMUNICATION_PREFERENCES = ["mobile", "email"] as const
export const PHONE_TYPES = ["mobile", "landline"] as const
export const MILEAGE_UNITS = ["Miles", "KM"] as const
/** [assumed] values of the `sort` list parameter. */
export const SORT_FIELDS = ["createdDate", "updatedDate"] as const
export type SortField = (typeof SORT_FIELDS)[number]
export const SORT_DIRECTIONS = ["ASC", "DESC"] as const
export type SortDirection = (typeof SORT_DIRECTIONS)[number]

/**
 * The canonical spelling of `value` among `known`, compared case-insensitively: the docs' own example sends
 * `"Regular"` for `regular`. `undefined` when the value is not one of them.
 */
export const matchEnum = <const K extends string>(known: ReadonlyArray<K>, value: string): K | undefined => {
  const wanted = value.trim().toLowerCase()
  return known.find((k) => k.toLowerCase() === wanted)
}

/** Tag colours are six hex digits without "#", e.g. "FFFF00" [doc example]. */
export const isTagColor = (color: string): boolean => /^[0-9A-Fa-f]{6}$/.test(color)

/** A rule a text value must follow beyond being a string, and how the 400 says it is broken. */
export interface TextFormat {
  readonly test: (value: string) => boolean
  readonly problem: string
}

/**
 * What a field of a write item may hold. `enum` values are checked case-insensitively; `list` and `object` hold
 * nested items with their own fields. `text`, `flag` and `number` are JSON string, boolean and number. A `required`
 * text must be present and not blank in every item that holds the field's parent.
 */
export type FieldKind =
  | { readonly kind: "text"; readonly required?: boolean; readonly format?: TextFormat }
  | { readonly kind: "flag" }
  | { readonly kind: "number"; readonly integer: boolean }
  | { readonly kind: "enum"; readonly values: ReadonlyArray<string> }
  | { readonly kind: "list"; readonly of: FieldTable }
  | { readonly kind: "object"; readonly of: FieldTable }

/** The fields one kind of write item may carry; anything else is dropped, as the API ignores unknown fields. */
export type FieldTable = Readonly<Record<string, FieldKind>>

const text: FieldKind = { kind: "text" }
const flag: FieldKind = { kind: "flag" }
const number: FieldKind = { kind: "number", integer: false }
const integer: FieldKind = { kind: "number", integer: true }
const oneOf = (values: ReadonlyArray<string>): FieldKind => ({ kind: "enum", values })

const EMAIL_ADDRESS: TextFormat = { test: (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim()), problem: "is not a valid email address" }
const TAG_COLOR: TextFormat = { test: isTagColor, problem: "must be 6 hex digits without #" }

/** `phones[]` of a customer [doc]; a phone without a number is refused [assumed]. */
export const PHONE_FIELDS: FieldTable = {
  number: { kind: "text", required: true },
  label: text,
  type: oneOf(PHONE_TYPES),
  primary: flag,
  active: flag
}
/** `emails[]` of a customer [doc]; an email without a valid address is refused [assumed]. */
export const EMAIL_FIELDS: FieldTable = {
  emailAddress: { kind: "text", required: true, format: EMAIL_ADDRESS },
  label: text,
  primary: flag,
  active: flag
}
/** `mainAddress` of a customer [doc]. */
export const ADDRESS_FIELDS: FieldTable = { address: text, city: text, state: text, zip: text, country: text }
/** `tags[]` of customers and vehicles [doc]; the colour may be left out [assumed]. */
export const TAG_FIELDS: FieldTable = { name: { kind: "text", required: true }, color: { kind: "text", format: TAG_COLOR } }

/** CustomerCreateItem [doc]; an update carries the same fields plus `customerId`. Note `preferredLocationID`, capital ID. */
export const CUSTOMER_FIELDS: FieldTable = {
  customerType: oneOf(CUSTOMER_TYPES),
  firstName: text,
  lastName: text,
  displayName: text,
  companyName: text,
  phones: { kind: "list", of: PHONE_FIELDS },
  emails: { kind: "list", of: EMAIL_FIELDS },
  communicationPreference: oneOf(COMMUNICATION_PREFERENCES),
  notes: text,
  mainAddress: { kind: "object", of: ADDRESS_FIELDS },
  taxExempt: flag,
  tags: { kind: "list", of: TAG_FIELDS },
  chargeAccount: flag,
  preferredLocationID: text,
  languagePreference: text,
  okForMarketing: flag
}

/**
 * A vehicle's fields, from the docs' POST /vehicles example. `driveType` and `transmission` are any text: the docs
 * only give examples ("e.g. FWD"). `customerId` is handled by the routes (required on create, moves on update).
 */
export const VEHICLE_FIELDS: FieldTable = {
  year: integer,
  make: text,
  model: text,
  vehicleName: text,
  engine: text,
  color: text,
  licensePlate: text,
  state: text,
  vin: text,
  imgUrl: text,
  notes: text,
  tags: { kind: "list", of: TAG_FIELDS },
  driveType: text,
  transmission: text,
  mileage: number,
  mileageUnit: oneOf(MILEAGE_UNITS)
}
