/**
 * Duplicates: two source records sharing a natural key (DUPLICATE_IN_SOURCE) and a new customer that looks like a
 * target customer by name only (POSSIBLE_DUPLICATE). Neither ever merges records.
 */
import type { Customer } from "../domain/customer.js"
import type { Finding } from "../domain/findings.js"
import type { Sidecar } from "../domain/sidecar.js"
import type { Vehicle } from "../domain/vehicle.js"
import type { Mapped } from "./mapped.js"
import { messages } from "./messages.js"

type KeyField = "email" | "phone" | "vin"

/** The fields whose shared values make DUPLICATE_IN_SOURCE: email and phone for customers, VIN for vehicles. */
export const sharedKeyFields = (kind: (Customer | Vehicle)["kind"]): ReadonlyArray<KeyField> => (kind === "customer" ? ["email", "phone"] : ["vin"])

const keyFieldsOf = (record: Customer | Vehicle): ReadonlyArray<KeyField> => sharedKeyFields(record.kind)

const valueOf = (record: Customer | Vehicle, field: KeyField): string | null =>
  record.kind === "customer" ? (field === "vin" ? null : record[field]) : field === "vin" ? record.vin : null

const timestamp = (iso: string): number => {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? -Infinity : t
}

export type SharedKeyField = KeyField

/**
 * The record without the shared values it does not keep: each goes to its sidecar's `withheld` (so it returns when the
 * record goes back to its own system) with a DUPLICATE_IN_SOURCE warning. `keeperOf` names the record that keeps a
 * shared value (the most recently updated, ties to the smallest id), or undefined when nobody else holds it.
 */
export const withholdSharedKeys = <R extends Customer | Vehicle>(
  mapped: Mapped<R>,
  keeperOf: (field: SharedKeyField, value: string) => string | undefined
): Mapped<R> => {
  let record: R = mapped.record
  let sidecar: Sidecar = mapped.sidecar
  const found: Array<Finding> = []
  for (const field of keyFieldsOf(record)) {
    const value = valueOf(record, field)
    if (value === null) continue
    const keeper = keeperOf(field, value)
    if (keeper === undefined || keeper === record.source.id) continue
    record = { ...record, [field]: null }
    sidecar = { ...sidecar, withheld: { ...sidecar.withheld, [field]: value } }
    found.push(messages.duplicateInSource(record.source.system, field === "vin" ? "VIN" : field, value, keeper))
  }
  return found.length === 0 ? mapped : { ...mapped, record, sidecar, warnings: [...mapped.warnings, ...found] }
}

/**
 * The most recently updated record keeps a shared email, phone or VIN; every other one is written without it (see
 * `withholdSharedKeys`). Records come back in their input order.
 */
export const resolveSourceDuplicates = <R extends Customer | Vehicle>(records: ReadonlyArray<Mapped<R>>): Array<Mapped<R>> => {
  // Most recently updated first; ties broken by source id so the outcome never depends on input order.
  const times = records.map((m) => timestamp(m.record.updatedAt))
  const order = records
    .map((_, i) => i)
    .sort((i, j) => {
      if (times[i] !== times[j]) return times[j]! - times[i]!
      const a = records[i]!.record.source.id
      const b = records[j]!.record.source.id
      return a < b ? -1 : a > b ? 1 : 0
    })
  const keepers = new Map<string, string>()
  for (const i of order) {
    const record = records[i]!.record
    for (const field of keyFieldsOf(record)) {
      const value = valueOf(record, field)
      if (value !== null && !keepers.has(`${field}:${value}`)) keepers.set(`${field}:${value}`, record.source.id)
    }
  }
  return records.map((m) => withholdSharedKeys(m, (field, value) => keepers.get(`${field}:${value}`)))
}

/** How two customers compare by name: lower-case "first last", else the business name. */
export const customerNameKey = (c: Pick<Customer, "firstName" | "lastName" | "businessName">): string | null => {
  const person = [c.firstName, c.lastName].filter((p): p is string => p !== null).join(" ").toLowerCase()
  if (c.firstName !== null && c.lastName !== null) return person
  const business = c.businessName?.toLowerCase() ?? null
  return business ?? (person === "" ? null : person)
}

export type NameIndex = ReadonlyMap<string, ReadonlyArray<Customer>>

/** Target customers by name key, built once per run. */
export const buildNameIndex = (targets: Iterable<Customer>): NameIndex => {
  const index = new Map<string, Array<Customer>>()
  for (const c of targets) {
    const key = customerNameKey(c)
    if (key === null) continue
    const list = index.get(key)
    if (list === undefined) index.set(key, [c])
    else list.push(c)
  }
  return index
}

/**
 * For a customer about to be created (no id link, no natural-key match): a target customer with the same name,
 * reported as POSSIBLE_DUPLICATE and never linked.
 */
export const findPossibleDuplicate = (
  record: Customer,
  index: NameIndex
): { readonly target: Customer; readonly warning: Finding } | undefined => {
  const key = customerNameKey(record)
  if (key === null) return undefined
  const target = index.get(key)?.[0]
  return target === undefined ? undefined : { target, warning: possibleDuplicateOf(record, target) }
}

/** The POSSIBLE_DUPLICATE warning for a new customer named like an existing target customer. */
export const possibleDuplicateOf = (record: Customer, target: Customer): Finding => {
  const name = [record.firstName, record.lastName].filter((p) => p !== null).join(" ") || record.businessName || customerNameKey(record) || ""
  return messages.possibleDuplicate(target.source.system, name, target.source.id)
}
