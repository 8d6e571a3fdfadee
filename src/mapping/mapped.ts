import type { Customer } from "../domain/customer.js"
import type { Finding } from "../domain/findings.js"
import type { Sidecar } from "../domain/sidecar.js"
import type { Vehicle } from "../domain/vehicle.js"

/**
 * One source record read into the model. `warnings` travel with the record when it is written; `problems` stop it
 * unless the mapping file's policy lets it through (see validateCustomerFor / validateVehicleFor, which decide).
 */
export interface Mapped<R> {
  readonly record: R
  /** Of the record's own system; keep it (the state store does) and pass it back when writing to that system. */
  readonly sidecar: Sidecar
  readonly warnings: ReadonlyArray<Finding>
  readonly problems: ReadonlyArray<Finding>
}
export type MappedCustomer = Mapped<Customer>
export type MappedVehicle = Mapped<Vehicle>

/** Withheld natural-key values back in place: used when a record goes back to the system its sidecar belongs to. */
export const withWithheld = <R extends { email?: string | null; phone?: string | null; vin?: string | null }>(
  record: R,
  sidecar: Sidecar | null | undefined
): R => {
  if (sidecar === null || sidecar === undefined) return record
  const w = sidecar.withheld
  if (w.email === undefined && w.phone === undefined && w.vin === undefined) return record
  const out = { ...record }
  if (w.email !== undefined && "email" in out && out.email === null) out.email = w.email
  if (w.phone !== undefined && "phone" in out && out.phone === null) out.phone = w.phone
  if (w.vin !== undefined && "vin" in out && out.vin === null) out.vin = w.vin
  return out
}
