/** AutoLeap vehicles ⇄ the model (contract/mapping.md, "Vehicles"). */
import { Either } from "effect"
import type { Finding } from "../domain/findings.js"
import { customerRef, vehicleRef, type CustomerRef } from "../domain/ids.js"
import type { Json, Sidecar } from "../domain/sidecar.js"
import { emptyVehicleFields, type Drivetrain, type MileageUnit, type Transmission, type Vehicle, type VehicleFields } from "../domain/vehicle.js"
import type { AutoleapVehicle, AutoleapVehicleCreateItem } from "../sources/autoleap/schema.js"
import type { MappingContext } from "./context.js"
import { withWithheld, type MappedVehicle } from "./mapped.js"
import { messages } from "./messages.js"
import { cleanText } from "./normalize.js"
import { captureSidecar, makeReporter, readFields, withoutNulls, writeFields, type RecordCodec } from "./recordCodec.js"
import {
  autoleapTagsRule,
  enumRule,
  imageUrlRule,
  knownEnumValue,
  mileageRule,
  textRule,
  trimmedTextRule,
  vinRule,
  yearRule
} from "./rules.js"

type F = VehicleFields

// AutoLeap's write item takes no null, only a whole-number year (an invalid year stays in the sidecar only), and no enum
// value its API does not know: such a value (kept in the sidecar) is left out, and AutoLeap's update keeps its own.
const restoreForAutoleap = (key: string, value: Json, ctx: MappingContext): unknown => {
  if (key === "year") return typeof value === "number" && Number.isInteger(value) ? value : undefined
  if (key === "driveType") return knownEnumValue(ctx.enums.autoleap.driveType, value)
  if (key === "transmission") return knownEnumValue(ctx.enums.autoleap.transmission, value)
  if (key === "mileageUnit") return knownEnumValue(ctx.enums.autoleap.mileageUnit, value)
  return withoutNulls(value)
}

export const autoleapVehicleCodec: RecordCodec<F> = {
  system: "autoleap",
  blank: emptyVehicleFields,
  restore: restoreForAutoleap,
  passthrough: ["vehicleName"],
  rules: [
    yearRule<F>("year", undefined),
    textRule<F>("make", "make", undefined),
    textRule<F>("model", "model", undefined),
    textRule<F>("engine", "engine", undefined),
    textRule<F>("color", "color", undefined),
    trimmedTextRule<F>("licensePlate", "licensePlate", undefined),
    textRule<F>("state", "plateRegion", undefined),
    vinRule<F>("vin", undefined),
    imageUrlRule<F>("imgUrl", undefined),
    trimmedTextRule<F>("notes", "notes", undefined),
    autoleapTagsRule<F>("vehicles"),
    enumRule<F, Drivetrain>("driveType", "drivetrain", (ctx) => ctx.enums.autoleap.driveType, undefined),
    enumRule<F, Transmission>("transmission", "transmission", (ctx) => ctx.enums.autoleap.transmission, undefined),
    mileageRule<F>("mileage", undefined),
    enumRule<F, MileageUnit>("mileageUnit", "mileageUnit", (ctx) => ctx.enums.autoleap.mileageUnit, undefined)
  ]
}

const isInactive = (status: string | null | undefined): boolean => (status ?? "").trim().toLowerCase() === "inactive"

export const autoleapVehicleToModel = (vehicle: AutoleapVehicle, ctx: MappingContext): MappedVehicle => {
  const report = makeReporter("autoleap")
  const wireRecord = vehicle as Readonly<Record<string, unknown>>
  const fields = readFields(autoleapVehicleCodec, wireRecord, ctx, report)
  const owner = vehicle.customerId === null || vehicle.customerId === undefined || vehicle.customerId === "" ? null : customerRef("autoleap", vehicle.customerId)
  const record: Vehicle = {
    kind: "vehicle",
    source: vehicleRef("autoleap", vehicle.vehicleId),
    owner,
    updatedAt: vehicle.updatedDate,
    archived: isInactive(vehicle.vehicleStatus),
    ...fields
  }
  return { record, sidecar: captureSidecar(autoleapVehicleCodec, wireRecord, fields, ctx), warnings: report.warnings, problems: report.problems }
}

/** The customer's id on the target system for the vehicle's owner, or null when the owner is not linked. */
export type ResolveCustomerId = (owner: CustomerRef | null) => string | null

/**
 * The AutoLeap create item for a model vehicle (an update item is this plus `vehicleId`), or ORPHAN_VEHICLE when the
 * owner has no AutoLeap id. `sidecar` is the AutoLeap sidecar when the vehicle came from AutoLeap.
 */
export const modelVehicleToAutoleap = (
  model: VehicleFields & { readonly owner: CustomerRef | null },
  sidecar: Sidecar | null | undefined,
  ctx: MappingContext,
  resolveCustomerId: ResolveCustomerId
): Either.Either<AutoleapVehicleCreateItem, Finding> => {
  const customerId = resolveCustomerId(model.owner)
  if (customerId === null) return Either.left(messages.orphanVehicle(model.owner?.system ?? "autogms", "autoleap", model.owner?.id ?? null))
  const fields = withWithheld(model, sidecar)
  const out = writeFields(autoleapVehicleCodec, fields, sidecar, ctx)
  // Born in autoGMS: AutoLeap lists vehicles by vehicleName, so give it "year make model".
  const bornElsewhere = sidecar === null || sidecar === undefined || sidecar.system !== "autoleap"
  if (bornElsewhere && out["vehicleName"] === undefined) {
    const name = cleanText([fields.year, fields.make, fields.model].filter((p) => p !== null).join(" "))
    if (name !== null) out["vehicleName"] = name
  }
  return Either.right({ ...out, customerId } as AutoleapVehicleCreateItem)
}
