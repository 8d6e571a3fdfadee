/**
 * Change detection: a stable hash of the mapped fields (what both systems hold, normalised) and the list of fields
 * that differ between two versions of a record. Source, timestamps and archive state are not content.
 */
import { hash } from "node:crypto"
import { CUSTOMER_FIELD_NAMES, type Customer, type CustomerFields } from "../domain/customer.js"
import { tagKey } from "../domain/tag.js"
import { VEHICLE_FIELD_NAMES, type Vehicle, type VehicleFields } from "../domain/vehicle.js"
import { looseEqual } from "./json.js"

type Content = (CustomerFields & { readonly kind: "customer" }) | (VehicleFields & { readonly kind: "vehicle" })

// Tag order carries no meaning in either system, so it must not change the hash.
const sortedTags = (tags: ReadonlyArray<string>): Array<string> =>
  [...tags].sort((a, b) => {
    const ka = tagKey(a)
    const kb = tagKey(b)
    return ka < kb ? -1 : ka > kb ? 1 : a < b ? -1 : a > b ? 1 : 0
  })

const fieldNames = (record: Content): ReadonlyArray<string> => (record.kind === "customer" ? CUSTOMER_FIELD_NAMES : VEHICLE_FIELD_NAMES)

/**
 * A stable hash (hex) of a record's mapped fields. `ownerKey` is a system-neutral key of a vehicle's owner (e.g. the
 * owner's AutoLeap id through the id map), so moving a vehicle to another customer is a change; leave it out to ignore owners.
 */
export const contentHash = (record: Content | Customer | Vehicle, ownerKey?: string): string => {
  const r = record as Record<string, unknown>
  const values: Array<unknown> = [record.kind]
  for (const name of fieldNames(record)) {
    const v = r[name]
    if (name === "tags") values.push(sortedTags(v as ReadonlyArray<string>))
    else if (name === "address" && v !== null && typeof v === "object") {
      const a = v as CustomerFields["address"] & object
      values.push([a.line1, a.city, a.state, a.postalCode, a.country])
    } else values.push(v === undefined ? null : v)
  }
  if (ownerKey !== undefined) values.push(ownerKey)
  return hash("sha1", JSON.stringify(values), "hex")
}

export interface FieldChange {
  /** The model field, dotted for address parts ("address.city"). */
  readonly field: string
  readonly before: unknown
  readonly after: unknown
}

/** The mapped fields that differ between two versions of a record, with before → after (for reports). */
export const changedFields = <R extends Content | Customer | Vehicle>(before: R, after: R): Array<FieldChange> => {
  const b = before as Record<string, unknown>
  const a = after as Record<string, unknown>
  const changes: Array<FieldChange> = []
  for (const name of fieldNames(before)) {
    if (name === "tags") {
      const tb = sortedTags(b[name] as ReadonlyArray<string>)
      const ta = sortedTags(a[name] as ReadonlyArray<string>)
      if (!looseEqual(tb, ta)) changes.push({ field: name, before: b[name], after: a[name] })
    } else if (name === "address") {
      const ab = (b[name] ?? {}) as Record<string, unknown>
      const aa = (a[name] ?? {}) as Record<string, unknown>
      for (const part of ["line1", "city", "state", "postalCode", "country"]) {
        if (!looseEqual(ab[part], aa[part])) changes.push({ field: `address.${part}`, before: ab[part] ?? null, after: aa[part] ?? null })
      }
    } else if (!looseEqual(b[name], a[name])) changes.push({ field: name, before: b[name] ?? null, after: a[name] ?? null })
  }
  return changes
}
