import { Schema } from "effect"

/** The two systems shopbridge moves records between. */
export const SystemName = Schema.Literal("autoleap", "autogms")
export type SystemName = typeof SystemName.Type

/** How a shop manager reads the system's name in a message. */
export const systemDisplayName = (system: SystemName): string => (system === "autoleap" ? "AutoLeap" : "autoGMS")

export const otherSystem = (system: SystemName): SystemName => (system === "autoleap" ? "autogms" : "autoleap")

// Ids are branded per system so an AutoLeap id can never be sent to autoGMS by mistake.
export const AutoleapCustomerId = Schema.String.pipe(Schema.brand("AutoleapCustomerId"))
export type AutoleapCustomerId = typeof AutoleapCustomerId.Type
export const AutogmsCustomerId = Schema.String.pipe(Schema.brand("AutogmsCustomerId"))
export type AutogmsCustomerId = typeof AutogmsCustomerId.Type
export const AutoleapVehicleId = Schema.String.pipe(Schema.brand("AutoleapVehicleId"))
export type AutoleapVehicleId = typeof AutoleapVehicleId.Type
export const AutogmsVehicleId = Schema.String.pipe(Schema.brand("AutogmsVehicleId"))
export type AutogmsVehicleId = typeof AutogmsVehicleId.Type

/** A customer as it is known on one system. */
export const CustomerRef = Schema.Union(
  Schema.Struct({ system: Schema.Literal("autoleap"), id: AutoleapCustomerId }),
  Schema.Struct({ system: Schema.Literal("autogms"), id: AutogmsCustomerId })
)
export type CustomerRef = typeof CustomerRef.Type

/** A vehicle as it is known on one system. */
export const VehicleRef = Schema.Union(
  Schema.Struct({ system: Schema.Literal("autoleap"), id: AutoleapVehicleId }),
  Schema.Struct({ system: Schema.Literal("autogms"), id: AutogmsVehicleId })
)
export type VehicleRef = typeof VehicleRef.Type

export const customerRef = (system: SystemName, id: string): CustomerRef =>
  system === "autoleap"
    ? { system, id: AutoleapCustomerId.make(id, { disableValidation: true }) }
    : { system, id: AutogmsCustomerId.make(id, { disableValidation: true }) }

export const vehicleRef = (system: SystemName, id: string): VehicleRef =>
  system === "autoleap"
    ? { system, id: AutoleapVehicleId.make(id, { disableValidation: true }) }
    : { system, id: AutogmsVehicleId.make(id, { disableValidation: true }) }
