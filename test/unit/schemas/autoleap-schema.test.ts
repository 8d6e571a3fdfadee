import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import {
  AUTOLEAP_MAX_BULK_ITEMS,
  AutoleapBulkSuccess,
  AutoleapCustomer,
  AutoleapCustomerCreateBody,
  AutoleapCustomerList,
  AutoleapDriveTypes,
  AutoleapErrorEnvelope,
  AutoleapListQuery,
  AutoleapProfileResponse,
  AutoleapTokenResponse,
  AutoleapVehicleArchiveBody,
  AutoleapVehicleList,
  AutoleapVehicleListQuery,
  isKnownAutoleapEnum,
  isValidAutoleapTagColor,
  matchAutoleapEnum,
  normalizeAutoleapList
} from "../../../src/sources/autoleap/schema.js"

const decode = <A, I>(schema: Schema.Schema<A, I>, input: unknown) =>
  Schema.decodeUnknownEither(schema, { errors: "all" })(input)

const customer = (id: string, extra: Record<string, unknown> = {}) => ({
  customerId: id,
  customerStatus: "Active",
  createdDate: "2024-01-01T00:00:00.000Z",
  updatedDate: "2024-01-02T00:00:00.000Z",
  firstName: "Ada",
  lastName: "Lovelace",
  ...extra
})

const vehicle = (id: string, extra: Record<string, unknown> = {}) => ({
  vehicleId: id,
  customerId: "al-cus-000001",
  vehicleStatus: "Active",
  createdDate: "2024-01-01T00:00:00.000Z",
  updatedDate: "2024-01-02T00:00:00.000Z",
  year: 2015,
  make: "Honda",
  ...extra
})

describe("AutoLeap list shapes", () => {
  it("decodes the wrapped shape and normalises it", () => {
    const wire = {
      message: "Vehicle fetched successfully",
      results: {
        content: [vehicle("al-veh-1"), vehicle("al-veh-2")],
        pagination: { page: 3, size: 100, totalCount: 250, totalPages: 3, last: true }
      }
    }
    const decoded = decode(AutoleapVehicleList, wire)
    expect(Either.isRight(decoded)).toBe(true)
    const page = normalizeAutoleapList(Either.getOrThrow(decoded))
    expect(page).toEqual({
      items: [expect.objectContaining({ vehicleId: "al-veh-1" }), expect.objectContaining({ vehicleId: "al-veh-2" })],
      page: 3,
      totalPages: 3,
      totalCount: 250,
      last: true
    })
  })

  it("decodes the top-level page shape and normalises it", () => {
    const wire = {
      content: [customer("al-cus-1")],
      pageable: { sort: { sorted: false }, pageNumber: 1 },
      totalPages: 2,
      totalCount: 101,
      last: false,
      size: 100,
      number: 1,
      first: true,
      numberOfElements: 1,
      empty: false
    }
    const page = normalizeAutoleapList(Either.getOrThrow(decode(AutoleapCustomerList, wire)))
    expect(page.items.map((c) => c.customerId)).toEqual(["al-cus-1"])
    expect(page).toMatchObject({ page: 1, totalPages: 2, totalCount: 101, last: false })
  })

  it("rejects a list with no content", () => {
    expect(Either.isLeft(decode(AutoleapCustomerList, { totalPages: 1, totalCount: 0, last: true, number: 1 }))).toBe(true)
    expect(
      Either.isLeft(
        decode(AutoleapCustomerList, { results: { pagination: { page: 1, totalCount: 0, totalPages: 0, last: true } } })
      )
    ).toBe(true)
  })

  it("rejects a wrapped list whose pagination says nothing about the end", () => {
    const wire = { results: { content: [], pagination: { page: 1 } } }
    expect(Either.isLeft(decode(AutoleapCustomerList, wire))).toBe(true)
  })

  it("rejects a page holding a record without an id", () => {
    const wire = { content: [{ firstName: "No id" }], totalPages: 1, totalCount: 1, last: true, number: 1 }
    expect(Either.isLeft(decode(AutoleapCustomerList, wire))).toBe(true)
  })
})

describe("AutoLeap records as read", () => {
  it("ignores unknown fields at every level", () => {
    const wire = customer("al-cus-1", {
      loyaltyTier: "gold",
      phones: [{ number: "+15550100", type: "mobile", primary: true, active: true, extension: "12" }],
      mainAddress: { address: "1 Main St", city: "Springfield", geo: { lat: 1, lng: 2 } }
    })
    const decoded = Either.getOrThrow(decode(AutoleapCustomer, wire))
    expect(decoded.phones?.[0]?.number).toBe("+15550100")
    expect(decoded.mainAddress?.city).toBe("Springfield")
    expect("loyaltyTier" in decoded).toBe(false)
  })

  it("keeps unknown enum values as they came", () => {
    const decoded = Either.getOrThrow(
      decode(AutoleapCustomer, customer("al-cus-1", { customerType: "VIP", communicationPreference: "pigeon", customerStatus: "Suspended" }))
    )
    expect(decoded.customerType).toBe("VIP")
    expect(decoded.communicationPreference).toBe("pigeon")
    expect(decoded.customerStatus).toBe("Suspended")
    const v = Either.getOrThrow(decode(AutoleapVehicleList, {
      content: [vehicle("al-veh-1", { driveType: "6WD", transmission: "DCT", mileageUnit: "furlongs" })],
      totalPages: 1, totalCount: 1, last: true, number: 1
    }))
    expect(normalizeAutoleapList(v).items[0]?.driveType).toBe("6WD")
  })

  it("accepts null and absent optional fields alike", () => {
    const withNulls = customer("al-cus-1", {
      firstName: null, lastName: null, emails: null, phones: null, mainAddress: null, tags: null, taxExempt: null,
      customerType: null, preferredLocationID: null
    })
    const decoded = Either.getOrThrow(decode(AutoleapCustomer, withNulls))
    expect(decoded.firstName).toBeNull()
    const bare = Either.getOrThrow(decode(AutoleapCustomer, { customerId: "x", createdDate: "d", updatedDate: "d" }))
    expect(bare.firstName).toBeUndefined()
    const nullVehicleParts = Either.getOrThrow(decode(AutoleapVehicleList, {
      content: [vehicle("v", { year: null, mileage: null, vin: null, tags: [{ name: "Fleet", color: null }] })],
      totalPages: 1, totalCount: 1, last: true, number: 1
    }))
    expect(normalizeAutoleapList(nullVehicleParts).items[0]?.year).toBeNull()
  })

  it("rejects a wrong type in a known field", () => {
    expect(Either.isLeft(decode(AutoleapCustomer, customer("al-cus-1", { taxExempt: "yes" })))).toBe(true)
  })
})

describe("AutoLeap envelopes", () => {
  it("decodes tokens, profile, bulk success and errors", () => {
    expect(Either.isRight(decode(AutoleapTokenResponse, { success: true, data: { accessToken: "a.b.c", refreshToken: "r" } }))).toBe(true)
    const profile = Either.getOrThrow(decode(AutoleapProfileResponse, {
      success: true,
      data: { partnerId: "p", name: "P", companies: [{ companyId: "c1", name: "Shop" }, { companyId: "c2", name: "B", locations: null }] }
    }))
    expect(profile.data.companies[0]?.locations).toEqual([])
    expect(Either.isRight(decode(AutoleapBulkSuccess, { success: true, message: "Request completed successfully", data: {} }))).toBe(true)
    expect(Either.getOrThrow(decode(AutoleapErrorEnvelope, { success: false, error: "Too many requests" })).error).toBe("Too many requests")
    expect(Either.isLeft(decode(AutoleapBulkSuccess, { success: false, error: "x" }))).toBe(true)
  })
})

describe("AutoLeap write bodies", () => {
  it("requires first and last name on create and a non-empty batch of at most 100", () => {
    const ok = { companyId: "c", customers: [{ firstName: "A", lastName: "B", customerType: "Regular" }] }
    expect(Either.isRight(decode(AutoleapCustomerCreateBody, ok))).toBe(true)
    expect(Either.isLeft(decode(AutoleapCustomerCreateBody, { companyId: "c", customers: [{ firstName: "A" }] }))).toBe(true)
    expect(Either.isLeft(decode(AutoleapCustomerCreateBody, { companyId: "c", customers: [] }))).toBe(true)
    const tooMany = Array.from({ length: AUTOLEAP_MAX_BULK_ITEMS + 1 }, () => ({ firstName: "A", lastName: "B" }))
    expect(Either.isLeft(decode(AutoleapCustomerCreateBody, { companyId: "c", customers: tooMany }))).toBe(true)
  })

  it("archives vehicles by vehicleId and customerId", () => {
    expect(Either.isRight(decode(AutoleapVehicleArchiveBody, { companyId: "c", vehicles: [{ vehicleId: "v", customerId: "c1" }] }))).toBe(true)
    expect(Either.isLeft(decode(AutoleapVehicleArchiveBody, { companyId: "c", vehicles: [{ customerId: "c1" }] }))).toBe(true)
  })
})

describe("AutoLeap list query", () => {
  it("decodes query strings and encodes numbers back to strings", () => {
    const q = Either.getOrThrow(decode(AutoleapVehicleListQuery, { companyId: "c", page: "2", size: "100", sort: "updatedDate", customerId: "x" }))
    expect(q).toEqual({ companyId: "c", page: 2, size: 100, sort: "updatedDate", customerId: "x" })
    expect(Schema.encodeSync(AutoleapListQuery)({ companyId: "c", page: 3, sortDirection: "DESC" })).toEqual({
      companyId: "c", page: "3", sortDirection: "DESC"
    })
  })

  it("rejects page 0, a non-numeric size and an unknown sort field", () => {
    expect(Either.isLeft(decode(AutoleapListQuery, { companyId: "c", page: "0" }))).toBe(true)
    expect(Either.isLeft(decode(AutoleapListQuery, { companyId: "c", size: "ten" }))).toBe(true)
    expect(Either.isLeft(decode(AutoleapListQuery, { companyId: "c", sort: "name" }))).toBe(true)
    expect(Either.isLeft(decode(AutoleapListQuery, { page: "1" }))).toBe(true)
  })
})

describe("AutoLeap enum helpers", () => {
  it("match known values case-insensitively and report unknown ones", () => {
    expect(matchAutoleapEnum(AutoleapDriveTypes, "awd")).toBe("AWD")
    expect(matchAutoleapEnum(AutoleapDriveTypes, "6WD")).toBeUndefined()
    expect(matchAutoleapEnum(AutoleapDriveTypes, null)).toBeUndefined()
    expect(isKnownAutoleapEnum(["regular", "fleet"], "Regular")).toBe(true)
    expect(isKnownAutoleapEnum(["regular", "fleet"], "vip")).toBe(false)
  })

  it("accepts six hex digits without # as a tag colour", () => {
    expect(isValidAutoleapTagColor("FFff00")).toBe(true)
    expect(isValidAutoleapTagColor("#FFFF00")).toBe(false)
    expect(isValidAutoleapTagColor("FFF")).toBe(false)
  })
})
