/** autoGMS vehicles ⇄ the model (contract/mapping.md, "Vehicles"). */
import { Either } from "effect"
import type { Finding } from "../domain/findings.js"
import { customerRef, vehicleRef, type CustomerRef } from "../domain/ids.js"
import type { Json, Sidecar } from "../domain/sidecar.js"
import { emptyVehicleFields, type Drivetrain, type MileageUnit, type Transmission, type Vehicle, type VehicleFields } from "../domain/vehicle.js"
import type { AutogmsVehicle, AutogmsVehicleCreate } from "../sources/autogms/schema.js"
import type { ResolveCustomerId } from "./autoleapVehicle.js"
import { MIN_VEHICLE_YEAR, type MappingContext } from "./context.js"
import { withWithheld, type MappedVehicle } from "./mapped.js"
import { messages } from "./messages.js"
import { captureSidecar, makeReporter, readFields, writeFields, type RecordCodec } from "./recordCodec.js"
import {
  autogmsTagsRule,
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

// autoGMS takes only whole-number years and mileages and 17-character VINs: anything else stays in the sidecar only.
// A year out of range or an enum value its API refuses (INVALID_YEAR, UNKNOWN_ENUM_VALUE) is left out of the write:
// autoGMS keeps its own, where sending it would have the whole update refused.
const restoreForAutogms = (key: string, value: Json, ctx: MappingContext): unknown => {
  if ((key === "year" || key === "mileage") && value !== null && !(typeof value === "number" && Number.isInteger(value))) return null
  if (key === "year" && typeof value === "number" && (value < MIN_VEHICLE_YEAR || value > ctx.maxYear)) return undefined
  if (key === "vin" && value !== null && !(typeof value === "string" && value.length === 17)) return null
  if (value !== null && key === "drivetrain") return knownEnumValue(ctx.enums.autogms.drivetrain, value)
  if (value !== null && key === "transmission") return knownEnumValue(ctx.enums.autogms.transmission, value)
  if (value !== null && key === "mileageUnit") return knownEnumValue(ctx.enums.autogms.mileageUnit, value)
  return value
}

export const autogmsVehicleCodec: RecordCodec<F> = {
  system: "autogms",
  blank: emptyVehicleFields,
  restore: restoreForAutogms,
  passthrough: ["trim"],
  rules: [
    vinRule<F>("vin", null),
    textRule<F>("make", "make", null),
    textRule<F>("model", "model", null),
    yearRule<F>("year", null),
    textRule<F>("engine", "engine", null),
    textRule<F>("color", "color", null),
    trimmedTextRule<F>("licensePlate", "licensePlate", null),
    textRule<F>("plateRegion", "plateRegion", null),
    mileageRule<F>("mileage", null),
    enumRule<F, MileageUnit>("mileageUnit", "mileageUnit", (ctx) => ctx.enums.autogms.mileageUnit, null),
    enumRule<F, Transmission>("transmission", "transmission", (ctx) => ctx.enums.autogms.transmission, null),
    enumRule<F, Drivetrain>("drivetrain", "drivetrain", (ctx) => ctx.enums.autogms.drivetrain, null),
    imageUrlRule<F>("imageUrl", null),
    trimmedTextRule<F>("notes", "notes", null),
    autogmsTagsRule<F>("vehicles")
  ]
}

export const autogmsVehicleToModel = (vehicle: AutogmsVehicle, ctx: MappingContext): MappedVehicle => {
  const report = makeReporter("autogms")
  const wireRecord = vehicle as Readonly<Record<string, unknown>>
  const fields = readFields(autogmsVehicleCodec, wireRecord, ctx, report)
  const record: Vehicle = {
    kind: "vehicle",
    source: vehicleRef("autogms", vehicle.id),
    owner: vehicle.customerId === "" ? null : customerRef("autogms", vehicle.customerId),
    updatedAt: vehicle.updatedAt,
    // autoGMS deletes vehicles instead of archiving them.
    archived: false,
    ...fields
  }
  return { record, sidecar: captureSidecar(autogmsVehicleCodec, wireRecord, fields, ctx), warnings: report.warnings, problems: report.problems }
}

/**
 * The autoGMS create body for a model vehicle (every field present, null clears: it also serves as the PATCH body),
 * or ORPHAN_VEHICLE when the owner has no autoGMS id. Call validateVehicleFor("autogms") first: without make and
 * model autoGMS rejects the body.
 */
export const modelVehicleToAutogms = (
  model: VehicleFields & { readonly owner: CustomerRef | null },
  sidecar: Sidecar | null | undefined,
  ctx: MappingContext,
  resolveCustomerId: ResolveCustomerId
): Either.Either<AutogmsVehicleCreate, Finding> => {
  const customerId = resolveCustomerId(model.owner)
  if (customerId === null) return Either.left(messages.orphanVehicle(model.owner?.system ?? "autoleap", "autogms", model.owner?.id ?? null))
  const out = writeFields(autogmsVehicleCodec, withWithheld(model, sidecar), sidecar, ctx)
  return Either.right({ ...out, customerId, make: out["make"] ?? "", model: out["model"] ?? "" } as AutogmsVehicleCreate)
}
