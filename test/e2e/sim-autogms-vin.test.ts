import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { computeVinCheckDigit, isVinCheckDigitValid, withCorrectCheckDigit } from "../../src/domain/vin.js"
import { lookupVin, modelYearOf } from "../../src/sim/autogms/index.js"

const VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789".split("")
const arbitraryVin = FastCheck.array(FastCheck.constantFrom(...VIN_CHARS), { minLength: 17, maxLength: 17 }).map((cs) => cs.join(""))

describe("autoGMS simulator VIN decoding", () => {
  it("reads the model year from position 10, choosing the 30-year cycle by position 7", () => {
    // Position 7 a digit: 1980-2009; a letter: 2010-2039.
    expect(modelYearOf("1HGCM82633A004352", 2026)).toBe(2003)
    expect(modelYearOf("5YJ3E1EA0LF000001", 2026)).toBe(2020)
    expect(modelYearOf("5YJ3E1EA0AF000001", 2026)).toBe(2010)
    expect(modelYearOf("1FTFW1E50PF000001", 2026)).toBe(2023)
    // A letter-cycle year too far ahead falls back one cycle.
    expect(modelYearOf("1FTFW1E50YF000001", 2026)).toBe(2000)
    expect(modelYearOf("1FTFW1E50TF000001", 2026)).toBe(2026)
    // Next year's models are sold this year: one year ahead is kept.
    expect(modelYearOf("1FTFW1E50VF000001", 2026)).toBe(2027)
    expect(modelYearOf("1FTFW1E50WF000001", 2026)).toBe(1998)
    // U, Z and 0 are not year codes.
    expect(modelYearOf("1FTFW1E50ZF000001", 2026)).toBeNull()
    expect(modelYearOf("1FTFW1E500F000001", 2026)).toBeNull()
  })

  it("checkDigitValid agrees with a real check-digit computation for any well-formed VIN", () => {
    FastCheck.assert(
      FastCheck.property(arbitraryVin, (raw) => {
        const good = withCorrectCheckDigit(raw)
        expect(lookupVin(good, 2026, undefined)).toMatchObject({ valid: true, checkDigitValid: true })
        const wrongDigit = computeVinCheckDigit(good) === "0" ? "1" : "0"
        const bad = good.slice(0, 8) + wrongDigit + good.slice(9)
        expect(lookupVin(bad, 2026, undefined).checkDigitValid).toBe(false)
        expect(isVinCheckDigitValid(bad)).toBe(false)
      }),
      { numRuns: 200 }
    )
  })

  it("normalises the input and refuses I, O, Q and wrong lengths", () => {
    expect(lookupVin(" 1hgcm8263-3a004352 ", 2026, undefined)).toMatchObject({ vin: "1HGCM82633A004352", valid: true })
    for (const bad of ["1HGCM82633A00435", "1HGCM82633A0043521", "1HGCM8263OA004352", "1HGCM8263IA004352", "1HGCM8263QA004352"]) {
      expect(lookupVin(bad, 2026, undefined)).toMatchObject({ valid: false, checkDigitValid: false, year: null, make: null })
    }
  })

  it("prefers a known vehicle's make and model over the WMI table", () => {
    expect(lookupVin("1HGCM82633A004352", 2026, { make: "Acura", model: "TL" })).toMatchObject({
      make: "Acura",
      model: "TL",
      manufacturer: "American Honda Motor Co."
    })
    expect(lookupVin("1HGCM82633A004352", 2026, { make: "", model: null })).toMatchObject({ make: "Honda", model: null })
  })
})
