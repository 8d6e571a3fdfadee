/** Natural keys, content hash and changed fields, tag rules and palette, and the phone shortcut against libphonenumber. */
import { describe, expect, it } from "@effect/vitest"
import { autoleapCustomerToModel, modelCustomerToAutoleap } from "../../../src/mapping/autoleapCustomer.js"
import { autogmsCustomerToModel, modelCustomerToAutogms } from "../../../src/mapping/autogmsCustomer.js"
import { autoleapVehicleToModel } from "../../../src/mapping/autoleapVehicle.js"
import { autogmsVehicleToModel } from "../../../src/mapping/autogmsVehicle.js"
import { changedFields, contentHash } from "../../../src/mapping/contentHash.js"
import { findByNaturalKey, indexByNaturalKey, naturalKeys } from "../../../src/mapping/naturalKeys.js"
import { clearPhoneCaches, toE164, toE164WithLibrary } from "../../../src/mapping/normalize.js"
import { learnTagColors, paletteFromMapping } from "../../../src/mapping/tags.js"
import { agCustomer, agVehicle, alCustomer, alVehicle, ctx, ctxWith, VALID_VIN } from "./support.js"

describe("natural keys", () => {
  it("customer: normalised email, then E.164 phone", () => {
    const c = autoleapCustomerToModel(alCustomer({ emails: [{ emailAddress: " Ana@Example.com" }], phones: [{ number: "(415) 555-2671" }] }), ctx).record
    expect(naturalKeys(c)).toEqual(["email:ana@example.com", "phone:+14155552671"])
  })
  it("vehicle: VIN, then plate + region compared upper-case without spaces and dashes", () => {
    const v = autoleapVehicleToModel(alVehicle({ vin: VALID_VIN.toLowerCase(), licensePlate: "7-abc 123", state: "ca" }), ctx).record
    expect(naturalKeys(v)).toEqual([`vin:${VALID_VIN}`, "plate:7ABC123@CA"])
    expect(v.licensePlate).toBe("7-abc 123")
  })
  it("a plate without region is no key", () => {
    expect(naturalKeys(autoleapVehicleToModel(alVehicle({ licensePlate: "7ABC123" }), ctx).record)).toEqual([])
  })
  it("matching tries the keys in order across systems", () => {
    const target = autogmsCustomerToModel(agCustomer({ phone: "+14155552671" }), ctx).record
    const source = autoleapCustomerToModel(alCustomer({ emails: [{ emailAddress: "x@example.com" }], phones: [{ number: "415 555 2671" }] }), ctx).record
    expect(findByNaturalKey(source, indexByNaturalKey([target]))).toBe(target)
  })
})

describe("content hash", () => {
  it("the same customer on both systems hashes the same; a change of a mapped field changes it", () => {
    const al = autoleapCustomerToModel(alCustomer({ emails: [{ emailAddress: "A@x.com" }], mainAddress: { country: "USA", city: "Austin" }, tags: [{ name: "b" }, { name: "A" }] }), ctx).record
    const ag = autogmsCustomerToModel(agCustomer({ ...modelCustomerToAutogms(al, null, ctx), tags: ["A", "b"] } as never), ctx).record
    expect(contentHash(ag)).toBe(contentHash(al))
    expect(contentHash({ ...al, notes: "new" })).not.toBe(contentHash(al))
    // Source, timestamps and archive state are not content.
    expect(contentHash({ ...al, updatedAt: "2030-01-01T00:00:00Z", archived: true })).toBe(contentHash(al))
  })
  it("sidecar-only values (displayName) do not change the hash", () => {
    const a = autoleapCustomerToModel(alCustomer({ displayName: "A" }), ctx).record
    const b = autoleapCustomerToModel(alCustomer({ displayName: "B" }), ctx).record
    expect(contentHash(a)).toBe(contentHash(b))
  })
  it("vehicles: the owner key counts when given", () => {
    const v = autogmsVehicleToModel(agVehicle({ vin: VALID_VIN }), ctx).record
    expect(contentHash(v, "al-1")).not.toBe(contentHash(v, "al-2"))
  })
})

describe("changed fields", () => {
  it("lists before → after per field, address parts dotted", () => {
    const before = autoleapCustomerToModel(alCustomer({ mainAddress: { city: "Austin" } }), ctx).record
    const after = { ...before, email: "new@example.com", address: { ...before.address!, city: "Dallas" } }
    expect(changedFields(before, after)).toEqual([
      { field: "email", before: null, after: "new@example.com" },
      { field: "address.city", before: "Austin", after: "Dallas" }
    ])
    expect(changedFields(before, before)).toEqual([])
  })
})

describe("tags", () => {
  const rules = ctxWith({ tags: { customers: { rename: { "Fleet acct": "Fleet", "fleet ACCOUNT": "Fleet" }, drop: ["internal"] } } })
  it("rename, merge and drop, per entity", () => {
    const c = autoleapCustomerToModel(alCustomer({ tags: [{ name: "fleet  acct" }, { name: "Fleet account" }, { name: "Internal" }, { name: "VIP" }] }), rules)
    expect(c.record.tags).toEqual(["Fleet", "VIP"])
    // Vehicle rules are separate: the customer rules do not apply.
    expect(autoleapVehicleToModel(alVehicle({ tags: [{ name: "Internal" }] }), rules).record.tags).toEqual(["Internal"])
  })
  it("a dropped tag comes back to AutoLeap even after the tags changed on autoGMS", () => {
    const c = autoleapCustomerToModel(alCustomer({ tags: [{ name: "Internal", color: "111111" }, { name: "VIP", color: "FFD700" }] }), rules)
    const out = modelCustomerToAutoleap({ ...c.record, tags: ["VIP", "New"] }, c.sidecar, rules)
    expect(out.tags).toEqual([
      { name: "VIP", color: "FFD700" },
      { name: "New", color: "CCCCCC" },
      { name: "Internal", color: "111111" }
    ])
  })
  it("the palette learns AutoLeap's colours so they survive a trip through autoGMS", () => {
    const palette = learnTagColors(paletteFromMapping({}), [{ name: "VIP", color: "ffd700" }, { name: "x", color: "not a colour" }])
    expect(palette.get("vip")).toBe("FFD700")
    expect(palette.has("x")).toBe(false)
    const c = { ...ctx, palette }
    const born = autogmsCustomerToModel(agCustomer({ tags: ["vip"] }), c)
    expect(modelCustomerToAutoleap(born.record, null, c).tags).toEqual([{ name: "vip", color: "FFD700" }])
  })
  it("configurable default colour", () => {
    const c = ctxWith({ tags: { defaultColor: "abcdef" } })
    const born = autogmsCustomerToModel(agCustomer({ tags: ["x"] }), c)
    expect(modelCustomerToAutoleap(born.record, null, c).tags).toEqual([{ name: "x", color: "ABCDEF" }])
  })
})

describe("phone shortcut", () => {
  it("agrees with libphonenumber on 20,000 North-American numbers in several formats", () => {
    clearPhoneCaches()
    let seed = 12345
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const formats = [(d: string) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`, (d: string) => d, (d: string) => `+1 ${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`, (d: string) => `1-${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`]
    let disagreements = 0
    for (let i = 0; i < 20_000; i++) {
      const digits = String(2 + Math.floor(next() * 8)) + String(Math.floor(next() * 1e9)).padStart(9, "0")
      const raw = formats[i % formats.length]!(digits)
      for (const country of ["US", "CA"]) if (toE164(raw, country) !== toE164WithLibrary(raw, country)) disagreements++
    }
    expect(disagreements).toBe(0)
  })
  it("other default countries go through the library", () => {
    expect(toE164("020 7946 0018", "GB")).toBe("+442079460018")
    expect(toE164("(415) 555-2671", "GB")).toBe(toE164WithLibrary("(415) 555-2671", "GB"))
  })
})
