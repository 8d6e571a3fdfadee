import { Schema } from "effect"
import { CustomerRef, VehicleRef } from "./ids.js"

export const Drivetrains = ["fwd", "rwd", "awd", "4wd"] as const
export const Drivetrain = Schema.Literal(...Drivetrains)
export type Drivetrain = typeof Drivetrain.Type

export const Transmissions = ["automatic", "manual", "cvt"] as const
export const Transmission = Schema.Literal(...Transmissions)
export type Transmission = typeof Transmission.Type

export const MileageUnits = ["mi", "km"] as const
export const MileageUnit = Schema.Literal(...MileageUnits)
export type MileageUnit = typeof MileageUnit.Type

const Text = Schema.NullOr(Schema.String)

/** The fields both systems hold, normalised: these are compared, hashed and written. */
export const VehicleFields = Schema.Struct({
  /** Upper-case, 17 characters of A-HJ-NPR-Z0-9; null when absent or invalid (the original stays in the sidecar). */
  vin: Text,
  /** 1886 to the current year + 1. */
  year: Schema.NullOr(Schema.Int),
  make: Text,
  model: Text,
  engine: Text,
  color: Text,
  /** As stored (trimmed); matching uses a compacted form. */
  licensePlate: Text,
  plateRegion: Text,
  notes: Text,
  imageUrl: Text,
  drivetrain: Schema.NullOr(Drivetrain),
  transmission: Schema.NullOr(Transmission),
  /** Integer, as autoGMS holds it; the exact value stays in the sidecar. Never converted between units. */
  mileage: Schema.NullOr(Schema.Int),
  mileageUnit: Schema.NullOr(MileageUnit),
  tags: Schema.Array(Schema.String)
})
export type VehicleFields = typeof VehicleFields.Type

/** A vehicle in the system-neutral model. `owner` is its customer on the same system it came from. */
export const Vehicle = Schema.Struct({
  kind: Schema.Literal("vehicle"),
  source: VehicleRef,
  owner: Schema.NullOr(CustomerRef),
  updatedAt: Schema.String,
  archived: Schema.Boolean,
  ...VehicleFields.fields
})
export type Vehicle = typeof Vehicle.Type

export const VEHICLE_FIELD_NAMES = Object.keys(VehicleFields.fields) as ReadonlyArray<keyof VehicleFields>

/** A vehicle with every field empty: what a wire record is read into, field by field. */
export const emptyVehicleFields = (): { -readonly [K in keyof VehicleFields]: VehicleFields[K] } => ({
  vin: null,
  year: null,
  make: null,
  model: null,
  engine: null,
  color: null,
  licensePlate: null,
  plateRegion: null,
  notes: null,
  imageUrl: null,
  drivetrain: null,
  transmission: null,
  mileage: null,
  mileageUnit: null,
  tags: []
})
