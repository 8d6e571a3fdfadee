/** The customer of a vehicle changed on both sides: which side's owner each side's record is written with. */
import { describe, expect, it } from "vitest"
import { customerRef, vehicleRef, type CustomerRef, type SystemName } from "../../../src/domain/ids.js"
import { emptyVehicleFields, type Vehicle } from "../../../src/domain/vehicle.js"
import { mergeOwners } from "../../../src/pipeline/merge.js"

const vehicle = (system: SystemName, owner: string | null): Vehicle => ({
  kind: "vehicle",
  source: vehicleRef(system, system === "autoleap" ? "al-veh-1" : "veh_1"),
  owner: owner === null ? null : customerRef(system, owner),
  updatedAt: "2025-01-01T00:00:00.000Z",
  archived: false,
  ...emptyVehicleFields()
})

/** Three linked customer pairs: al-cus-N ⇄ cus_N. */
const ownerOn = (system: SystemName, owner: CustomerRef | null): string | null => {
  if (owner === null) return null
  if (owner.system === system) return owner.id
  const n = owner.id.replace(/^(al-cus-|cus_)/, "")
  return ["1", "2", "3"].includes(n) ? (system === "autoleap" ? `al-cus-${n}` : `cus_${n}`) : null
}

const owners = (base: Vehicle, autoleap: Vehicle, autogms: Vehicle) => {
  const merged = mergeOwners({ base, autoleap, autogms, ownerOn })
  return [merged.autoleap?.id ?? null, merged.autogms?.id ?? null]
}

describe("mergeOwners", () => {
  it("keeps each side's own customer when the vehicle did not move (whichever side the base came from)", () => {
    expect(owners(vehicle("autoleap", "al-cus-1"), vehicle("autoleap", "al-cus-1"), vehicle("autogms", "cus_1"))).toEqual(["al-cus-1", "cus_1"])
    expect(owners(vehicle("autogms", "cus_1"), vehicle("autoleap", "al-cus-1"), vehicle("autogms", "cus_1"))).toEqual(["al-cus-1", "cus_1"])
  })

  it("carries a move made in one app to the other", () => {
    expect(owners(vehicle("autoleap", "al-cus-1"), vehicle("autoleap", "al-cus-2"), vehicle("autogms", "cus_1"))).toEqual(["al-cus-2", "cus_2"])
    expect(owners(vehicle("autogms", "cus_1"), vehicle("autoleap", "al-cus-1"), vehicle("autogms", "cus_3"))).toEqual(["al-cus-3", "cus_3"])
  })

  it("a move in both apps: AutoLeap's wins on both sides", () => {
    expect(owners(vehicle("autoleap", "al-cus-1"), vehicle("autoleap", "al-cus-2"), vehicle("autogms", "cus_3"))).toEqual(["al-cus-2", "cus_2"])
  })

  it("a move to a customer the other side does not have (yet) leaves that side's owner as it is", () => {
    expect(owners(vehicle("autoleap", "al-cus-1"), vehicle("autoleap", "al-cus-9"), vehicle("autogms", "cus_1"))).toEqual(["al-cus-9", "cus_1"])
  })
})
