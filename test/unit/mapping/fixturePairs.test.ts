/**
 * Fixture pairs, one per rule of contract/mapping.md: an input record and what it must become, in both directions.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { autoleapCustomerToModel, modelCustomerToAutoleap } from "../../../src/mapping/autoleapCustomer.js"
import { autogmsCustomerToModel, modelCustomerToAutogms } from "../../../src/mapping/autogmsCustomer.js"
import { autoleapVehicleToModel, modelVehicleToAutoleap } from "../../../src/mapping/autoleapVehicle.js"
import { autogmsVehicleToModel, modelVehicleToAutogms } from "../../../src/mapping/autogmsVehicle.js"
import type { AutoleapCustomer, AutoleapVehicle } from "../../../src/sources/autoleap/schema.js"
import type { AutogmsCustomer, AutogmsVehicle } from "../../../src/sources/autogms/schema.js"
import { agCustomer, agVehicle, alCustomer, alVehicle, ctx, ctxWith, linkedOwner, VALID_VIN } from "./support.js"

const codes = (findings: ReadonlyArray<{ code: string }>) => findings.map((f) => f.code)

interface CustomerPair {
  readonly rule: string
  readonly autoleap: Partial<AutoleapCustomer>
  readonly model: Record<string, unknown>
  readonly autogms: Record<string, unknown>
  readonly warnings?: ReadonlyArray<string>
}

// AutoLeap → model → autoGMS
const customerPairs: ReadonlyArray<CustomerPair> = [
  { rule: "regular → individual", autoleap: { customerType: "regular" }, model: { type: "individual" }, autogms: { type: "individual" } },
  { rule: "fleet → business, case-insensitive", autoleap: { customerType: "FLEET" }, model: { type: "business" }, autogms: { type: "business" } },
  {
    rule: "unknown customer type → null, reported",
    autoleap: { customerType: "vip" },
    model: { type: null },
    autogms: {},
    warnings: ["UNKNOWN_ENUM_VALUE"]
  },
  {
    rule: "names trimmed, inner white space collapsed",
    autoleap: { firstName: "  Mary   Ann ", lastName: "\tSmith  " },
    model: { firstName: "Mary Ann", lastName: "Smith" },
    autogms: { firstName: "Mary Ann", lastName: "Smith" }
  },
  { rule: "companyName → businessName", autoleap: { companyName: " Acme  Fleet " }, model: { businessName: "Acme Fleet" }, autogms: { businessName: "Acme Fleet" } },
  {
    rule: "email: primary active one, lower-cased",
    autoleap: {
      emails: [
        { emailAddress: "old@example.com", primary: false, active: true },
        { emailAddress: " Ana@Example.COM ", primary: true, active: true }
      ]
    },
    model: { email: "ana@example.com" },
    autogms: { email: "ana@example.com" }
  },
  {
    rule: "email: first active when no primary is active",
    autoleap: {
      emails: [
        { emailAddress: "gone@example.com", primary: true, active: false },
        { emailAddress: "b@example.com", primary: false, active: true }
      ]
    },
    model: { email: "b@example.com" },
    autogms: { email: "b@example.com" }
  },
  {
    rule: "email: the first when none is active",
    autoleap: { emails: [{ emailAddress: "x@example.com", active: false }, { emailAddress: "y@example.com", active: false }] },
    model: { email: "x@example.com" },
    autogms: { email: "x@example.com" }
  },
  {
    rule: "email: an invalid address is never written (INVALID_EMAIL)",
    autoleap: { emails: [{ emailAddress: "ana(at)example", primary: true, active: true }, { emailAddress: "ok@example.com" }] },
    model: { email: "ok@example.com" },
    autogms: { email: "ok@example.com" },
    warnings: ["INVALID_EMAIL"]
  },
  {
    rule: "phones: primary active → phone, next active → secondaryPhone, E.164",
    autoleap: {
      phones: [
        { number: "415-555-0000", primary: false, active: false },
        { number: "(415) 555-2671", primary: false, active: true },
        { number: "+1 212 555 0143", primary: true, active: true },
        { number: "646.555.0199", primary: false, active: true }
      ]
    },
    model: { phone: "+12125550143", secondaryPhone: "+14155552671" },
    autogms: { phone: "+12125550143", secondaryPhone: "+14155552671" }
  },
  {
    rule: "phones: an unparseable number is never written (INVALID_PHONE)",
    autoleap: { phones: [{ number: "call me maybe", primary: true, active: true }, { number: "(415) 555-2671", active: true }] },
    model: { phone: "+14155552671", secondaryPhone: null },
    autogms: { phone: "+14155552671", secondaryPhone: null },
    warnings: ["INVALID_PHONE"]
  },
  {
    rule: "phones: default country US reads national numbers",
    autoleap: { phones: [{ number: "212 555 0143", primary: true }] },
    model: { phone: "+12125550143" },
    autogms: { phone: "+12125550143" }
  },
  {
    rule: "phones: numbers with a country code keep it",
    autoleap: { phones: [{ number: "+44 20 7946 0018", primary: true }] },
    model: { phone: "+442079460018" },
    autogms: { phone: "+442079460018" }
  },
  { rule: "mobile → sms", autoleap: { communicationPreference: "mobile" }, model: { contactPreference: "sms" }, autogms: { preferredContact: "sms" } },
  { rule: "email → email", autoleap: { communicationPreference: "Email" }, model: { contactPreference: "email" }, autogms: { preferredContact: "email" } },
  {
    rule: "address → line1, zip → postalCode, alpha-3 → alpha-2",
    autoleap: { mainAddress: { address: "1 Main St", city: "Austin", state: "TX", zip: "78701", country: "USA" } },
    model: { address: { line1: "1 Main St", city: "Austin", state: "TX", postalCode: "78701", country: "US" } },
    autogms: { address: { line1: "1 Main St", line2: null, city: "Austin", state: "TX", postalCode: "78701", country: "US" } }
  },
  {
    rule: "country names → alpha-2",
    autoleap: { mainAddress: { city: "Toronto", country: "Canada" } },
    model: { address: { line1: null, city: "Toronto", state: null, postalCode: null, country: "CA" } },
    autogms: { address: { line1: null, line2: null, city: "Toronto", state: null, postalCode: null, country: "CA" } }
  },
  {
    rule: "unknown country → no country, reported",
    autoleap: { mainAddress: { city: "Springfield", country: "Narnia" } },
    model: { address: { line1: null, city: "Springfield", state: null, postalCode: null, country: null } },
    autogms: {},
    warnings: ["UNKNOWN_COUNTRY"]
  },
  { rule: "notes", autoleap: { notes: "Line one\nLine two" }, model: { notes: "Line one\nLine two" }, autogms: { notes: "Line one\nLine two" } },
  { rule: "taxExempt", autoleap: { taxExempt: true }, model: { taxExempt: true }, autogms: { taxExempt: true } },
  { rule: "okForMarketing → marketingOptIn", autoleap: { okForMarketing: false }, model: { marketingOptIn: false }, autogms: { marketingOptIn: false } },
  {
    rule: "tags: names normalised, duplicates collapse case-insensitively, colours dropped",
    autoleap: { tags: [{ name: " VIP ", color: "FFD700" }, { name: "vip", color: "000000" }, { name: "Fleet   acct", color: "00FF00" }] },
    model: { tags: ["VIP", "Fleet acct"] },
    autogms: { tags: ["VIP", "Fleet acct"] }
  }
]

describe("customers: AutoLeap → model → autoGMS", () => {
  for (const pair of customerPairs) {
    it(pair.rule, () => {
      const mapped = autoleapCustomerToModel(alCustomer(pair.autoleap), ctx)
      expect(mapped.record).toMatchObject(pair.model)
      expect(modelCustomerToAutogms(mapped.record, null, ctx)).toMatchObject(pair.autogms)
      expect(codes(mapped.warnings)).toEqual(pair.warnings ?? [])
    })
  }

  it("values autoGMS cannot hold go to the sidecar: displayName, chargeAccount, preferredLocationID, languagePreference, extra emails", () => {
    const mapped = autoleapCustomerToModel(
      alCustomer({
        displayName: "Ana L.",
        chargeAccount: true,
        preferredLocationID: "loc-9",
        languagePreference: "ES",
        emails: [{ emailAddress: "a@example.com", primary: true }, { emailAddress: "second@example.com" }]
      }),
      ctx
    )
    expect(mapped.sidecar.kept).toMatchObject({ displayName: "Ana L.", chargeAccount: true, preferredLocationID: "loc-9", languagePreference: "ES" })
    expect(mapped.sidecar.kept["emails"]).toEqual([{ emailAddress: "a@example.com", primary: true }, { emailAddress: "second@example.com" }])
    const back = modelCustomerToAutoleap(mapped.record, mapped.sidecar, ctx)
    expect(back.emails).toEqual([{ emailAddress: "a@example.com", primary: true }, { emailAddress: "second@example.com" }])
    expect(back.displayName).toBe("Ana L.")
  })

  it("an unparseable phone stays in the sidecar and comes back to AutoLeap; an invalid address AutoLeap refuses is left out", () => {
    const mapped = autoleapCustomerToModel(
      alCustomer({ emails: [{ emailAddress: "not-an-email" }], phones: [{ number: "12", type: "landline", label: "Shop" }] }),
      ctx
    )
    expect(mapped.record.email).toBeNull()
    expect(mapped.record.phone).toBeNull()
    expect(codes(mapped.warnings)).toEqual(["INVALID_EMAIL", "INVALID_PHONE"])
    const back = modelCustomerToAutoleap(mapped.record, mapped.sidecar, ctx)
    expect(back.phones).toEqual([{ number: "12", type: "landline", label: "Shop" }])
    // Found by the chaos suite: AutoLeap's API refuses the address, and with it the whole update. Left out, AutoLeap's
    // update keeps the list it has.
    expect(back).not.toHaveProperty("emails")
  })

  it("an enum value AutoLeap's API refuses is never written back to AutoLeap: an update leaves AutoLeap's own value alone", () => {
    // Found by the chaos suite: the sidecar restored communicationPreference "fax" into the update, AutoLeap refused the
    // whole item (REJECTED_BY_TARGET), and no later edit made in autoGMS ever reached that customer.
    const m = autoleapCustomerToModel(alCustomer({ customerType: "VIP", communicationPreference: "fax" }), ctx)
    const body = modelCustomerToAutoleap({ ...m.record, notes: "new" }, m.sidecar, ctx)
    expect(body).toMatchObject({ notes: "new" })
    expect(body).not.toHaveProperty("customerType")
    expect(body).not.toHaveProperty("communicationPreference")
    // Known values, in the original's spelling, still go back as they were.
    const known = autoleapCustomerToModel(alCustomer({ customerType: "Regular", communicationPreference: "EMAIL" }), ctx)
    expect(modelCustomerToAutoleap(known.record, known.sidecar, ctx)).toMatchObject({ customerType: "Regular", communicationPreference: "EMAIL" })
  })

  it("archived: customerStatus Inactive", () => {
    expect(autoleapCustomerToModel(alCustomer({ customerStatus: "Inactive" }), ctx).record.archived).toBe(true)
    expect(autoleapCustomerToModel(alCustomer({ customerStatus: "Active" }), ctx).record.archived).toBe(false)
  })
})

describe("customers: autoGMS → model → AutoLeap", () => {
  it("individual/business → regular/fleet", () => {
    const biz = autogmsCustomerToModel(agCustomer({ type: "business", businessName: "Acme" }), ctx)
    expect(modelCustomerToAutoleap(biz.record, null, ctx)).toMatchObject({ customerType: "fleet", companyName: "Acme" })
    const ind = autogmsCustomerToModel(agCustomer({ type: "Individual" }), ctx)
    expect(modelCustomerToAutoleap(ind.record, null, ctx)).toMatchObject({ customerType: "regular" })
  })

  it.each([["sms"], ["phone"], ["whatsapp"]])("preferredContact %s → mobile", (value) => {
    const m = autogmsCustomerToModel(agCustomer({ preferredContact: value }), ctx)
    expect(modelCustomerToAutoleap(m.record, null, ctx).communicationPreference).toBe("mobile")
  })

  it("preferredContact email → email", () => {
    const m = autogmsCustomerToModel(agCustomer({ preferredContact: "email" }), ctx)
    expect(modelCustomerToAutoleap(m.record, null, ctx).communicationPreference).toBe("email")
  })

  it("phone → { primary, active, type mobile }; secondaryPhone → a second active entry; email → primary active", () => {
    const m = autogmsCustomerToModel(agCustomer({ phone: "+14155552671", secondaryPhone: "(212) 555-0143", email: "Ana@Example.com" }), ctx)
    const out = modelCustomerToAutoleap(m.record, null, ctx)
    expect(out.phones).toEqual([
      { number: "+14155552671", primary: true, active: true, type: "mobile" },
      { number: "+12125550143", primary: false, active: true, type: "mobile" }
    ])
    expect(out.emails).toEqual([{ emailAddress: "ana@example.com", primary: true, active: true }])
  })

  it("phone changed on autoGMS: the sidecar's type and label are kept", () => {
    const original = autoleapCustomerToModel(alCustomer({ phones: [{ number: "(415) 555-2671", type: "landline", label: "Shop", primary: true, active: true }] }), ctx)
    const changed = { ...original.record, phone: "+12125550143" }
    expect(modelCustomerToAutoleap(changed, original.sidecar, ctx).phones).toEqual([
      { number: "+12125550143", type: "landline", label: "Shop", primary: true, active: true }
    ])
  })

  it("address: alpha-2 → alpha-3, postalCode → zip, line1 → address", () => {
    const m = autogmsCustomerToModel(agCustomer({ address: { line1: "9 High St", line2: "Apt 2", city: "London", postalCode: "N1 9GU", country: "GB" } }), ctx)
    expect(modelCustomerToAutoleap(m.record, null, ctx).mainAddress).toEqual({ address: "9 High St", city: "London", zip: "N1 9GU", country: "GBR" })
    // line2 has no place in AutoLeap: it stays in the autoGMS sidecar and comes back.
    expect(modelCustomerToAutogms(m.record, m.sidecar, ctx).address).toMatchObject({ line2: "Apt 2" })
  })

  it("displayName is written as 'firstName lastName' for a customer born in autoGMS", () => {
    const m = autogmsCustomerToModel(agCustomer({ firstName: "Ana", lastName: "Lopez" }), ctx)
    expect(modelCustomerToAutoleap(m.record, null, ctx).displayName).toBe("Ana Lopez")
  })

  it("tags get the palette colour, else the default CCCCCC", () => {
    const c = ctxWithPalette()
    const m = autogmsCustomerToModel(agCustomer({ tags: ["VIP", "new"] }), c)
    expect(modelCustomerToAutoleap(m.record, null, c).tags).toEqual([
      { name: "VIP", color: "FFD700" },
      { name: "new", color: "CCCCCC" }
    ])
  })

  it("an invalid autoGMS email is never written back to autoGMS: an update leaves autoGMS's own value alone", () => {
    // Found by the chaos suite: the sidecar restored "bad@@example.com" into the PATCH, autoGMS refused the whole update
    // (REJECTED_BY_TARGET), and no later edit made in AutoLeap ever reached that customer.
    const m = autogmsCustomerToModel(agCustomer({ email: "bad@@example.com", lastName: "Lopez" }), ctx)
    const body = modelCustomerToAutogms({ ...m.record, lastName: "Lopez-Garcia" }, m.sidecar, ctx)
    expect(body).toMatchObject({ lastName: "Lopez-Garcia" })
    expect(body).not.toHaveProperty("email")
    // A valid address given in AutoLeap since replaces it.
    expect(modelCustomerToAutogms({ ...m.record, email: "ana@example.com" }, m.sidecar, ctx).email).toBe("ana@example.com")
  })

  it("a phone, enum value or year autoGMS's API refuses is never written back to autoGMS: an update leaves autoGMS's own alone", () => {
    const m = autogmsCustomerToModel(agCustomer({ type: "vip", preferredContact: "fax", phone: "12345", secondaryPhone: "ask" }), ctx)
    const body = modelCustomerToAutogms({ ...m.record, notes: "new" }, m.sidecar, ctx)
    expect(body).toMatchObject({ notes: "new" })
    for (const key of ["type", "preferredContact", "phone", "secondaryPhone"]) expect(body).not.toHaveProperty(key)
    const v = autogmsVehicleToModel(agVehicle({ year: 2099, drivetrain: "awd-t", transmission: "dct", mileageUnit: "furlongs" }), ctx)
    const vehicle = Either.getOrThrow(modelVehicleToAutogms({ ...v.record, color: "Red" }, v.sidecar, ctx, linkedOwner))
    expect(vehicle).toMatchObject({ color: "Red" })
    for (const key of ["year", "drivetrain", "transmission", "mileageUnit"]) expect(vehicle).not.toHaveProperty(key)
  })

  it("an invalid autoGMS email / phone is not written to AutoLeap and is reported", () => {
    const m = autogmsCustomerToModel(agCustomer({ email: "bad@", phone: "000" }), ctx)
    expect(codes(m.warnings)).toEqual(["INVALID_EMAIL", "INVALID_PHONE"])
    const out = modelCustomerToAutoleap(m.record, null, ctx)
    expect(out.emails).toEqual([])
    expect(out.phones).toEqual([])
  })
})

const ctxWithPalette = () => ctxWith({ tags: { palette: { vip: "FFD700" } } })

interface VehiclePair {
  readonly rule: string
  readonly autoleap: Partial<AutoleapVehicle>
  readonly model: Record<string, unknown>
  readonly autogms: Record<string, unknown>
  readonly warnings?: ReadonlyArray<string>
  readonly problems?: ReadonlyArray<string>
}

const vehiclePairs: ReadonlyArray<VehiclePair> = [
  { rule: "year in range", autoleap: { year: 2019 }, model: { year: 2019 }, autogms: { year: 2019 } },
  { rule: "year 1886 is the first", autoleap: { year: 1886 }, model: { year: 1886 }, autogms: { year: 1886 } },
  { rule: "year = current year + 1 is fine", autoleap: { year: 2027 }, model: { year: 2027 }, autogms: { year: 2027 } },
  { rule: "year after current + 1 → null (INVALID_YEAR)", autoleap: { year: 2028 }, model: { year: null }, autogms: { year: null }, warnings: ["INVALID_YEAR"] },
  { rule: "year before 1886 → null (INVALID_YEAR)", autoleap: { year: 1885 }, model: { year: null }, autogms: { year: null }, warnings: ["INVALID_YEAR"] },
  { rule: "fractional year → null (INVALID_YEAR)", autoleap: { year: 2019.5 }, model: { year: null }, autogms: { year: null }, warnings: ["INVALID_YEAR"] },
  { rule: "make / model / engine / color trimmed", autoleap: { make: " Honda ", model: "Civic  Si", engine: "2.0L", color: "Red" }, model: { make: "Honda", model: "Civic Si", engine: "2.0L", color: "Red" }, autogms: { make: "Honda", model: "Civic Si", engine: "2.0L", color: "Red" } },
  { rule: "licensePlate kept as stored, state → plateRegion", autoleap: { licensePlate: "7-ABC 123", state: "CA" }, model: { licensePlate: "7-ABC 123", plateRegion: "CA" }, autogms: { licensePlate: "7-ABC 123", plateRegion: "CA" } },
  { rule: "VIN upper-cased, spaces and dashes removed", autoleap: { vin: " 1hgcm8-2633 a004352 " }, model: { vin: VALID_VIN }, autogms: { vin: VALID_VIN } },
  { rule: "VIN of 16 characters → INVALID_VIN", autoleap: { vin: "1HGCM82633A00435" }, model: { vin: null }, autogms: { vin: null }, problems: ["INVALID_VIN"] },
  { rule: "VIN with I, O or Q → INVALID_VIN", autoleap: { vin: "1HGCM82633A00435O" }, model: { vin: null }, autogms: { vin: null }, problems: ["INVALID_VIN"] },
  { rule: "VIN check digit fails → kept, VIN_CHECK_DIGIT", autoleap: { vin: "1HGCM82643A004352" }, model: { vin: "1HGCM82643A004352" }, autogms: { vin: "1HGCM82643A004352" }, warnings: ["VIN_CHECK_DIGIT"] },
  { rule: "imgUrl → imageUrl", autoleap: { imgUrl: "https://img/x.jpg" }, model: { imageUrl: "https://img/x.jpg" }, autogms: { imageUrl: "https://img/x.jpg" } },
  { rule: "empty imgUrl → null", autoleap: { imgUrl: "" }, model: { imageUrl: null }, autogms: { imageUrl: null } },
  { rule: "driveType FWD → fwd", autoleap: { driveType: "FWD" }, model: { drivetrain: "fwd" }, autogms: { drivetrain: "fwd" } },
  { rule: "driveType case-insensitive (4wd)", autoleap: { driveType: "4wd" }, model: { drivetrain: "4wd" }, autogms: { drivetrain: "4wd" } },
  { rule: "driveType unknown → null + reported", autoleap: { driveType: "6WD" }, model: { drivetrain: null }, autogms: { drivetrain: null }, warnings: ["UNKNOWN_ENUM_VALUE"] },
  { rule: "transmission Automatic → automatic", autoleap: { transmission: "Automatic" }, model: { transmission: "automatic" }, autogms: { transmission: "automatic" } },
  { rule: "transmission cvt case-insensitive", autoleap: { transmission: "cvt" }, model: { transmission: "cvt" }, autogms: { transmission: "cvt" } },
  { rule: "transmission unknown → null + reported", autoleap: { transmission: "DCT" }, model: { transmission: null }, autogms: { transmission: null }, warnings: ["UNKNOWN_ENUM_VALUE"] },
  { rule: "mileage Miles → mi, never converted", autoleap: { mileage: 43253, mileageUnit: "Miles" }, model: { mileage: 43253, mileageUnit: "mi" }, autogms: { mileage: 43253, mileageUnit: "mi" } },
  { rule: "mileage KM → km", autoleap: { mileage: 1000, mileageUnit: "KM" }, model: { mileage: 1000, mileageUnit: "km" }, autogms: { mileage: 1000, mileageUnit: "km" } },
  { rule: "mileage rounded to an integer", autoleap: { mileage: 12345.6 }, model: { mileage: 12346 }, autogms: { mileage: 12346 } },
  { rule: "mileage unit unknown → null + reported", autoleap: { mileageUnit: "furlongs" }, model: { mileageUnit: null }, autogms: { mileageUnit: null }, warnings: ["UNKNOWN_ENUM_VALUE"] },
  { rule: "notes", autoleap: { notes: "Brakes\nsoon" }, model: { notes: "Brakes\nsoon" }, autogms: { notes: "Brakes\nsoon" } },
  { rule: "tags", autoleap: { tags: [{ name: "Fleet", color: "00FF00" }, { name: " fleet " }] }, model: { tags: ["Fleet"] }, autogms: { tags: ["Fleet"] } }
]

describe("vehicles: AutoLeap → model → autoGMS", () => {
  for (const pair of vehiclePairs) {
    it(pair.rule, () => {
      const mapped = autoleapVehicleToModel(alVehicle(pair.autoleap), ctx)
      expect(mapped.record).toMatchObject(pair.model)
      expect(Either.getOrThrow(modelVehicleToAutogms(mapped.record, null, ctx, linkedOwner))).toMatchObject(pair.autogms)
      expect(codes(mapped.warnings)).toEqual(pair.warnings ?? [])
      expect(codes(mapped.problems)).toEqual(pair.problems ?? [])
    })
  }

  it("the vehicle's customer id on autoGMS comes from the resolver", () => {
    const mapped = autoleapVehicleToModel(alVehicle({ customerId: "al-7" }), ctx)
    expect(Either.getOrThrow(modelVehicleToAutogms(mapped.record, null, ctx, linkedOwner)).customerId).toBe("target-al-7")
    const orphan = modelVehicleToAutogms(mapped.record, null, ctx, () => null)
    expect(Either.isLeft(orphan) && orphan.left.code).toBe("ORPHAN_VEHICLE")
  })

  it("vehicleName, the exact mileage and an invalid year stay in the sidecar and come back; an unknown enum is never sent back", () => {
    const original = alVehicle({ vehicleName: "Dad's car", mileage: 12345.6, year: 1700, driveType: "6WD", transmission: "DCT", mileageUnit: "furlongs" })
    const mapped = autoleapVehicleToModel(original, ctx)
    expect(mapped.sidecar.kept).toMatchObject({ vehicleName: "Dad's car", mileage: 12345.6, year: 1700, driveType: "6WD" })
    const back = Either.getOrThrow(modelVehicleToAutoleap(mapped.record, mapped.sidecar, ctx, () => "al-1"))
    expect(back).toMatchObject({ vehicleName: "Dad's car", mileage: 12345.6 })
    // AutoLeap's write schema takes whole years only; 1700 is one, so it comes back too.
    expect(back.year).toBe(1700)
    // AutoLeap's API refuses a value outside its enum (the whole item, and with it every later edit): left out, it keeps its own.
    for (const key of ["driveType", "transmission", "mileageUnit"]) expect(back).not.toHaveProperty(key)
  })

  it("the exact mileage is not restored once autoGMS changed the mileage", () => {
    const mapped = autoleapVehicleToModel(alVehicle({ mileage: 12345.6 }), ctx)
    const back = Either.getOrThrow(modelVehicleToAutoleap({ ...mapped.record, mileage: 13000 }, mapped.sidecar, ctx, () => "al-1"))
    expect(back.mileage).toBe(13000)
  })

  it("archived: vehicleStatus Inactive", () => {
    expect(autoleapVehicleToModel(alVehicle({ vehicleStatus: "Inactive" }), ctx).record.archived).toBe(true)
  })
})

describe("vehicles: autoGMS → model → AutoLeap", () => {
  it("enums back to AutoLeap's spelling; imageUrl null → no imgUrl; vehicleName 'year make model'", () => {
    const m = autogmsVehicleToModel(
      agVehicle({ drivetrain: "awd", transmission: "manual", mileage: 5000, mileageUnit: "km", year: 2020, imageUrl: null, vin: VALID_VIN }),
      ctx
    )
    const out = Either.getOrThrow(modelVehicleToAutoleap(m.record, null, ctx, linkedOwner))
    expect(out).toMatchObject({ driveType: "AWD", transmission: "Manual", mileage: 5000, mileageUnit: "KM", year: 2020, vin: VALID_VIN, vehicleName: "2020 Honda Accord", customerId: "target-cus_1" })
    expect(out.imgUrl).toBeUndefined()
  })

  it("autoGMS trim has no place in AutoLeap: kept in the autoGMS sidecar", () => {
    const m = autogmsVehicleToModel(agVehicle({ trim: "EX-L" }), ctx)
    expect(m.sidecar.kept["trim"]).toBe("EX-L")
    expect(Either.getOrThrow(modelVehicleToAutogms(m.record, m.sidecar, ctx, linkedOwner)).trim).toBe("EX-L")
  })

  it("a bad autoGMS VIN and year are reported the same way", () => {
    const m = autogmsVehicleToModel(agVehicle({ vin: "SHORT", year: 3000 }), ctx)
    expect(codes(m.problems)).toEqual(["INVALID_VIN"])
    expect(codes(m.warnings)).toEqual(["INVALID_YEAR"])
  })
})
