import { CUSTOMER_FIELDS, MAX_BULK_ITEMS, VEHICLE_FIELDS, matchEnum, type FieldKind, type FieldTable } from "./contract.js"
import { badRequest } from "./errors.js"
import type { AutoleapEntity } from "./types.js"

/**
 * Write-item validation as AutoLeap answers it: the first problem rejects the whole batch with a 400 whose message
 * names the item, e.g. "customers[3].firstName is required". Validators return a cleaned copy holding only the fields
 * in the simulator's own field tables (contract.ts); unknown fields are dropped, `null` clears a field.
 */
export type Item = Record<string, unknown>

export const isObject = (value: unknown): value is Item =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isAbsent = (value: unknown): value is null | undefined => value === null || value === undefined

const isBlank = (value: unknown): boolean => isAbsent(value) || (typeof value === "string" && value.trim().length === 0)

const checkRequiredText = (item: Item, key: string, path: string): void => {
  if (isBlank(item[key])) badRequest(`${path}.${key} is required`)
  if (typeof item[key] !== "string") badRequest(`${path}.${key} must be a string`)
}

/** Checks one present value against its kind and returns what is stored: nested items keep only their known fields. */
const checkValue = (value: unknown, kind: FieldKind, at: string): unknown => {
  switch (kind.kind) {
    case "text":
      if (typeof value !== "string") return badRequest(`${at} must be a string`)
      if (kind.format !== undefined && !kind.format.test(value)) return badRequest(`${at} ${kind.format.problem}`)
      return value
    case "flag":
      return typeof value === "boolean" ? value : badRequest(`${at} must be a boolean`)
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return badRequest(`${at} must be a number`)
      return kind.integer && !Number.isInteger(value) ? badRequest(`${at} must be an integer`) : value
    case "enum":
      if (typeof value !== "string") return badRequest(`${at} must be a string`)
      // Stored as sent ("Regular" stays "Regular"): the API only checks it.
      return matchEnum(kind.values, value) === undefined ? badRequest(`${at} must be one of ${kind.values.join(", ")}`) : value
    case "object":
      return isObject(value) ? checkFields(value, kind.of, at) : badRequest(`${at} must be an object`)
    case "list":
      if (!Array.isArray(value)) return badRequest(`${at} must be an array`)
      return value.map((element: unknown, j) => {
        const elementAt = `${at}[${j}]`
        return isObject(element) ? checkFields(element, kind.of, elementAt) : badRequest(`${elementAt} must be an object`)
      })
  }
}

/** Every field of `table` that `item` holds, checked; the cleaned copy holds those fields and nothing else. */
const checkFields = (item: Item, table: FieldTable, path: string): Item => {
  const clean: Item = {}
  for (const [key, kind] of Object.entries(table)) {
    if (kind.kind === "text" && kind.required === true) checkRequiredText(item, key, path)
    const value = item[key]
    if (value === undefined) continue
    clean[key] = value === null ? null : structuredClone(checkValue(value, kind, `${path}.${key}`))
  }
  return clean
}

/** An optional field that, once sent, may not be empty (names on update). */
const checkNonEmptyIfPresent = (item: Item, key: string, path: string): void => {
  if (item[key] !== undefined) checkRequiredText(item, key, path)
}

export const validateCustomerCreate = (item: Item, path: string): Item => {
  checkRequiredText(item, "firstName", path)
  checkRequiredText(item, "lastName", path)
  return checkFields(item, CUSTOMER_FIELDS, path)
}

/** The fields to merge into an existing customer; the id is checked by the caller. */
export const validateCustomerUpdate = (item: Item, path: string): Item => {
  checkRequiredText(item, "customerId", path)
  checkNonEmptyIfPresent(item, "firstName", path)
  checkNonEmptyIfPresent(item, "lastName", path)
  return checkFields(item, CUSTOMER_FIELDS, path)
}

/** The vehicle's fields and its `customerId` (required: a vehicle always belongs to a customer). */
export const validateVehicleCreate = (item: Item, path: string): Item => {
  checkRequiredText(item, "customerId", path)
  return { ...checkFields(item, VEHICLE_FIELDS, path), customerId: item["customerId"] }
}

/** The fields to merge into an existing vehicle; a `customerId` sent moves the vehicle to that customer. */
export const validateVehicleUpdate = (item: Item, path: string): Item => {
  checkRequiredText(item, "vehicleId", path)
  checkNonEmptyIfPresent(item, "customerId", path)
  const clean = checkFields(item, VEHICLE_FIELDS, path)
  return typeof item["customerId"] === "string" ? { ...clean, customerId: item["customerId"] } : clean
}

export const validateIdItem = (item: Item, path: string, key: string): string => {
  checkRequiredText(item, key, path)
  return String(item[key])
}

/** `{ companyId, <entity>: [...] }`: the items, or a 400 for a missing, empty or oversized list. */
export const bulkItems = (body: Item, entity: AutoleapEntity): ReadonlyArray<Item> => {
  const items = body[entity]
  if (items === undefined || items === null) return badRequest(`${entity} is required`)
  if (!Array.isArray(items)) return badRequest(`${entity} must be an array`)
  if (items.length === 0) return badRequest(`${entity} must not be empty`)
  if (items.length > MAX_BULK_ITEMS) return badRequest(`${entity} must not contain more than ${MAX_BULK_ITEMS} items`)
  return items.map((item: unknown, i) => (isObject(item) ? item : badRequest(`${entity}[${i}] must be an object`)))
}
