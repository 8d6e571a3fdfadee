import { Schema } from "effect"
import { CustomerRef } from "./ids.js"

/** Model values are the ones both systems can hold; each system's spellings live in the mapping file's enum maps. */
export const CustomerTypes = ["individual", "business"] as const
export const CustomerType = Schema.Literal(...CustomerTypes)
export type CustomerType = typeof CustomerType.Type

/** AutoLeap knows only "mobile" and "email", so the model keeps the two values both sides share. */
export const ContactPreferences = ["sms", "email"] as const
export const ContactPreference = Schema.Literal(...ContactPreferences)
export type ContactPreference = typeof ContactPreference.Type

const Text = Schema.NullOr(Schema.String)

/** A postal address; `country` is ISO 3166-1 alpha-2. AutoLeap has no second line, so the model has none either. */
export const Address = Schema.Struct({
  line1: Text,
  city: Text,
  state: Text,
  postalCode: Text,
  country: Text
})
export type Address = typeof Address.Type

/** The fields both systems hold, normalised: these are compared, hashed and written. */
export const CustomerFields = Schema.Struct({
  type: Schema.NullOr(CustomerType),
  firstName: Text,
  lastName: Text,
  businessName: Text,
  /** Lower-cased, syntactically valid. */
  email: Text,
  /** E.164. */
  phone: Text,
  /** E.164. */
  secondaryPhone: Text,
  contactPreference: Schema.NullOr(ContactPreference),
  address: Schema.NullOr(Address),
  notes: Text,
  taxExempt: Schema.NullOr(Schema.Boolean),
  marketingOptIn: Schema.NullOr(Schema.Boolean),
  /** Tag names after the mapping file's rules, one per name (compared case-insensitively). */
  tags: Schema.Array(Schema.String)
})
export type CustomerFields = typeof CustomerFields.Type

/** A customer in the system-neutral model: where it came from, plus its mapped fields. */
export const Customer = Schema.Struct({
  kind: Schema.Literal("customer"),
  source: CustomerRef,
  /** ISO 8601 UTC, as the source system reported it. */
  updatedAt: Schema.String,
  archived: Schema.Boolean,
  ...CustomerFields.fields
})
export type Customer = typeof Customer.Type

export const CUSTOMER_FIELD_NAMES = Object.keys(CustomerFields.fields) as ReadonlyArray<keyof CustomerFields>

/** A customer with every field empty: what a wire record is read into, field by field. */
export const emptyCustomerFields = (): { -readonly [K in keyof CustomerFields]: CustomerFields[K] } => ({
  type: null,
  firstName: null,
  lastName: null,
  businessName: null,
  email: null,
  phone: null,
  secondaryPhone: null,
  contactPreference: null,
  address: null,
  notes: null,
  taxExempt: null,
  marketingOptIn: null,
  tags: []
})
