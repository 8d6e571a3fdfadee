/**
 * Field rules shared by both systems: each implements one line of contract/mapping.md for one wire field.
 * `absent` is how a system says "no value" on write: AutoLeap leaves the field out (undefined), autoGMS sends null.
 */
import type { CustomerFields } from "../domain/customer.js"
import { tagKey } from "../domain/tag.js"
import { computeVinCheckDigit, isVinCheckDigitValid, isVinSyntaxValid, normalizeVin } from "../domain/vin.js"
import { MIN_VEHICLE_YEAR, type EnumCodec, type MappingContext } from "./context.js"
import { messages } from "./messages.js"
import { cleanText, isEmailValid, normalizeEmail, toCountryAlpha2, toE164, trimText } from "./normalize.js"
import type { FieldRule, Mutable, Reporter } from "./recordCodec.js"
import { applyTagRules, tagColor, type TagEntity } from "./tags.js"

type Absent = undefined | null
type KeysOfType<M, V> = { [K in keyof M]-?: [V] extends [M[K]] ? (M[K] extends V ? K : never) : never }[keyof M] & string

const asString = (v: unknown): string | null => (typeof v === "string" ? v : null)
const asNumber = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null)
const asRecord = (v: unknown): Readonly<Record<string, unknown>> | null =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null
const asArray = (v: unknown): ReadonlyArray<unknown> => (Array.isArray(v) ? v : [])

const set = <M, K extends keyof M>(into: Mutable<M>, field: K, value: M[K]): void => {
  ;(into as M)[field] = value
}

/** One-line text: trimmed, white space collapsed (names, make, model...). */
export const textRule = <M>(key: string, field: KeysOfType<M, string | null>, absent: Absent, clean = cleanText): FieldRule<M> => ({
  key,
  fields: [field],
  read: (value, into) => set(into, field, clean(asString(value)) as M[typeof field]),
  write: (model) => (model[field] as string | null) ?? absent
})

/** Free text kept as written, only trimmed (notes, plates). */
export const trimmedTextRule = <M>(key: string, field: KeysOfType<M, string | null>, absent: Absent): FieldRule<M> =>
  textRule(key, field, absent, trimText)

export const booleanRule = <M>(key: string, field: KeysOfType<M, boolean | null>): FieldRule<M> => ({
  key,
  fields: [field],
  read: (value, into) => set(into, field, (typeof value === "boolean" ? value : null) as M[typeof field]),
  // Neither API takes null for a flag: a flag with no value is left out.
  write: (model) => (model[field] as boolean | null) ?? undefined
})

/** Enum values match case-insensitively; an unknown one becomes null, is reported, and stays in the sidecar. */
export const enumRule = <M, A extends string>(
  key: string,
  field: KeysOfType<M, A | null>,
  codec: (ctx: MappingContext) => EnumCodec<A>,
  absent: Absent
): FieldRule<M> => ({
  key,
  fields: [field],
  read: (value, into, ctx, report) => {
    const raw = asString(value)
    if (raw === null || raw.trim() === "") return set(into, field, null as M[typeof field])
    const known = codec(ctx).read(raw)
    if (known === undefined) report?.warnings.push(messages.unknownEnumValue(report.system, key, raw))
    set(into, field, (known ?? null) as M[typeof field])
  },
  write: (model, _original, ctx) => {
    const value = model[field] as A | null
    return value === null ? absent : (codec(ctx).write(value) ?? absent)
  }
})

/** A kept enum value the mapping knows (in the original's spelling), else undefined: a value the API refuses is left out. */
export const knownEnumValue = <A extends string>(codec: EnumCodec<A>, value: unknown): string | undefined =>
  typeof value === "string" && codec.read(value) !== undefined ? value : undefined

/** One address, lower-cased; an invalid one is not written (INVALID_EMAIL) and stays in the sidecar. */
export const singleEmailRule = <M extends { email: string | null }>(key: string): FieldRule<M> => ({
  key,
  fields: ["email"],
  read: (value, into, _ctx, report) => {
    const raw = asString(value)
    if (raw === null || raw.trim() === "") return set(into, "email", null)
    const email = normalizeEmail(raw)
    if (isEmailValid(email)) return set(into, "email", email)
    report?.warnings.push(messages.invalidEmail(report.system, raw))
    set(into, "email", null)
  },
  write: (model) => model.email
})

/** A phone as E.164 (read with the mapping's default country); an invalid one is not written (INVALID_PHONE). */
export const singlePhoneRule = <M>(key: string, field: KeysOfType<M, string | null>): FieldRule<M> => ({
  key,
  fields: [field],
  read: (value, into, ctx, report) => {
    const raw = asString(value)
    if (raw === null || raw.trim() === "") return set(into, field, null as M[typeof field])
    const e164 = toE164(raw, ctx.mapping.defaultCountry)
    if (e164 === null) report?.warnings.push(messages.invalidPhone(report.system, raw, ctx.mapping.defaultCountry))
    set(into, field, e164 as M[typeof field])
  },
  write: (model) => model[field] as string | null
})

/** Country names and alpha-3 codes become alpha-2; an unknown country is left out of the model and reported. */
export const readCountry = (raw: unknown, report: Reporter | undefined): string | null => {
  const text = asString(raw)
  if (text === null || text.trim() === "") return null
  const code = toCountryAlpha2(text)
  if (code === null) report?.warnings.push(messages.unknownCountry(report.system, text))
  return code
}

/** VIN normalised; not 17 of A-HJ-NPR-Z0-9 → no VIN in the model and an INVALID_VIN problem; a bad check digit warns. */
export const vinRule = <M extends { vin: string | null }>(key: string, absent: Absent): FieldRule<M> => ({
  key,
  fields: ["vin"],
  read: (value, into, ctx, report) => {
    const raw = asString(value)
    if (raw === null || raw.trim() === "") return set(into, "vin", null)
    const vin = normalizeVin(raw)
    if (!isVinSyntaxValid(vin)) {
      report?.problems.push(messages.invalidVin(report.system, raw, vin, ctx.mapping.policies.invalidVin === "keep-without-vin"))
      return set(into, "vin", null)
    }
    if (!isVinCheckDigitValid(vin)) report?.warnings.push(messages.vinCheckDigit(report.system, vin, computeVinCheckDigit(vin)))
    set(into, "vin", vin)
  },
  write: (model) => model.vin ?? absent
})

/** A whole number from 1886 to the current year + 1; anything else is written as null (INVALID_YEAR). */
export const yearRule = <M extends { year: number | null }>(key: string, absent: Absent): FieldRule<M> => ({
  key,
  fields: ["year"],
  read: (value, into, ctx, report) => {
    const year = asNumber(value)
    if (year === null) return set(into, "year", null)
    if (Number.isInteger(year) && year >= MIN_VEHICLE_YEAR && year <= ctx.maxYear) return set(into, "year", year)
    report?.warnings.push(messages.invalidYear(report.system, year, ctx.maxYear))
    set(into, "year", null)
  },
  write: (model) => model.year ?? absent
})

/** Mileage as autoGMS holds it: a whole number (the exact value stays in the sidecar); the unit is never converted. */
export const mileageRule = <M extends { mileage: number | null }>(key: string, absent: Absent): FieldRule<M> => ({
  key,
  fields: ["mileage"],
  read: (value, into) => {
    const mileage = asNumber(value)
    set(into, "mileage", mileage === null ? null : Math.round(mileage))
  },
  write: (model) => model.mileage ?? absent
})

/** Empty string and null are the same "no image". */
export const imageUrlRule = <M extends { imageUrl: string | null }>(key: string, absent: Absent): FieldRule<M> => ({
  key,
  fields: ["imageUrl"],
  read: (value, into) => set(into, "imageUrl", trimText(asString(value))),
  write: (model) => model.imageUrl ?? absent
})

/** Names of tags the mapping file drops: kept from the original when the record goes back to its own system. */
const droppedOriginals = <T>(original: unknown, ctx: MappingContext, entity: TagEntity, nameOf: (t: unknown) => string | null): Array<T> => {
  const drop = ctx.tagRules[entity].drop
  if (drop.size === 0) return []
  return asArray(original).filter((t) => {
    const name = nameOf(t)
    return name !== null && drop.has(tagKey(name))
  }) as Array<T>
}

const autoleapTagName = (t: unknown): string | null => asString(asRecord(t)?.["name"])

/** AutoLeap tags `{ name, color }` ⇄ model names; colours come from the original, else the palette, else the default. */
export const autoleapTagsRule = <M extends { tags: ReadonlyArray<string> }>(entity: TagEntity): FieldRule<M> => ({
  key: "tags",
  fields: ["tags"],
  read: (value, into, ctx) => {
    const names: Array<string> = []
    for (const t of asArray(value)) {
      const name = autoleapTagName(t)
      if (name !== null) names.push(name)
    }
    set(into, "tags", applyTagRules(names, ctx.tagRules[entity]))
  },
  write: (model, original, ctx) => {
    const originalColors = new Map<string, string>()
    for (const t of asArray(original)) {
      const name = autoleapTagName(t)
      const color = asString(asRecord(t)?.["color"])
      if (name !== null && color !== null) originalColors.set(tagKey(name), color)
    }
    const tags: Array<{ name: string; color: string }> = model.tags.map((name) => ({
      name,
      color: originalColors.get(tagKey(name)) ?? tagColor(ctx.palette, ctx.mapping.tags.defaultColor, name)
    }))
    return [...tags, ...droppedOriginals<{ name: string; color: string }>(original, ctx, entity, autoleapTagName)]
  }
})

/** autoGMS tags are plain names. */
export const autogmsTagsRule = <M extends { tags: ReadonlyArray<string> }>(entity: TagEntity): FieldRule<M> => ({
  key: "tags",
  fields: ["tags"],
  read: (value, into, ctx) => {
    const names = asArray(value).filter((t): t is string => typeof t === "string")
    set(into, "tags", applyTagRules(names, ctx.tagRules[entity]))
  },
  write: (model, original, ctx) => [...model.tags, ...droppedOriginals<string>(original, ctx, entity, asString)]
})

/** A wire address into the model's, given where this system keeps line 1 and the postal code; null when empty. */
export const readAddress = (
  value: unknown,
  names: { readonly line1: string; readonly postalCode: string },
  report: Reporter | undefined
): CustomerFields["address"] => {
  const a = asRecord(value)
  if (a === null) return null
  const address = {
    line1: cleanText(asString(a[names.line1])),
    city: cleanText(asString(a["city"])),
    state: cleanText(asString(a["state"])),
    postalCode: cleanText(asString(a[names.postalCode])),
    country: readCountry(a["country"], report)
  }
  return Object.values(address).every((v) => v === null) ? null : address
}

export const wire = { asString, asNumber, asRecord, asArray }
