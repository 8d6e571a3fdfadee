import { isVinCheckDigitValid, isVinSyntaxValid, normalizeVin } from "../../domain/vin.js"

/**
 * What the simulator's VIN lookup knows without a vehicle record: a small table of common world manufacturer
 * identifiers (positions 1-3). An unknown WMI gives a null manufacturer and make.
 */
export const WMI_TABLE: Readonly<Record<string, { readonly manufacturer: string; readonly make: string }>> = {
  "1HG": { manufacturer: "American Honda Motor Co.", make: "Honda" },
  JHM: { manufacturer: "Honda Motor Co.", make: "Honda" },
  "1FA": { manufacturer: "Ford Motor Company", make: "Ford" },
  "1FT": { manufacturer: "Ford Motor Company", make: "Ford" },
  "1FM": { manufacturer: "Ford Motor Company", make: "Ford" },
  "1G1": { manufacturer: "General Motors", make: "Chevrolet" },
  "1GC": { manufacturer: "General Motors", make: "Chevrolet" },
  "4T1": { manufacturer: "Toyota Motor Manufacturing", make: "Toyota" },
  "2T1": { manufacturer: "Toyota Motor Manufacturing Canada", make: "Toyota" },
  JTD: { manufacturer: "Toyota Motor Corporation", make: "Toyota" },
  "5YJ": { manufacturer: "Tesla, Inc.", make: "Tesla" },
  "1N4": { manufacturer: "Nissan North America", make: "Nissan" },
  KMH: { manufacturer: "Hyundai Motor Company", make: "Hyundai" },
  WBA: { manufacturer: "BMW AG", make: "BMW" },
  WDD: { manufacturer: "Mercedes-Benz AG", make: "Mercedes-Benz" },
  WVW: { manufacturer: "Volkswagen AG", make: "Volkswagen" },
  "3VW": { manufacturer: "Volkswagen de Mexico", make: "Volkswagen" },
  "1C4": { manufacturer: "FCA US LLC", make: "Jeep" }
}

/** Position-10 codes in order; the cycle repeats every 30 years (1980-2009, 2010-2039). */
const YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"

/**
 * The model year from position 10. For North-American VINs a letter in position 7 means the 2010-2039 cycle and a
 * digit the 1980-2009 one; a year more than one year ahead of `currentYear` falls back one cycle.
 */
export const modelYearOf = (vin: string, currentYear: number): number | null => {
  const index = YEAR_CODES.indexOf(vin[9] ?? "")
  if (index < 0) return null
  const letterIn7 = /[A-Z]/.test(vin[6] ?? "")
  let year = (letterIn7 ? 2010 : 1980) + index
  if (year > currentYear + 1) year -= 30
  return year
}

export interface VinLookup {
  readonly vin: string
  readonly valid: boolean
  readonly checkDigitValid: boolean
  readonly make: string | null
  readonly model: string | null
  readonly year: number | null
  readonly manufacturer: string | null
}

/**
 * Decodes a VIN. `known` is a vehicle of the garage with this VIN: its make and model win over the WMI table (the
 * table has no models). A malformed VIN is answered with valid false and nothing decoded.
 */
export const lookupVin = (
  raw: string,
  currentYear: number,
  known: Readonly<Record<string, unknown>> | undefined
): VinLookup => {
  const vin = normalizeVin(raw)
  if (!isVinSyntaxValid(vin)) return { vin, valid: false, checkDigitValid: false, make: null, model: null, year: null, manufacturer: null }
  const wmi = WMI_TABLE[vin.slice(0, 3)]
  const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null)
  return {
    vin,
    valid: true,
    checkDigitValid: isVinCheckDigitValid(vin),
    make: str(known?.["make"]) ?? wmi?.make ?? null,
    model: str(known?.["model"]),
    year: modelYearOf(vin, currentYear),
    manufacturer: wmi?.manufacturer ?? null
  }
}
