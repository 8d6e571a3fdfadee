/** Reason codes: each quarantine and warning of contract/mapping.md, with a message that names the wrong value. */
import { describe, expect, it } from "@effect/vitest"
import { autoleapCustomerToModel, modelCustomerToAutoleap } from "../../../src/mapping/autoleapCustomer.js"
import { autogmsCustomerToModel, modelCustomerToAutogms } from "../../../src/mapping/autogmsCustomer.js"
import { autoleapVehicleToModel, modelVehicleToAutoleap } from "../../../src/mapping/autoleapVehicle.js"
import { autogmsVehicleToModel } from "../../../src/mapping/autogmsVehicle.js"
import { buildNameIndex, findPossibleDuplicate, resolveSourceDuplicates } from "../../../src/mapping/duplicates.js"
import { applyVinLookup, isExcludedArchived, needsVinLookup, validateCustomerFor, validateVehicleFor } from "../../../src/mapping/validate.js"
import { Either } from "effect"
import { agCustomer, agVehicle, alCustomer, alVehicle, ctx, ctxWith, linkedOwner, unlinkedOwner, VALID_VIN } from "./support.js"

const quarantineCode = (v: ReturnType<typeof validateCustomerFor>) => (v.ok ? null : v.quarantine.code)

describe("MISSING_NAME", () => {
  it("no first, last or business name → quarantined for either target", () => {
    const m = autoleapCustomerToModel(alCustomer({ firstName: "  ", lastName: null }), ctx)
    for (const target of ["autogms", "autoleap"] as const) {
      const v = validateCustomerFor(target, m, ctx)
      expect(quarantineCode(v)).toBe("MISSING_NAME")
    }
  })
  it("a business name alone is enough for autoGMS", () => {
    const m = autoleapCustomerToModel(alCustomer({ firstName: null, lastName: null, companyName: "Acme" }), ctx)
    expect(validateCustomerFor("autogms", m, ctx).ok).toBe(true)
  })
  it("AutoLeap needs both names: one missing → quarantined, the message says which", () => {
    const m = autogmsCustomerToModel(agCustomer({ firstName: "Ana", lastName: null, businessName: "Acme Ltd" }), ctx)
    const v = validateCustomerFor("autoleap", m, ctx)
    expect(quarantineCode(v)).toBe("MISSING_NAME")
    expect(v.ok ? "" : v.quarantine.message).toContain("no last name")
  })
  it("configurable: fill the missing names from the business name", () => {
    const fill = ctxWith({ policies: { fillNamesFromBusinessName: true } })
    const m = autogmsCustomerToModel(agCustomer({ type: "business", firstName: null, lastName: null, businessName: "Joe's Garage LLC" }), fill)
    expect(validateCustomerFor("autoleap", m, fill).ok).toBe(true)
    expect(modelCustomerToAutoleap(m.record, null, fill)).toMatchObject({ firstName: "Joe's", lastName: "Garage LLC", companyName: "Joe's Garage LLC" })
  })
})

describe("INVALID_VIN", () => {
  const bad = () => autoleapVehicleToModel(alVehicle({ vin: "1HGCM82633A00435" }), ctx)
  it("quarantined by default, with the VIN and its length in the message", () => {
    const v = validateVehicleFor("autogms", bad(), ctx, { resolveCustomerId: linkedOwner })
    expect(v.ok ? null : v.quarantine.code).toBe("INVALID_VIN")
    expect(v.ok ? "" : v.quarantine.message).toContain("1HGCM82633A00435 has 16 characters; a VIN has 17")
  })
  it("configurable: keep the vehicle without VIN, VIN kept in the sidecar", () => {
    const keep = ctxWith({ policies: { invalidVin: "keep-without-vin" } })
    const m = autoleapVehicleToModel(alVehicle({ vin: "1HGCM82633A00435" }), keep)
    const v = validateVehicleFor("autogms", m, keep, { resolveCustomerId: linkedOwner })
    expect(v.ok).toBe(true)
    expect(v.warnings.map((w) => w.code)).toContain("INVALID_VIN")
    expect(m.record.vin).toBeNull()
    expect(m.sidecar.kept["vin"]).toBe("1HGCM82633A00435")
    expect(Either.getOrThrow(modelVehicleToAutoleap(m.record, m.sidecar, keep, () => "al-1")).vin).toBe("1HGCM82633A00435")
  })
})

describe("VIN_CHECK_DIGIT", () => {
  it("a warning, the vehicle is written with its VIN", () => {
    const m = autoleapVehicleToModel(alVehicle({ vin: "1HGCM82643A004352" }), ctx)
    const v = validateVehicleFor("autogms", m, ctx, { resolveCustomerId: linkedOwner })
    expect(v.ok).toBe(true)
    expect(v.warnings.map((w) => w.code)).toEqual(["VIN_CHECK_DIGIT"])
    expect(v.warnings[0]!.message).toContain("1HGCM82643A004352")
  })
})

describe("MISSING_MAKE_MODEL", () => {
  it("no make and no VIN → quarantined for autoGMS", () => {
    const m = autoleapVehicleToModel(alVehicle({ make: null, vin: null }), ctx)
    expect(needsVinLookup(m.record, ctx)).toBe(false)
    const v = validateVehicleFor("autogms", m, ctx, { resolveCustomerId: linkedOwner })
    expect(v.ok ? null : v.quarantine.code).toBe("MISSING_MAKE_MODEL")
  })
  it("AutoLeap does not need make and model", () => {
    const m = autogmsVehicleToModel(agVehicle({ make: null, model: null }), ctx)
    expect(validateVehicleFor("autoleap", m, ctx, { resolveCustomerId: linkedOwner }).ok).toBe(true)
  })
  it("filled from the VIN lookup when a valid VIN exists", () => {
    const m = autoleapVehicleToModel(alVehicle({ make: null, model: " ", vin: VALID_VIN }), ctx)
    expect(needsVinLookup(m.record, ctx)).toBe(true)
    const enriched = applyVinLookup(m, { valid: true, make: "Honda", model: "Accord" })
    expect(enriched.record).toMatchObject({ make: "Honda", model: "Accord" })
    expect(validateVehicleFor("autogms", enriched, ctx, { resolveCustomerId: linkedOwner }).ok).toBe(true)
  })
  it("configurable: no VIN lookup when the policy is off", () => {
    const off = ctxWith({ policies: { vinLookup: false } })
    const m = autoleapVehicleToModel(alVehicle({ make: null, vin: VALID_VIN }), off)
    expect(needsVinLookup(m.record, off)).toBe(false)
  })
  it("still missing after the lookup → quarantined", () => {
    const m = autoleapVehicleToModel(alVehicle({ make: null, vin: VALID_VIN }), ctx)
    const after = applyVinLookup(m, { valid: true, make: null, model: null })
    const v = validateVehicleFor("autogms", after, ctx, { resolveCustomerId: linkedOwner, vinLookupTried: true })
    expect(v.ok ? "" : v.quarantine.message).toContain("VIN lookup could not fill it")
  })
})

describe("ORPHAN_VEHICLE", () => {
  it("customer not linked on the target → quarantined", () => {
    const m = autoleapVehicleToModel(alVehicle({ customerId: "al-404" }), ctx)
    const v = validateVehicleFor("autogms", m, ctx, { resolveCustomerId: unlinkedOwner })
    expect(v.ok ? null : v.quarantine.code).toBe("ORPHAN_VEHICLE")
    expect(v.ok ? "" : v.quarantine.message).toContain("al-404")
  })
  it("no customer at all → quarantined", () => {
    const m = autoleapVehicleToModel(alVehicle({ customerId: null }), ctx)
    expect(validateVehicleFor("autogms", m, ctx, { resolveCustomerId: linkedOwner }).ok).toBe(false)
  })
})

describe("INVALID_EMAIL, INVALID_PHONE, INVALID_YEAR are warnings on a written record", () => {
  it("the record validates and carries them, each naming the value", () => {
    const c = autoleapCustomerToModel(alCustomer({ emails: [{ emailAddress: "ana@@x" }], phones: [{ number: "555" }] }), ctx)
    const v = validateCustomerFor("autogms", c, ctx)
    expect(v.ok).toBe(true)
    expect(v.warnings.map((w) => w.code)).toEqual(["INVALID_EMAIL", "INVALID_PHONE"])
    expect(v.warnings[0]!.message).toContain('"ana@@x"')
    expect(v.warnings[1]!.message).toContain('"555"')
    const veh = autoleapVehicleToModel(alVehicle({ year: 3020 }), ctx)
    const vv = validateVehicleFor("autogms", veh, ctx, { resolveCustomerId: linkedOwner })
    expect(vv.ok && vv.warnings[0]!.code).toBe("INVALID_YEAR")
    expect(vv.warnings[0]!.message).toContain("3020")
  })
})

describe("DUPLICATE_IN_SOURCE", () => {
  it("the most recently updated keeps the email; the other is written without it and gets it back on the way home", () => {
    const older = autoleapCustomerToModel(alCustomer({ customerId: "old", updatedDate: "2024-01-01T00:00:00Z", emails: [{ emailAddress: "same@example.com" }] }), ctx)
    const newer = autoleapCustomerToModel(alCustomer({ customerId: "new", updatedDate: "2025-06-01T00:00:00Z", emails: [{ emailAddress: "SAME@example.com" }] }), ctx)
    const [o, n] = resolveSourceDuplicates([older, newer])
    expect(n!.record.email).toBe("same@example.com")
    expect(n!.warnings).toEqual([])
    expect(o!.record.email).toBeNull()
    expect(o!.warnings.map((w) => w.code)).toEqual(["DUPLICATE_IN_SOURCE"])
    expect(o!.warnings[0]!.message).toContain("new")
    expect(modelCustomerToAutogms(o!.record, null, ctx).email).toBeNull()
    expect(modelCustomerToAutoleap(o!.record, o!.sidecar, ctx).emails).toEqual([{ emailAddress: "same@example.com" }])
  })
  it("phones and VINs likewise", () => {
    const a = autoleapCustomerToModel(alCustomer({ customerId: "a", updatedDate: "2025-02-01T00:00:00Z", phones: [{ number: "415-555-2671" }] }), ctx)
    const b = autoleapCustomerToModel(alCustomer({ customerId: "b", updatedDate: "2025-01-01T00:00:00Z", phones: [{ number: "+1 (415) 555 2671" }] }), ctx)
    const [ra, rb] = resolveSourceDuplicates([a, b])
    expect(ra!.record.phone).toBe("+14155552671")
    expect(rb!.record.phone).toBeNull()
    const v1 = autoleapVehicleToModel(alVehicle({ vehicleId: "v1", updatedDate: "2025-01-01T00:00:00Z", vin: VALID_VIN }), ctx)
    const v2 = autoleapVehicleToModel(alVehicle({ vehicleId: "v2", updatedDate: "2025-03-01T00:00:00Z", vin: VALID_VIN.toLowerCase() }), ctx)
    const [r1, r2] = resolveSourceDuplicates([v1, v2])
    expect(r1!.record.vin).toBeNull()
    expect(r1!.sidecar.withheld.vin).toBe(VALID_VIN)
    expect(r2!.record.vin).toBe(VALID_VIN)
  })
})

describe("POSSIBLE_DUPLICATE", () => {
  it("same name on the target, different keys → reported, never linked", () => {
    const target = autogmsCustomerToModel(agCustomer({ id: "cus_9", firstName: "ana", lastName: "LOPEZ", email: "other@example.com" }), ctx)
    const index = buildNameIndex([target.record])
    const record = autoleapCustomerToModel(alCustomer({ emails: [{ emailAddress: "ana@example.com" }] }), ctx).record
    const hit = findPossibleDuplicate(record, index)
    expect(hit?.warning.code).toBe("POSSIBLE_DUPLICATE")
    expect(hit?.warning.message).toContain("cus_9")
    expect(findPossibleDuplicate({ ...record, firstName: "Bob" }, index)).toBeUndefined()
  })
})

describe("archived records", () => {
  it("not migrated by default; configurable", () => {
    const m = autoleapCustomerToModel(alCustomer({ customerStatus: "Inactive" }), ctx)
    expect(isExcludedArchived(m, ctx)).toBe(true)
    expect(isExcludedArchived(m, ctxWith({ policies: { includeArchived: true } }))).toBe(false)
  })
})
