import { Schema } from "effect"
import { SystemName } from "./ids.js"

/** A JSON value, as the state store keeps it. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
const JsonValue: Schema.Schema<Json> = Schema.suspend(() =>
  Schema.Union(
    Schema.Null,
    Schema.Boolean,
    Schema.Number,
    Schema.String,
    Schema.Array(JsonValue),
    Schema.Record({ key: Schema.String, value: JsonValue })
  )
)

/**
 * What one system's record holds that the model cannot carry, so writing the record back to that system loses nothing.
 * `kept` holds original wire values by wire field name: fields the other system has no place for, and fields whose
 * original form differs from what the model would write (an unparseable phone, a second email, "USA" for "US"...).
 * A kept value is written back as it was while the model still says the same thing; once the other side changes the
 * value, the new value wins. `withheld` holds natural-key values held back from the other system (DUPLICATE_IN_SOURCE).
 */
export const Sidecar = Schema.Struct({
  system: SystemName,
  kept: Schema.Record({ key: Schema.String, value: JsonValue }),
  withheld: Schema.Struct({
    email: Schema.optional(Schema.String),
    phone: Schema.optional(Schema.String),
    vin: Schema.optional(Schema.String)
  })
})
export type Sidecar = typeof Sidecar.Type

export const emptySidecar = (system: SystemName): Sidecar => ({ system, kept: {}, withheld: {} })
