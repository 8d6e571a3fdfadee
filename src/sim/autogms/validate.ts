import { VIN_PATTERN, normalizeVin } from "../../domain/vin.js"
import type { FieldIssue } from "./responses.js"

/** A field's rule: the stored value, or an error message. */
type Rule = (value: unknown, field: string) => { value: unknown } | { message: string }

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const nullableString: Rule = (v) => (v === null || typeof v === "string" ? { value: v } : { message: "must be a string or null" })

const requiredText: Rule = (v) =>
  typeof v === "string" && v.trim().length > 0 ? { value: v } : { message: "is required and must be a non-empty string" }

const oneOf =
  (known: ReadonlyArray<string>, nullable: boolean): Rule =>
  (v) =>
    (nullable && v === null) || (typeof v === "string" && known.includes(v))
      ? { value: v }
      : { message: `must be one of ${known.join(", ")}${nullable ? " or null" : ""}` }

const boolean: Rule = (v) => (typeof v === "boolean" ? { value: v } : { message: "must be a boolean" })

const tags: Rule = (v) =>
  Array.isArray(v) && v.every((t) => typeof t === "string") ? { value: [...v] } : { message: "must be an array of strings" }

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const email: Rule = (v) => {
  if (v === null || v === "") return { value: null }
  return typeof v === "string" && EMAIL.test(v.trim()) ? { value: v.trim() } : { message: "must be a valid email address or null" }
}

/** Any common formatting is accepted and stored as sent; 7 to 15 digits (the E.164 maximum). */
const phone: Rule = (v) => {
  if (v === null || v === "") return { value: null }
  if (typeof v !== "string" || !/^\+?[\d\s().-]+$/.test(v.trim())) return { message: "must be a phone number or null" }
  const digits = v.replace(/\D/g, "").length
  return digits >= 7 && digits <= 15 ? { value: v.trim() } : { message: "must hold 7 to 15 digits" }
}

const address: Rule = (v) => {
  if (v === null) return { value: null }
  if (!isObject(v)) return { message: "must be an object or null" }
  const out: Record<string, unknown> = {}
  for (const key of ["line1", "line2", "city", "state", "postalCode", "country"] as const) {
    const value = v[key] ?? null
    if (value !== null && typeof value !== "string") return { message: `${key} must be a string or null` }
    out[key] = value
  }
  if (typeof out["country"] === "string") {
    if (!/^[A-Za-z]{2}$/.test(out["country"])) return { message: "country must be an ISO 3166-1 alpha-2 code" }
    out["country"] = out["country"].toUpperCase()
  }
  return { value: out }
}

/** Stored normalised (upper-case, no spaces or dashes); the check digit is not required (only North America uses it). */
const vin: Rule = (v) => {
  if (v === null || v === "") return { value: null }
  if (typeof v !== "string") return { message: "must be a string or null" }
  const normal = normalizeVin(v)
  return VIN_PATTERN.test(normal) ? { value: normal } : { message: "must be 17 characters of A-Z and 0-9, without I, O and Q" }
}

const integer =
  (min: number, max: number): Rule =>
  (v) =>
    v === null || (Number.isInteger(v) && (v as number) >= min && (v as number) <= max)
      ? { value: v }
      : { message: `must be an integer from ${min} to ${max}, or null` }

export type RuleSet = Readonly<Record<string, Rule>>

export const customerRules: RuleSet = {
  type: oneOf(["individual", "business"], false),
  firstName: nullableString,
  lastName: nullableString,
  businessName: nullableString,
  email,
  phone,
  secondaryPhone: phone,
  address,
  preferredContact: oneOf(["email", "phone", "sms", "whatsapp"], true),
  marketingOptIn: boolean,
  taxExempt: boolean,
  notes: nullableString,
  tags
}

export const customerDefaults: Readonly<Record<string, unknown>> = {
  type: "individual",
  firstName: null,
  lastName: null,
  businessName: null,
  email: null,
  phone: null,
  secondaryPhone: null,
  address: null,
  preferredContact: null,
  marketingOptIn: false,
  taxExempt: false,
  notes: null,
  tags: []
}

export const vehicleRules = (currentYear: number): RuleSet => ({
  customerId: requiredText,
  make: requiredText,
  model: requiredText,
  vin,
  year: integer(1886, currentYear + 2),
  trim: nullableString,
  engine: nullableString,
  color: nullableString,
  licensePlate: nullableString,
  plateRegion: nullableString,
  mileage: integer(0, 10_000_000),
  mileageUnit: oneOf(["km", "mi"], true),
  transmission: oneOf(["automatic", "manual", "cvt"], true),
  drivetrain: oneOf(["fwd", "rwd", "awd", "4wd"], true),
  imageUrl: nullableString,
  notes: nullableString,
  tags
})

export const vehicleDefaults: Readonly<Record<string, unknown>> = {
  vin: null,
  year: null,
  trim: null,
  engine: null,
  color: null,
  licensePlate: null,
  plateRegion: null,
  mileage: null,
  mileageUnit: null,
  transmission: null,
  drivetrain: null,
  imageUrl: null,
  notes: null,
  tags: []
}

/**
 * Checks a write body against the rules. Fields outside the rules (ids, timestamps, unknown names) are ignored, as
 * many APIs do. `required` lists fields that must be present.
 */
export const validateBody = (
  body: unknown,
  rules: RuleSet,
  required: ReadonlyArray<string>
): { fields: Record<string, unknown> } | { issues: Array<FieldIssue> } => {
  if (!isObject(body)) return { issues: [{ field: "body", message: "must be a JSON object" }] }
  const issues: Array<FieldIssue> = []
  const fields: Record<string, unknown> = {}
  for (const field of required) {
    if (body[field] === undefined) issues.push({ field, message: "is required" })
  }
  for (const [field, rule] of Object.entries(rules)) {
    if (body[field] === undefined) continue
    const result = rule(body[field], field)
    if ("message" in result) issues.push({ field, message: `${field} ${result.message}` })
    else fields[field] = result.value
  }
  return issues.length > 0 ? { issues } : { fields }
}

const filled = (v: unknown): boolean => typeof v === "string" && v.trim().length > 0

/** firstName and lastName, or businessName for a business; checked on the record as it would be after the write. */
export const customerNameIssues = (record: Record<string, unknown>): Array<FieldIssue> => {
  if (record["type"] === "business")
    return filled(record["businessName"]) ? [] : [{ field: "businessName", message: "businessName is required for a business" }]
  return (["firstName", "lastName"] as const)
    .filter((f) => !filled(record[f]))
    .map((field) => ({ field, message: `${field} is required` }))
}
