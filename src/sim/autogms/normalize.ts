import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js"
import { normalizeVin } from "../../domain/vin.js"

/** How the simulator compares emails for CUSTOMER_EXISTS and search: trimmed, lower-cased. */
export const emailKey = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim().length > 0 ? value.trim().toLowerCase() : undefined

/**
 * How the simulator compares phones: E.164 when the number parses (national numbers in the garage's country),
 * else its bare digits, so "(555) 123-4567" and "+1 555 123 4567" are the same phone in a US garage.
 */
export const phoneKey = (value: unknown, country: string | undefined): string | undefined => {
  if (typeof value !== "string") return undefined
  const digits = value.replace(/\D/g, "")
  if (digits.length === 0) return undefined
  // Already E.164: parsing would give it back unchanged, and parsing is what makes a large garage slow.
  if (/^\+[1-9]\d{6,14}$/.test(value)) return value
  const parsed = parsePhoneNumberFromString(value, (country ?? "US") as CountryCode)
  return parsed?.number ?? digits
}

export const vinKey = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim().length > 0 ? normalizeVin(value) : undefined

/** Plates compare ignoring case, spaces and dashes. */
export const plateKey = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim().length > 0 ? value.toUpperCase().replace(/[\s-]+/g, "") : undefined

export const digitsOf = (value: unknown): string => (typeof value === "string" ? value.replace(/\D/g, "") : "")
