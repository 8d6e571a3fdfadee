/**
 * Properties: AutoLeap → model → autoGMS → model → AutoLeap (with the AutoLeap sidecar) gives back the original, for any
 * record the APIs accept; the reverse trip likewise; normalisation is idempotent.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { dedupeTagNames } from "../../../src/domain/tag.js"
import { normalizeVin } from "../../../src/domain/vin.js"
import { autoleapCustomerToModel, modelCustomerToAutoleap } from "../../../src/mapping/autoleapCustomer.js"
import { autogmsCustomerToModel, modelCustomerToAutogms } from "../../../src/mapping/autogmsCustomer.js"
import { autoleapVehicleToModel, modelVehicleToAutoleap } from "../../../src/mapping/autoleapVehicle.js"
import { autogmsVehicleToModel, modelVehicleToAutogms } from "../../../src/mapping/autogmsVehicle.js"
import { looseEqual, toJson } from "../../../src/mapping/json.js"
import { cleanText, isEmailValid, normalizeEmail, toCountryAlpha2, toE164 } from "../../../src/mapping/normalize.js"
import { withoutNulls } from "../../../src/mapping/recordCodec.js"
import { applyTagRules, compileTagRules } from "../../../src/mapping/tags.js"
import type { AutoleapCustomer, AutoleapVehicle } from "../../../src/sources/autoleap/schema.js"
import type { AutogmsCustomer, AutogmsVehicle } from "../../../src/sources/autogms/schema.js"
import type { MappingContext } from "../../../src/mapping/context.js"
import { ctx, ctxWith, VALID_VIN } from "./support.js"

const RUNS = 1000
const opt = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined })
const messy = (values: ReadonlyArray<string>) =>
  fc.tuple(fc.constantFrom(...values), fc.constantFrom("", " ", "  "), fc.constantFrom("", " ", "\t")).map(([v, a, b]) => a + v + b)

const nameArb = fc.oneof(messy(["Ana", "Mary  Ann", "O'Brien", "José", "Li"]), fc.string({ maxLength: 8 }))
const emailArb = fc.oneof(messy(["ana@example.com", "Ana@Example.COM", "bob.smith@shop.co.uk", "bad@", "no-at-sign", ""]), fc.string({ maxLength: 10 }))
const phoneArb = fc.oneof(
  messy(["(415) 555-2671", "+1 212 555 0143", "646.555.0199", "+44 20 7946 0018", "12", "call me", "2125550143", "+14155552671"]),
  fc.string({ maxLength: 10 })
)
const enumArb = (values: ReadonlyArray<string>) => fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 5 }))
const tagNameArb = messy(["VIP", "vip", "Fleet acct", "Fleet", "new  customer", "Cash only"])
const colorArb = fc.constantFrom("FFD700", "00ff00", "CCCCCC", "123ABC")

const autoleapCustomerArb: fc.Arbitrary<AutoleapCustomer> = fc.record(
  {
    customerId: fc.constant("al-1"),
    createdDate: fc.constant("2024-01-01T00:00:00Z"),
    updatedDate: fc.constant("2025-01-01T00:00:00Z"),
    customerStatus: opt(fc.constantFrom("Active", "Inactive")),
    customerType: opt(enumArb(["regular", "fleet", "Regular", "FLEET"])),
    firstName: opt(nameArb),
    lastName: opt(nameArb),
    displayName: opt(nameArb),
    companyName: opt(fc.oneof(messy(["Acme", "Joe's  Garage"]), fc.constant(null))),
    emails: opt(
      fc.array(
        fc.record({ emailAddress: emailArb, label: opt(fc.constantFrom("work", "home")), primary: opt(fc.boolean()), active: opt(fc.boolean()) }, { requiredKeys: ["emailAddress"] }),
        { maxLength: 3 }
      )
    ),
    phones: opt(
      fc.array(
        fc.record(
          { number: phoneArb, label: opt(fc.constantFrom("Cell", "Shop")), type: opt(fc.constantFrom("mobile", "landline")), primary: opt(fc.boolean()), active: opt(fc.boolean()) },
          { requiredKeys: ["number"] }
        ),
        { maxLength: 4 }
      )
    ),
    communicationPreference: opt(enumArb(["mobile", "email", "Mobile", "EMAIL"])),
    notes: opt(fc.oneof(fc.string({ maxLength: 12 }), fc.constant(" multi\nline "))),
    mainAddress: opt(
      fc.record(
        {
          address: opt(messy(["1 Main St", "5266  Cedar Ln"])),
          city: opt(messy(["Austin", "Toronto"])),
          state: opt(fc.constantFrom("TX", "ON", "")),
          zip: opt(fc.constantFrom("78701", " M5V 2T6 ")),
          country: opt(fc.constantFrom("USA", "US", "United States", "Canada", "CAN", "gb", "Narnia", ""))
        },
        { requiredKeys: [] }
      )
    ),
    taxExempt: opt(fc.boolean()),
    tags: opt(fc.array(fc.record({ name: tagNameArb, color: opt(colorArb) }, { requiredKeys: ["name"] }), { maxLength: 4 })),
    chargeAccount: opt(fc.boolean()),
    preferredLocationID: opt(fc.constantFrom("loc-1", "loc-2")),
    languagePreference: opt(fc.constantFrom("EN", "ES")),
    okForMarketing: opt(fc.boolean())
  },
  { requiredKeys: ["customerId", "createdDate", "updatedDate"] }
)

const vinArb = fc.oneof(
  fc.constantFrom(VALID_VIN, "1hgcm8-2633a004352", "1HGCM82643A004352", "SHORTVIN", "1HGCM82633A00435O", ""),
  fc.string({ maxLength: 17 })
)

const autoleapVehicleArb: fc.Arbitrary<AutoleapVehicle> = fc.record(
  {
    vehicleId: fc.constant("al-veh-1"),
    customerId: fc.constant("al-1"),
    createdDate: fc.constant("2024-01-01T00:00:00Z"),
    updatedDate: fc.constant("2025-01-01T00:00:00Z"),
    vehicleStatus: opt(fc.constantFrom("Active", "Inactive")),
    year: opt(fc.oneof(fc.integer({ min: 1800, max: 2100 }), fc.constant(2019))),
    make: opt(messy(["Honda", "Ford", ""])),
    model: opt(messy(["Accord", "F-150", "Model  3"])),
    vehicleName: opt(fc.constantFrom("My car", "2019 Honda Accord")),
    engine: opt(fc.constantFrom("2.0L", " V8 ")),
    color: opt(fc.constantFrom("Red", "blue ")),
    licensePlate: opt(fc.constantFrom("7ABC123", "7-abc 123", " XYZ ")),
    state: opt(fc.constantFrom("CA", "tx", "")),
    vin: opt(vinArb),
    imgUrl: opt(fc.constantFrom("", "https://img/x.jpg")),
    notes: opt(fc.string({ maxLength: 10 })),
    tags: opt(fc.array(fc.record({ name: tagNameArb, color: opt(colorArb) }, { requiredKeys: ["name"] }), { maxLength: 3 })),
    driveType: opt(enumArb(["FWD", "RWD", "AWD", "4WD", "4wd", "6WD"])),
    transmission: opt(enumArb(["Automatic", "Manual", "CVT", "manual", "DCT"])),
    mileage: opt(fc.oneof(fc.integer({ min: 0, max: 400_000 }), fc.double({ min: 0, max: 400_000, noNaN: true }))),
    mileageUnit: opt(enumArb(["Miles", "KM", "km", "furlongs"]))
  },
  { requiredKeys: ["vehicleId", "customerId", "createdDate", "updatedDate"] }
)

/** What AutoLeap holds of a record as read, in the form its write items can express (no nulls; ids and dates are not written). */
const writable = (record: Readonly<Record<string, unknown>>, readOnly: ReadonlyArray<string>) => {
  const copy: Record<string, unknown> = { ...record }
  for (const key of readOnly) delete copy[key]
  return withoutNulls(toJson(copy))
}

/** What autoGMS gives back after a create: the body plus an id and timestamps. */
const asAutogmsCustomer = (body: object): AutogmsCustomer =>
  ({ ...(body as AutogmsCustomer), id: "cus_1", createdAt: "2025-02-01T00:00:00Z", updatedAt: "2025-02-01T00:00:00Z" })
const asAutogmsVehicle = (body: object): AutogmsVehicle =>
  ({ ...(body as AutogmsVehicle), id: "veh_1", createdAt: "2025-02-01T00:00:00Z", updatedAt: "2025-02-01T00:00:00Z" })

/** An enum value the target's API would refuse (one the mapping does not know, blank included) is left out, never sent. */
const withoutRefusedEnums = <S extends "autoleap" | "autogms">(expected: Record<string, unknown>, system: S, keys: ReadonlyArray<keyof MappingContext["enums"][S]>, c: MappingContext) => {
  for (const key of keys) {
    const value = expected[key as string]
    const codec = c.enums[system][key] as { readonly read: (raw: string) => unknown }
    if (typeof value === "string" && codec.read(value) === undefined) delete expected[key as string]
  }
}

const expectLooseEqual = (actual: unknown, expected: unknown) => {
  if (!looseEqual(actual, expected)) expect(actual).toEqual(expected)
}

describe("round trip AutoLeap → model → autoGMS → model → AutoLeap", () => {
  it(`customers give back every original field (${RUNS} records)`, () => {
    const renames = ctxWith({ tags: { customers: { rename: { "Fleet acct": "Fleet" }, drop: ["Cash only"] } } })
    for (const c of [ctx, renames]) {
      fc.assert(
        fc.property(autoleapCustomerArb, (original) => {
          const first = autoleapCustomerToModel(original, c)
          const autogms = asAutogmsCustomer(modelCustomerToAutogms(first.record, null, c))
          const second = autogmsCustomerToModel(autogms, c)
          const { source: _s1, updatedAt: _u1, archived: _a1, ...fields1 } = first.record
          const { source: _s2, updatedAt: _u2, archived: _a2, ...fields2 } = second.record
          expect(fields2).toEqual(fields1)
          expect(second.warnings).toEqual([])
          const back = modelCustomerToAutoleap(second.record, first.sidecar, c)
          const expected = writable(original, ["customerId", "createdDate", "updatedDate", "customerStatus"]) as Record<string, unknown>
          // AutoLeap's create item requires both names: a record without one is written with "" (validation quarantines it first).
          expected["firstName"] ??= ""
          expected["lastName"] ??= ""
          withoutRefusedEnums(expected, "autoleap", ["customerType", "communicationPreference"], c)
          // A list holding an address AutoLeap's API refuses is left out, never sent: AutoLeap keeps the one it has.
          const emails = Array.isArray(expected["emails"]) ? (expected["emails"] as ReadonlyArray<{ readonly emailAddress?: unknown }>) : []
          if (emails.some((e) => typeof e.emailAddress === "string" && !isEmailValid(normalizeEmail(e.emailAddress)))) delete expected["emails"]
          expectLooseEqual(back, expected)
        }),
        { numRuns: RUNS }
      )
    }
  })

  it(`vehicles give back every original field (${RUNS} records)`, () => {
    const keep = ctxWith({ policies: { invalidVin: "keep-without-vin" } })
    for (const c of [ctx, keep]) {
      fc.assert(
        fc.property(autoleapVehicleArb, (original) => {
          const first = autoleapVehicleToModel(original, c)
          const autogms = asAutogmsVehicle(Either.getOrThrow(modelVehicleToAutogms(first.record, null, c, () => "cus_1")))
          const second = autogmsVehicleToModel(autogms, c)
          const { source: _s1, updatedAt: _u1, archived: _a1, owner: _o1, ...fields1 } = first.record
          const { source: _s2, updatedAt: _u2, archived: _a2, owner: _o2, ...fields2 } = second.record
          expect(fields2).toEqual(fields1)
          const back = Either.getOrThrow(modelVehicleToAutoleap(second.record, first.sidecar, c, () => "al-1"))
          const expected = writable(original, ["vehicleId", "createdDate", "updatedDate", "vehicleStatus"]) as Record<string, unknown>
          // AutoLeap's write item takes whole years only: a fractional year stays in the sidecar.
          if (typeof expected["year"] === "number" && !Number.isInteger(expected["year"])) delete expected["year"]
          withoutRefusedEnums(expected, "autoleap", ["driveType", "transmission", "mileageUnit"], c)
          // autoGMS holds make and model; the create body sends "" for a missing one, which reads back as no value.
          expectLooseEqual(back, expected)
        }),
        { numRuns: RUNS }
      )
    }
  })
})

describe("round trip autoGMS → model → AutoLeap → model → autoGMS", () => {
  const autogmsCustomerArb: fc.Arbitrary<AutogmsCustomer> = fc.record(
    {
      id: fc.constant("cus_1"),
      createdAt: fc.constant("2024-01-01T00:00:00Z"),
      updatedAt: fc.constant("2025-01-01T00:00:00Z"),
      type: opt(fc.oneof(enumArb(["individual", "business", "Business"]), fc.constant(null))),
      firstName: opt(fc.oneof(nameArb, fc.constant(null))),
      lastName: opt(fc.oneof(nameArb, fc.constant(null))),
      businessName: opt(fc.oneof(messy(["Acme"]), fc.constant(null))),
      email: opt(fc.oneof(emailArb, fc.constant(null))),
      phone: opt(fc.oneof(phoneArb, fc.constant(null))),
      // AutoLeap cannot say "a second phone but no first one": generated below only next to a phone.
      secondaryPhone: fc.constant(undefined),
      preferredContact: opt(fc.oneof(enumArb(["email", "phone", "sms", "whatsapp"]), fc.constant(null))),
      address: opt(
        fc.oneof(
          fc.constant(null),
          fc.record({
            line1: fc.oneof(messy(["1 Main St"]), fc.constant(null)),
            line2: fc.oneof(fc.constant("Apt 2"), fc.constant(null)),
            city: fc.oneof(messy(["London"]), fc.constant(null)),
            state: fc.constant(null),
            postalCode: fc.oneof(fc.constant("N1 9GU"), fc.constant(null)),
            country: fc.oneof(fc.constantFrom("GB", "US", "gb", "XX"), fc.constant(null))
          })
        )
      ),
      marketingOptIn: opt(fc.boolean()),
      taxExempt: opt(fc.boolean()),
      notes: opt(fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null))),
      tags: fc.array(tagNameArb, { maxLength: 3 })
    },
    { requiredKeys: ["id", "createdAt", "updatedAt", "tags"] }
  )

  const withSecondPhone = fc
    .tuple(autogmsCustomerArb, opt(phoneArb))
    .map(([c, second]) => (typeof c.phone === "string" && toE164(c.phone, "US") !== null && second !== undefined ? { ...c, secondaryPhone: second } : c))

  it(`customers give back every original field (${RUNS} records)`, () => {
    fc.assert(
      fc.property(withSecondPhone, (original) => {
        const first = autogmsCustomerToModel(original, ctx)
        const al = modelCustomerToAutoleap(first.record, null, ctx)
        const second = autoleapCustomerToModel({ ...al, customerId: "al-1", createdDate: "x", updatedDate: "y" } as AutoleapCustomer, ctx)
        const { source: _s1, updatedAt: _u1, ...fields1 } = first.record
        const { source: _s2, updatedAt: _u2, ...fields2 } = second.record
        // AutoLeap requires both names: a missing one is written as "" and reads back as no name.
        expect(fields2).toEqual(fields1)
        const back = modelCustomerToAutogms(second.record, first.sidecar, ctx)
        const { id: _i, createdAt: _c, updatedAt: _u, ...expected } = original
        // An address autoGMS's API would refuse is left out, never sent: autoGMS keeps the one it has.
        const refused = typeof expected.email === "string" && expected.email.trim() !== "" && !isEmailValid(normalizeEmail(expected.email))
        const sent: Record<string, unknown> = refused ? { ...expected, email: undefined } : { ...expected }
        withoutRefusedEnums(sent, "autogms", ["type", "preferredContact"], ctx)
        for (const key of ["phone", "secondaryPhone"]) {
          const value = sent[key]
          if (typeof value === "string" && value.trim() !== "" && toE164(value, "US") === null) delete sent[key]
        }
        expectLooseEqual(back, sent)
      }),
      { numRuns: RUNS }
    )
  })
})

describe("normalisation is idempotent", () => {
  const text = fc.string({ maxLength: 20, unit: fc.constantFrom("a", "B", " ", "\t", "\n", "é", "-", "@", ".", "1", "+", "(", ")") })
  it("names, emails, phones, VINs, countries, tags", () => {
    fc.assert(
      fc.property(text, (raw) => {
        const name = cleanText(raw)
        expect(cleanText(name)).toBe(name)
        const email = normalizeEmail(raw)
        expect(normalizeEmail(email)).toBe(email)
        const vin = normalizeVin(raw)
        expect(normalizeVin(vin)).toBe(vin)
        const tags = dedupeTagNames([raw, raw.toUpperCase()])
        expect(dedupeTagNames(tags)).toEqual(tags)
        const rules = compileTagRules({ rename: { [raw.trim() || "x"]: "Renamed" }, drop: [] })
        const once = applyTagRules([raw, "Other"], rules)
        expect(applyTagRules(once, rules)).toEqual(once)
      }),
      { numRuns: RUNS }
    )
    fc.assert(
      fc.property(phoneArb, fc.constantFrom("US", "GB", "DE"), (raw, country) => {
        const e164 = toE164(raw, country)
        if (e164 !== null) expect(toE164(e164, country)).toBe(e164)
      }),
      { numRuns: RUNS }
    )
    for (const raw of ["USA", "United States", "us", "Canada", "CAN", "Deutschland", "Narnia"]) {
      const code = toCountryAlpha2(raw)
      if (code !== null) expect(toCountryAlpha2(code)).toBe(code)
    }
  })

  it("a model read back from its own canonical wire form is unchanged", () => {
    fc.assert(
      fc.property(autoleapCustomerArb, (original) => {
        const m = autoleapCustomerToModel(original, ctx).record
        const again = autoleapCustomerToModel({ ...modelCustomerToAutoleap(m, null, ctx), customerId: "al-1", createdDate: "x", updatedDate: "y" } as AutoleapCustomer, ctx).record
        const { source: _a, updatedAt: _b, archived: _c, ...f1 } = m
        const { source: _d, updatedAt: _e, archived: _f, ...f2 } = again
        expect(f2).toEqual(f1)
      }),
      { numRuns: RUNS }
    )
  })
})
