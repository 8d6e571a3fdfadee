/** autoGMS customers ⇄ the model (contract/mapping.md, "Customers"). */
import { emptyCustomerFields, type Customer, type CustomerFields } from "../domain/customer.js"
import { customerRef } from "../domain/ids.js"
import type { Json, Sidecar } from "../domain/sidecar.js"
import type { AutogmsCustomer, AutogmsCustomerCreate } from "../sources/autogms/schema.js"
import type { MappingContext } from "./context.js"
import { withWithheld, type MappedCustomer } from "./mapped.js"
import { cleanText, isEmailValid, normalizeEmail, toE164 } from "./normalize.js"
import { captureSidecar, makeReporter, readFields, writeFields, type FieldRule, type RecordCodec } from "./recordCodec.js"
import {
  autogmsTagsRule,
  booleanRule,
  enumRule,
  knownEnumValue,
  readAddress,
  singleEmailRule,
  singlePhoneRule,
  textRule,
  trimmedTextRule,
  wire
} from "./rules.js"

type F = CustomerFields
const { asRecord, asString } = wire

const addressRule: FieldRule<F> = {
  key: "address",
  fields: ["address"],
  read: (value, into, _ctx, report) => void (into.address = readAddress(value, { line1: "line1", postalCode: "postalCode" }, report)),

  write: (model, original) => {
    const a = model.address
    if (a === null) return null
    // AutoLeap has no second line: keep autoGMS's while the first line is unchanged (a new street makes it stale).
    const before = asRecord(original)
    const line2 = before !== null && cleanText(asString(before["line1"])) === a.line1 ? asString(before["line2"]) : null
    return { line1: a.line1, line2, city: a.city, state: a.state, postalCode: a.postalCode, country: a.country }
  }
}

// One entry per number, as on AutoLeap's side: a second phone equal to the first is no second phone.
const secondaryPhoneRule: FieldRule<F> = (() => {
  const base = singlePhoneRule<F>("secondaryPhone", "secondaryPhone")
  return {
    ...base,
    read: (value, into, ctx, report) => {
      base.read(value, into, ctx, report)
      if (into.secondaryPhone !== null && into.secondaryPhone === into.phone) into.secondaryPhone = null
    }
  }
})()

/**
 * An original value going back to autoGMS. Its write bodies take null for "no value", except its two flags, which are
 * simply left out. An email, phone or enum value autoGMS holds but its API refuses (INVALID_EMAIL, INVALID_PHONE,
 * UNKNOWN_ENUM_VALUE) is left out too: never written, and autoGMS keeps its own, where sending it would have the whole
 * update refused.
 */
const restoreForAutogms = (key: string, value: Json, ctx: MappingContext): unknown => {
  if (value === null && (key === "marketingOptIn" || key === "taxExempt")) return undefined
  const text = typeof value === "string" && value.trim() !== "" ? value : null
  if (key === "email" && text !== null && !isEmailValid(normalizeEmail(text))) return undefined
  if ((key === "phone" || key === "secondaryPhone") && text !== null && toE164(text, ctx.mapping.defaultCountry) === null) return undefined
  if (value !== null && key === "type") return knownEnumValue(ctx.enums.autogms.type, value)
  if (value !== null && key === "preferredContact") return knownEnumValue(ctx.enums.autogms.preferredContact, value)
  return value
}

export const autogmsCustomerCodec: RecordCodec<F> = {
  system: "autogms",
  blank: emptyCustomerFields,
  restore: restoreForAutogms,
  passthrough: [],
  rules: [
    enumRule<F, "individual" | "business">("type", "type", (ctx) => ctx.enums.autogms.type, undefined),
    textRule<F>("firstName", "firstName", null),
    textRule<F>("lastName", "lastName", null),
    textRule<F>("businessName", "businessName", null),
    singleEmailRule<F>("email"),
    singlePhoneRule<F>("phone", "phone"),
    secondaryPhoneRule,
    enumRule<F, "sms" | "email">("preferredContact", "contactPreference", (ctx) => ctx.enums.autogms.preferredContact, null),
    addressRule,
    trimmedTextRule<F>("notes", "notes", null),
    booleanRule<F>("taxExempt", "taxExempt"),
    booleanRule<F>("marketingOptIn", "marketingOptIn"),
    autogmsTagsRule<F>("customers")
  ]
}

export const autogmsCustomerToModel = (customer: AutogmsCustomer, ctx: MappingContext): MappedCustomer => {
  const report = makeReporter("autogms")
  const wireRecord = customer as Readonly<Record<string, unknown>>
  const fields = readFields(autogmsCustomerCodec, wireRecord, ctx, report)
  const record: Customer = {
    kind: "customer",
    source: customerRef("autogms", customer.id),
    updatedAt: customer.updatedAt,
    // autoGMS has no archive state for customers.
    archived: false,
    ...fields
  }
  return { record, sidecar: captureSidecar(autogmsCustomerCodec, wireRecord, fields, ctx), warnings: report.warnings, problems: report.problems }
}

/**
 * The autoGMS create body for a model customer; every field is present (null clears), so it also serves as the PATCH
 * body. `sidecar` is the autoGMS sidecar when the record came from autoGMS, else null.
 */
export const modelCustomerToAutogms = (
  model: CustomerFields,
  sidecar: Sidecar | null | undefined,
  ctx: MappingContext
): AutogmsCustomerCreate => writeFields(autogmsCustomerCodec, withWithheld(model, sidecar), sidecar, ctx) as AutogmsCustomerCreate
