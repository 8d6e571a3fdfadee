/**
 * Normalisers for single values. Pure; each is idempotent (normalising a normalised value changes nothing),
 * which the property tests check. Heavy objects (regexes, country tables) are built once at module load.
 */
// The library without its Node entry point: that one parses and registers all 78 languages' country names (a few MB
// at start-up, for every command); only English names are looked up here, so only English is registered.
import countries, { type LocaleData } from "i18n-iso-countries/index.js"
import { createRequire } from "node:module"
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js"

countries.registerLocale(createRequire(import.meta.url)("i18n-iso-countries/langs/en.json") as LocaleData)

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

// Parsing a phone with libphonenumber costs ~20 µs, too slow for 100,000s of records. Two shortcuts, both exact:
// results are memoised per input, and for North-American numbers written in the usual ways the library's verdict is
// memoised per 7-digit prefix (area code + exchange + first digit): in the NANP metadata validity depends on no later
// digit (test/unit/mapping/normalize.test.ts compares the shortcut with the library over many numbers).
// Both memos are bounded: each entry is ~100 bytes of heap, and a shop's phone numbers are nearly all different, so a
// per-input memo of 200,000 entries held ~22 MB at 250,000 records while it saved almost nothing the prefix memo did not.
const PHONE_CACHE_LIMIT = 10_000
const NANP_PREFIX_LIMIT = 100_000
/** Sets `key`, first forgetting everything when the map is full: simpler than LRU, and a miss only costs a parse. */
const remember = <V>(memo: Map<string, V>, limit: number, key: string, value: V): void => {
  if (memo.size >= limit) memo.clear()
  memo.set(key, value)
}
const phoneCache = new Map<string, string | null>()
const nanpPrefixVerdicts = new Map<string, boolean>()
const NANP_TEXT = /^\s*(\+?1[\s.-]?)?\(?([2-9]\d{2})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})\s*$/
const NANP_COUNTRIES = new Set<string>(getCountries().filter((c) => getCountryCallingCode(c) === "1"))

const parseWithLibrary = (raw: string, defaultCountry: string): string | null => {
  const parsed = raw.trim() === "" ? undefined : parsePhoneNumberFromString(raw, defaultCountry as CountryCode)
  return parsed !== undefined && parsed.isValid() ? parsed.number : null
}

const nanpShortcut = (raw: string, defaultCountry: string): string | null | undefined => {
  const match = NANP_TEXT.exec(raw)
  if (match === null) return undefined
  const explicitPlusOne = match[1] !== undefined && match[1].startsWith("+")
  if (!explicitPlusOne && !NANP_COUNTRIES.has(defaultCountry)) return undefined
  const digits = match[2]! + match[3]! + match[4]!
  const key = (explicitPlusOne ? "+1" : defaultCountry) + "|" + digits.slice(0, 7)
  const verdict = nanpPrefixVerdicts.get(key)
  if (verdict === undefined) {
    const e164 = parseWithLibrary(raw, defaultCountry)
    remember(nanpPrefixVerdicts, NANP_PREFIX_LIMIT, key, e164 !== null)
    return e164
  }
  return verdict ? "+1" + digits : null
}

/** E.164 for a number libphonenumber finds valid (read with `defaultCountry` when it has no country code), else null. */
export const toE164 = (raw: string, defaultCountry: string): string | null => {
  const cacheKey = defaultCountry + "|" + raw
  const cached = phoneCache.get(cacheKey)
  if (cached !== undefined) return cached
  const shortcut = nanpShortcut(raw, defaultCountry)
  const e164 = shortcut !== undefined ? shortcut : parseWithLibrary(raw, defaultCountry)
  remember(phoneCache, PHONE_CACHE_LIMIT, cacheKey, e164)
  return e164
}

/** The library alone, without shortcuts: what the shortcut is tested against. */
export const toE164WithLibrary = parseWithLibrary

/** Forgets memoised phone results (benchmarks measure cold runs with it). */
export const clearPhoneCaches = (): void => {
  phoneCache.clear()
  nanpPrefixVerdicts.clear()
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
