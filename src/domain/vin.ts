/**
 * VIN syntax and the North-American (49 CFR 565) check digit.
 * Shared by the mapping rules, the autoGMS VIN-lookup simulator and the fixture generator so all three agree.
 */

/** 17 characters of A-Z and 0-9 without I, O and Q. */
export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/

const TRANSLITERATION: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
  J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9
}
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]

/** Upper-case, with spaces and dashes removed: the form VINs are compared and written in. */
export const normalizeVin = (raw: string): string => raw.toUpperCase().replace(/[\s-]+/g, "")

export const isVinSyntaxValid = (vin: string): boolean => VIN_PATTERN.test(vin)

const charValue = (c: string): number => (c >= "0" && c <= "9" ? c.charCodeAt(0) - 48 : TRANSLITERATION[c] ?? 0)

/** The check digit ("0"-"9" or "X") that position 9 must hold; the input must be syntactically valid. */
export const computeVinCheckDigit = (vin: string): string => {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += charValue(vin[i]!) * WEIGHTS[i]!
  const remainder = sum % 11
  return remainder === 10 ? "X" : String(remainder)
}

export const isVinCheckDigitValid = (vin: string): boolean =>
  isVinSyntaxValid(vin) && vin[8] === computeVinCheckDigit(vin)

/** Returns the VIN with position 9 replaced by its correct check digit (used to generate valid VINs). */
export const withCorrectCheckDigit = (vin: string): string =>
  vin.slice(0, 8) + computeVinCheckDigit(vin) + vin.slice(9)
