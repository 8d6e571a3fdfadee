/**
 * Normalisers for single values. Pure; each is idempotent (normalising a normalised value changes nothing),
 * which the property tests check. Heavy objects (regexes, country tables) are built once at module load.
 */
import countries from "i18n-iso-countries"
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js"

const WHITESPACE_RUN = /\s+/g

/** Trimmed, inner white space collapsed to one space; empty → null. For names and other one-line text. */
export const cleanText = (raw: string | null | undefined): string | null => {
  if (raw === null || raw === undefined) return null
  const text = raw.replace(WHITESPACE_RUN, " ").trim()
  return text === "" ? null : text
}

/** Trimmed only (notes keep their line breaks); empty → null. */
export const trimText = (raw: string | null | undefined): string | null => {
  if (raw === null || raw === undefined) return null
  const text = raw.trim()
  return text === "" ? null : text
}

// Deliberately loose: one "@", no spaces, a dot in the domain. Stricter checks reject addresses real shops use.
const EMAIL_SYNTAX = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/

/** Lower-cased and trimmed; whether it is usable is `isEmailValid`. */
export const normalizeEmail = (raw: string): string => raw.trim().toLowerCase()
export const isEmailValid = (normalized: string): boolean => EMAIL_SYNTAX.test(normalized)

// Parsing a phone costs ~20 µs; the same number recurs across runs and records, so results are memoised.
const PHONE_CACHE_LIMIT = 200_000
const phoneCache = new Map<string, string | null>()

/** E.164 for a number libphonenumber finds valid (read with `defaultCountry` when it has no country code), else null. */
export const toE164 = (raw: string, defaultCountry: string): string | null => {
  const cacheKey = defaultCountry + "|" + raw
  const cached = phoneCache.get(cacheKey)
  if (cached !== undefined) return cached
  const parsed = raw.trim() === "" ? undefined : parsePhoneNumberFromString(raw, defaultCountry as CountryCode)
  const e164 = parsed !== undefined && parsed.isValid() ? parsed.number : null
  if (phoneCache.size >= PHONE_CACHE_LIMIT) phoneCache.clear()
  phoneCache.set(cacheKey, e164)
  return e164
}

/** ISO 3166-1 alpha-2 for an alpha-2 or alpha-3 code or an English country name ("USA", "United States" → "US"). */
export const toCountryAlpha2 = (raw: string): string | null => {
  const text = raw.trim()
  if (text === "") return null
  const cached = countryCache.get(text)
  if (cached !== undefined) return cached
  const upper = text.toUpperCase()
  const code =
    (upper.length === 2 && countries.isValid(upper) ? upper : undefined) ??
    (upper.length === 3 ? countries.alpha3ToAlpha2(upper) : undefined) ??
    countries.getAlpha2Code(text, "en") ??
    countries.getSimpleAlpha2Code(text, "en") ??
    null
  countryCache.set(text, code)
  return code
}
const countryCache = new Map<string, string | null>()

/** ISO 3166-1 alpha-3 for an alpha-2 code (AutoLeap's form), or undefined when the code is unknown. */
export const toCountryAlpha3 = (alpha2: string): string | undefined => countries.alpha2ToAlpha3(alpha2)

const PLATE_SEPARATORS = /[\s-]+/g

/** The form plates are compared in: upper-case, spaces and dashes removed. The stored plate keeps its own form. */
export const plateMatchKey = (plate: string): string => plate.toUpperCase().replace(PLATE_SEPARATORS, "")
