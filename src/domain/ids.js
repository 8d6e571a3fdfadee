import { Schema } from "effect";
/** The two systems shopbridge moves records between. */
export const SystemName = Schema.Literal("autoleap", "autogms");
/** How a shop manager reads the system's name in a message. */
export const systemDisplayName = (system) => (system === "autoleap" ? "AutoLeap" : "autoGMS");
export const otherSystem = (system) => (system === "autoleap" ? "autogms" : "autoleap");
// Ids are branded per system so an AutoLeap id can never be sent to autoGMS by mistake.
export const AutoleapCustomerId = Schema.String.pipe(Schema.brand("AutoleapCustomerId"));
export const AutogmsCustomerId = Schema.String.pipe(Schema.brand("AutogmsCustomerId"));
export const AutoleapVehicleId = Schema.String.pipe(Schema.brand("AutoleapVehicleId"));
export const AutogmsVehicleId = Schema.String.pipe(Schema.brand("AutogmsVehicleId"));
/** A customer as it is known on one system. */
export const CustomerRef = Schema.Union(Schema.Struct({ system: Schema.Literal("autoleap"), id: AutoleapCustomerId }), Schema.Struct({ system: Schema.Literal("autogms"), id: AutogmsCustomerId }));
/** A vehicle as it is known on one system. */
export const VehicleRef = Schema.Union(Schema.Struct({ system: Schema.Literal("autoleap"), id: AutoleapVehicleId }), Schema.Struct({ system: Schema.Literal("autogms"), id: AutogmsVehicleId }));
export const customerRef = (system, id) => system === "autoleap"
    ? { system, id: AutoleapCustomerId.make(id, { disableValidation: true }) }
    : { system, id: AutogmsCustomerId.make(id, { disableValidation: true }) };
export const vehicleRef = (system, id) => system === "autoleap"
    ? { system, id: AutoleapVehicleId.make(id, { disableValidation: true }) }
    : { system, id: AutogmsVehicleId.make(id, { disableValidation: true }) };
//# sourceMappingURL=ids.js.map