/**
 * Natural keys, in matching order (contract/mapping.md, "Matching"): customer — email, then E.164 phone;
 * vehicle — VIN, then plate + plate region. Keys are strings with a kind prefix, ready for a Map.
 */
import type { Customer, CustomerFields } from "../domain/customer.js"
import type { Vehicle, VehicleFields } from "../domain/vehicle.js"
import { plateMatchKey } from "./normalize.js"

export type NaturalKey = string

export const customerNaturalKeys = (c: Pick<CustomerFields, "email" | "phone">): Array<NaturalKey> => {
  const keys: Array<NaturalKey> = []
  if (c.email !== null) keys.push(`email:${c.email}`)
  if (c.phone !== null) keys.push(`phone:${c.phone}`)
  return keys
}

/** The plate key needs both plate and region: the same plate in two states is two vehicles. */
export const plateKey = (licensePlate: string | null, plateRegion: string | null): NaturalKey | null => {
  if (licensePlate === null || plateRegion === null) return null
  const plate = plateMatchKey(licensePlate)
  const region = plateMatchKey(plateRegion)
  return plate === "" || region === "" ? null : `plate:${plate}@${region}`
}

export const vehicleNaturalKeys = (v: Pick<VehicleFields, "vin" | "licensePlate" | "plateRegion">): Array<NaturalKey> => {
  const keys: Array<NaturalKey> = []
  if (v.vin !== null) keys.push(`vin:${v.vin}`)
  const plate = plateKey(v.licensePlate, v.plateRegion)
  if (plate !== null) keys.push(plate)
  return keys
}

export const naturalKeys = (record: Customer | Vehicle): Array<NaturalKey> =>
  record.kind === "customer" ? customerNaturalKeys(record) : vehicleNaturalKeys(record)

/** Records by each of their natural keys (the first record holding a key keeps it). */
export const indexByNaturalKey = <R extends Customer | Vehicle>(records: Iterable<R>): Map<NaturalKey, R> => {
  const index = new Map<NaturalKey, R>()
  for (const r of records) for (const key of naturalKeys(r)) if (!index.has(key)) index.set(key, r)
  return index
}

/** The first target record sharing a natural key with `record`, trying keys in matching order. */
export const findByNaturalKey = <R>(record: Customer | Vehicle, index: ReadonlyMap<NaturalKey, R>): R | undefined => {
  for (const key of naturalKeys(record)) {
    const hit = index.get(key)
    if (hit !== undefined) return hit
  }
  return undefined
}
