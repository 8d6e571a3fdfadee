import { describe, expect, it } from "@effect/vitest"
import { Either, Option, Schema } from "effect"
import {
  AutogmsCustomerCreate,
  AutogmsCustomerListResponse,
  AutogmsCustomerResponse,
  AutogmsDeleteResponse,
  AutogmsErrorCodes,
  AutogmsErrorEnvelope,
  AutogmsGarageResponse,
  AutogmsListQuery,
  AutogmsVehicleCreate,
  AutogmsVehicleResponse,
  AutogmsVinLookupResponse,
  autogmsListQueryToSearchParams,
  decodeAutogms,
  decodeAutogmsRateLimit,
  decodeAutogmsRetryAfterSeconds,
  isKnownAutogmsDrivetrain,
  isKnownAutogmsErrorCode
} from "../../../src/sources/autogms/schema.js"

const customer = {
  id: "cus_000001",
  type: "individual",
  firstName: "Ada",
  lastName: "Lovelace",
  businessName: null,
  email: "ada@example.com",
  phone: "+15551234567",
  secondaryPhone: null,
  address: { line1: "1 Main St", line2: null, city: "Springfield", state: "IL", postalCode: "62701", country: "US" },
  preferredContact: "email",
  marketingOptIn: true,
  taxExempt: false,
  notes: null,
  tags: ["VIP"],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-02T00:00:00.000Z"
}

const vehicle = {
  id: "veh_000001",
  customerId: "cus_000001",
  vin: "1HGCM82633A004352",
  make: "Honda",
  model: "Accord",
  year: 2003,
  mileage: 120000,
  mileageUnit: "mi",
  transmission: "automatic",
  drivetrain: "fwd",
  tags: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-02T00:00:00.000Z"
}

const pagination = { page: 1, limit: 20, total: 1, totalPages: 1, hasMore: false }

describe("autoGMS wire schemas", () => {
  it("decodes a customer list and ignores unknown fields", () => {
    const result = decodeAutogms(AutogmsCustomerListResponse)({
      success: true,
      data: [{ ...customer, loyaltyTier: "gold" }],
      pagination,
      meta: { requestId: "x" }
    })
    expect(Either.isRight(result)).toBe(true)
    if (Either.isRight(result)) {
      expect(result.right.data[0]!.email).toBe("ada@example.com")
      expect("loyaltyTier" in result.right.data[0]!).toBe(false)
      expect(result.right.pagination.hasMore).toBe(false)
    }
  })

  it("keeps unknown enum values as strings and says they are unknown", () => {
    const result = decodeAutogms(AutogmsVehicleResponse)({
      success: true,
      data: { ...vehicle, drivetrain: "6x6", transmission: "dct", mileageUnit: "hours" }
    })
    expect(Either.isRight(result)).toBe(true)
    if (Either.isRight(result)) {
      expect(result.right.data.drivetrain).toBe("6x6")
      expect(isKnownAutogmsDrivetrain(result.right.data.drivetrain)).toBe(false)
      expect(isKnownAutogmsDrivetrain("awd")).toBe(true)
    }
  })

  it("accepts null or absence for nullable fields, and a missing tags array becomes []", () => {
    const sparse = { id: "veh_2", customerId: "cus_1", vin: null, make: null, createdAt: "t", updatedAt: "t" }
    const result = decodeAutogms(AutogmsVehicleResponse)({ success: true, data: sparse })
    expect(Either.isRight(result)).toBe(true)
    if (Either.isRight(result)) {
      expect(result.right.data.vin).toBeNull()
      expect(result.right.data.model).toBeUndefined()
      expect(result.right.data.tags).toEqual([])
    }
    const nullTags = decodeAutogms(AutogmsCustomerResponse)({ success: true, data: { ...customer, tags: null, address: null } })
    expect(Either.isRight(nullTags) && nullTags.right.data.tags).toEqual([])
  })

  it("decodes a single customer with stats", () => {
    const result = decodeAutogms(AutogmsCustomerResponse)({
      success: true,
      data: { ...customer, stats: { totalBookings: 3, lastVisitAt: null, totalSpend: 412.5 } }
    })
    expect(Either.isRight(result) && result.right.data.stats?.totalBookings).toBe(3)
  })

  it("rejects a record without its id, and reports every bad field", () => {
    const result = decodeAutogms(AutogmsCustomerResponse)({ success: true, data: { ...customer, id: undefined, email: 42 } })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left.message).toContain("id")
      expect(result.left.message).toContain("email")
    }
  })

  it("rejects a success envelope whose success is false", () => {
    expect(Either.isLeft(decodeAutogms(AutogmsGarageResponse)({ success: false, data: { id: "g", name: "n" } }))).toBe(true)
  })

  it("decodes garages with an unknown distance unit", () => {
    const result = decodeAutogms(AutogmsGarageResponse)({
      success: true,
      data: { id: "garage-1", name: "Main", country: "US", timezone: "America/Chicago", currency: "USD", distanceUnit: "furlong" }
    })
    expect(Either.isRight(result) && result.right.data.distanceUnit).toBe("furlong")
  })

  it("decodes error envelopes with details and existingId", () => {
    const validation = decodeAutogms(AutogmsErrorEnvelope)({
      success: false,
      error: {
        type: "ValidationError",
        message: "bad",
        code: "VALIDATION_ERROR",
        details: [{ field: "limit", message: "at most 100" }]
      }
    })
    expect(Either.isRight(validation) && validation.right.error.details?.[0]?.field).toBe("limit")
    const conflict = decodeAutogms(AutogmsErrorEnvelope)({
      success: false,
      error: { type: "ConflictError", message: "exists", code: AutogmsErrorCodes.CUSTOMER_EXISTS, existingId: "cus_000009" }
    })
    expect(Either.isRight(conflict) && conflict.right.error.existingId).toBe("cus_000009")
    const unknownCode = decodeAutogms(AutogmsErrorEnvelope)({
      success: false,
      error: { type: "TeapotError", message: "?", code: "I_AM_A_TEAPOT" }
    })
    expect(Either.isRight(unknownCode)).toBe(true)
    expect(isKnownAutogmsErrorCode("I_AM_A_TEAPOT")).toBe(false)
    expect(isKnownAutogmsErrorCode("VEHICLE_EXISTS")).toBe(true)
    expect(Either.isLeft(decodeAutogms(AutogmsErrorEnvelope)({ success: false, error: { message: "no code" } }))).toBe(true)
  })

  it("decodes delete and VIN lookup responses", () => {
    expect(Either.isRight(decodeAutogms(AutogmsDeleteResponse)({ success: true, data: { id: "veh_1", deleted: true } }))).toBe(true)
    const lookup = decodeAutogms(AutogmsVinLookupResponse)({
      success: true,
      data: { vin: "1HGCM82633A004352", valid: true, checkDigitValid: true, make: "Honda", model: null, year: 2003, manufacturer: "Honda" }
    })
    expect(Either.isRight(lookup)).toBe(true)
  })

  it("customer create requires both names, or businessName for a business", () => {
    const decode = decodeAutogms(AutogmsCustomerCreate)
    expect(Either.isRight(decode({ firstName: "A", lastName: "B" }))).toBe(true)
    expect(Either.isLeft(decode({ firstName: "A" }))).toBe(true)
    expect(Either.isRight(decode({ type: "business", businessName: "Fleet Co" }))).toBe(true)
    expect(Either.isLeft(decode({ type: "business", firstName: "A", lastName: "B" }))).toBe(true)
    expect(Either.isLeft(decode({ firstName: "A", lastName: "B", preferredContact: "pigeon" }))).toBe(true)
  })

  it("vehicle create is strict about enums, VIN length and integer mileage", () => {
    const decode = decodeAutogms(AutogmsVehicleCreate)
    const base = { customerId: "cus_1", make: "Honda", model: "Accord" }
    expect(Either.isRight(decode({ ...base, vin: "1HGCM82633A004352", mileage: 10, drivetrain: "awd" }))).toBe(true)
    expect(Either.isLeft(decode({ ...base, drivetrain: "6x6" }))).toBe(true)
    expect(Either.isLeft(decode({ ...base, vin: "SHORT" }))).toBe(true)
    expect(Either.isLeft(decode({ ...base, mileage: 10.5 }))).toBe(true)
    expect(Either.isLeft(decode({ customerId: "cus_1", make: "Honda" }))).toBe(true)
  })

  it("list query decodes from strings, enforces the limit and sort, and encodes back", () => {
    const decode = Schema.decodeUnknownEither(AutogmsListQuery)
    const ok = decode({ page: "2", limit: "100", sort: "-updatedAt", dateFrom: "2026-01-01" })
    expect(Either.isRight(ok) && ok.right.limit).toBe(100)
    expect(Either.isLeft(decode({ limit: "101" }))).toBe(true)
    expect(Either.isLeft(decode({ page: "0" }))).toBe(true)
    expect(Either.isLeft(decode({ page: "abc" }))).toBe(true)
    expect(Either.isLeft(decode({ sort: "color" }))).toBe(true)
    expect(autogmsListQueryToSearchParams({ page: 3, limit: 50, vin: "X" }).toString()).toBe("page=3&limit=50&vin=X")
  })

  it("reads RateLimit-* headers in any case, and Retry-After as seconds or a date", () => {
    expect(
      decodeAutogmsRateLimit({ "RateLimit-Limit": "60", "ratelimit-remaining": "59", "RATELIMIT-RESET": "1767225660" })
    ).toEqual(Option.some({ limit: 60, remaining: 59, resetAtUnixSeconds: 1767225660 }))
    expect(Option.isNone(decodeAutogmsRateLimit({ "ratelimit-limit": "60" }))).toBe(true)
    expect(Option.isNone(decodeAutogmsRateLimit({ "ratelimit-limit": "x", "ratelimit-remaining": "1", "ratelimit-reset": "1" }))).toBe(true)
    expect(decodeAutogmsRetryAfterSeconds({ "retry-after": "7" }, 0)).toEqual(Option.some(7))
    const now = Date.parse("2026-01-01T00:00:00Z")
    expect(decodeAutogmsRetryAfterSeconds({ "Retry-After": "Thu, 01 Jan 2026 00:00:30 GMT" }, now)).toEqual(Option.some(30))
    expect(Option.isNone(decodeAutogmsRetryAfterSeconds({}, now))).toBe(true)
  })
})
