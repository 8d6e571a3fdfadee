/** AutoLeap customers ⇄ the model (contract/mapping.md, "Customers"). */
import { emptyCustomerFields, type Customer, type CustomerFields } from "../domain/customer.js"
import { customerRef } from "../domain/ids.js"
import type { Json, Sidecar } from "../domain/sidecar.js"
import type { AutoleapCustomer, AutoleapCustomerCreateItem } from "../sources/autoleap/schema.js"
import type { MappingContext } from "./context.js"
import { withWithheld, type MappedCustomer } from "./mapped.js"
import { messages } from "./messages.js"
import { isEmailValid, normalizeEmail, toCountryAlpha3, toE164 } from "./normalize.js"
import { captureSidecar, makeReporter, readFields, withoutNulls, writeFields, type FieldRule, type RecordCodec } from "./recordCodec.js"
import {
  autoleapTagsRule,
  booleanRule,
  enumRule,
  knownEnumValue,
  readAddress,
  textRule,
  trimmedTextRule,
  wire
} from "./rules.js"
import { cleanText } from "./normalize.js"

type F = CustomerFields
const { asArray, asRecord, asString } = wire

interface Candidate<V> {
  readonly index: number
  readonly value: V
  readonly primary: boolean
  readonly active: boolean
}

// AutoLeap marks primary and active; absent "active" means active (older records lack the flag).
const flags = (entry: Readonly<Record<string, unknown>>) => ({ primary: entry["primary"] === true, active: entry["active"] !== false })

const emailCandidates = (value: unknown, report: ReturnType<typeof makeReporter> | undefined): Array<Candidate<string>> => {
  const out: Array<Candidate<string>> = []
  asArray(value).forEach((e, index) => {
    const entry = asRecord(e)
    const raw = asString(entry?.["emailAddress"])
    if (entry === null || raw === null || raw.trim() === "") return
    const email = normalizeEmail(raw)
    if (!isEmailValid(email)) return void report?.warnings.push(messages.invalidEmail(report.system, raw))
    out.push({ index, value: email, ...flags(entry) })
  })
  return out
}

/** Primary active, else first active, else first. */
const selectEmail = (candidates: ReadonlyArray<Candidate<string>>): Candidate<string> | undefined =>
  candidates.find((c) => c.primary && c.active) ?? candidates.find((c) => c.active) ?? candidates[0]

const emailsRule: FieldRule<F> = {
  key: "emails",
  fields: ["email"],
  read: (value, into, _ctx, report) => {
    into.email = selectEmail(emailCandidates(value, report))?.value ?? null
  },
  write: (model, original) => {
    if (original === undefined) return model.email === null ? [] : [{ emailAddress: model.email, primary: true, active: true }]
    // The other side changed the address: replace the one that was selected, keep the rest (and their labels).
    const entries = asArray(original).map((e) => asRecord(e) ?? {})
    const selected = selectEmail(emailCandidates(original, undefined))
    if (selected === undefined) {
      return model.email === null ? entries : [{ emailAddress: model.email, primary: true, active: true }, ...entries]
    }
    return entries.flatMap((entry, i) =>
      i !== selected.index ? [entry] : model.email === null ? [] : [{ ...entry, emailAddress: model.email }]
    )
  }
}

const phoneCandidates = (
  value: unknown,
  ctx: MappingContext,
  report: ReturnType<typeof makeReporter> | undefined
): Array<Candidate<string>> => {
  const out: Array<Candidate<string>> = []
  asArray(value).forEach((p, index) => {
    const entry = asRecord(p)
    const raw = asString(entry?.["number"])
    if (entry === null || raw === null || raw.trim() === "") return
    const e164 = toE164(raw, ctx.mapping.defaultCountry)
    if (e164 === null) return void report?.warnings.push(messages.invalidPhone(report.system, raw, ctx.mapping.defaultCountry))
    out.push({ index, value: e164, ...flags(entry) })
  })
  return out
}

/** Primary active first, then the other active ones in order (all of them when none is active); one entry per number. */
const orderPhones = (candidates: ReadonlyArray<Candidate<string>>): Array<Candidate<string>> => {
  const active = candidates.filter((c) => c.active)
  const pool = active.length > 0 ? active : candidates
  const ordered = [...pool.filter((c) => c.primary), ...pool.filter((c) => !c.primary)]
  const seen = new Set<string>()
  return ordered.filter((c) => (seen.has(c.value) ? false : (seen.add(c.value), true)))
}

const phonesRule: FieldRule<F> = {
  key: "phones",
  fields: ["phone", "secondaryPhone"],
  read: (value, into, ctx, report) => {
    const [first, second] = orderPhones(phoneCandidates(value, ctx, report))
    into.phone = first?.value ?? null
    into.secondaryPhone = second?.value ?? null
  },
  write: (model, original, ctx) => {
    const fresh = (number: string, primary: boolean) => ({ number, primary, active: true, type: "mobile" })
    if (original === undefined) {
      return [
        ...(model.phone === null ? [] : [fresh(model.phone, true)]),
        ...(model.secondaryPhone === null ? [] : [fresh(model.secondaryPhone, false)])
      ]
    }
    // Replace the entries that fed phone and secondaryPhone, keeping their type and label; keep all others.
    const entries: Array<Record<string, unknown> | null> = asArray(original).map((e) => ({ ...(asRecord(e) ?? {}) }))
    const [first, second] = orderPhones(phoneCandidates(original, ctx, undefined))
    const added: Array<Record<string, unknown>> = []
    const place = (slot: Candidate<string> | undefined, number: string | null, primary: boolean) => {
      if (slot !== undefined) entries[slot.index] = number === null ? null : { ...entries[slot.index], number }
      else if (number !== null) added.push(fresh(number, primary))
    }
    place(first, model.phone, true)
    place(second, model.secondaryPhone, false)
    return [...added, ...entries.filter((e): e is Record<string, unknown> => e !== null)]
  }
}

const addressRule: FieldRule<F> = {
  key: "mainAddress",
  fields: ["address"],
  read: (value, into, _ctx, report) => void (into.address = readAddress(value, { line1: "address", postalCode: "zip" }, report)),

  write: (model) => {
    const a = model.address
    if (a === null) return undefined
    const out: Record<string, string> = {}
    if (a.line1 !== null) out["address"] = a.line1
    if (a.city !== null) out["city"] = a.city
    if (a.state !== null) out["state"] = a.state
    if (a.postalCode !== null) out["zip"] = a.postalCode
    const alpha3 = a.country === null ? undefined : toCountryAlpha3(a.country)
    if (alpha3 !== undefined) out["country"] = alpha3
    return out
  }
}

// AutoLeap's write items take no null, no phone or email without its number or address, and no invalid address or enum
// value its API does not know: a list holding such an address (INVALID_EMAIL) or such a value (UNKNOWN_ENUM_VALUE) is
// left out, and AutoLeap's update keeps its own.
const restoreForAutoleap = (key: string, value: Json, ctx: MappingContext): unknown => {
  const clean = withoutNulls(value)
  if (key === "phones") return asArray(clean).filter((p) => typeof asRecord(p)?.["number"] === "string")
  if (key === "emails") {
    const emails = asArray(clean).filter((e) => typeof asRecord(e)?.["emailAddress"] === "string")
    return emails.every((e) => isEmailValid(normalizeEmail(String(asRecord(e)?.["emailAddress"])))) ? emails : undefined
  }
  if (key === "customerType") return knownEnumValue(ctx.enums.autoleap.customerType, clean)
  if (key === "communicationPreference") return knownEnumValue(ctx.enums.autoleap.communicationPreference, clean)
  return clean
}

export const autoleapCustomerCodec: RecordCodec<F> = {
  system: "autoleap",
  blank: emptyCustomerFields,
  restore: restoreForAutoleap,
  passthrough: ["displayName", "chargeAccount", "preferredLocationID", "languagePreference"],
  rules: [
    enumRule<F, "individual" | "business">("customerType", "type", (ctx) => ctx.enums.autoleap.customerType, undefined),
    textRule<F>("firstName", "firstName", undefined),
    textRule<F>("lastName", "lastName", undefined),
    textRule<F>("companyName", "businessName", undefined),
    emailsRule,
    phonesRule,
    enumRule<F, "sms" | "email">("communicationPreference", "contactPreference", (ctx) => ctx.enums.autoleap.communicationPreference, undefined),
    addressRule,
    trimmedTextRule<F>("notes", "notes", undefined),
    booleanRule<F>("taxExempt", "taxExempt"),
    booleanRule<F>("okForMarketing", "marketingOptIn"),
    autoleapTagsRule<F>("customers")
  ]
}

/** Archived in AutoLeap: status Inactive (any case). */
const isInactive = (status: string | null | undefined): boolean => (status ?? "").trim().toLowerCase() === "inactive"

export const autoleapCustomerToModel = (customer: AutoleapCustomer, ctx: MappingContext): MappedCustomer => {
  const report = makeReporter("autoleap")
  const wireRecord = customer as Readonly<Record<string, unknown>>
  const fields = readFields(autoleapCustomerCodec, wireRecord, ctx, report)
  const record: Customer = {
    kind: "customer",
    source: customerRef("autoleap", customer.customerId),
    updatedAt: customer.updatedDate,
    archived: isInactive(customer.customerStatus),
    ...fields
  }
  return { record, sidecar: captureSidecar(autoleapCustomerCodec, wireRecord, fields, ctx), warnings: report.warnings, problems: report.problems }
}

/** Fills missing first / last names from the business name: "Joe's Garage LLC" → "Joe's" + "Garage LLC". */
export const namesFromBusinessName = (
  firstName: string | null,
  lastName: string | null,
  businessName: string | null
): { readonly firstName: string | null; readonly lastName: string | null } => {
  if (businessName === null || (firstName !== null && lastName !== null)) return { firstName, lastName }
  const space = businessName.indexOf(" ")
  const head = space < 0 ? businessName : businessName.slice(0, space)
  const tail = space < 0 ? businessName : businessName.slice(space + 1)
  if (firstName === null && lastName === null) return { firstName: head, lastName: tail }
  return { firstName: firstName ?? businessName, lastName: lastName ?? businessName }
}

/**
 * The AutoLeap create item for a model customer (an update item is this plus `customerId`). `sidecar` is the AutoLeap
 * sidecar when the record came from AutoLeap (null for a customer born in autoGMS). Call validateCustomerFor("autoleap")
 * first: a customer without both names is quarantined there; here they would be written as "".
 */
export const modelCustomerToAutoleap = (
  model: CustomerFields,
  sidecar: Sidecar | null | undefined,
  ctx: MappingContext
): AutoleapCustomerCreateItem => {
  const fields = withWithheld(model, sidecar)
  const out = writeFields(autoleapCustomerCodec, fields, sidecar, ctx)
  const names = ctx.mapping.policies.fillNamesFromBusinessName
    ? namesFromBusinessName(fields.firstName, fields.lastName, fields.businessName)
    : fields
  const firstName = asString(out["firstName"]) ?? names.firstName ?? ""
  const lastName = asString(out["lastName"]) ?? names.lastName ?? ""
  // Born in autoGMS: AutoLeap shows displayName in lists, so give it the name.
  const bornElsewhere = sidecar === null || sidecar === undefined || sidecar.system !== "autoleap"
  if (bornElsewhere && out["displayName"] === undefined) {
    const displayName = cleanText(`${firstName} ${lastName}`)
    if (displayName !== null) out["displayName"] = displayName
  }
  return { ...out, firstName, lastName } as AutoleapCustomerCreateItem
}
