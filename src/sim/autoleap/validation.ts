import {
  AUTOLEAP_MAX_BULK_ITEMS,
  AutoleapAddressWrite,
  AutoleapCommunicationPreferences,
  AutoleapCustomerCreateItem,
  AutoleapCustomerTypes,
  AutoleapEmailWrite,
  AutoleapMileageUnits,
  AutoleapPhoneTypes,
  AutoleapPhoneWrite,
  AutoleapTagWrite,
  AutoleapVehicleCreateItem,
  isKnownAutoleapEnum,
  isValidAutoleapTagColor
} from "../../sources/autoleap/schema.js"
import { badRequest } from "./errors.js"
import type { AutoleapEntity } from "./types.js"

/**
 * Write-item validation as AutoLeap answers it: the first problem rejects the whole batch with a 400 whose message
 * names the item, e.g. "customers[3].firstName is required". Validators return a cleaned copy holding only the fields
 * the API knows; unknown fields are dropped, `null` clears a field.
 *
 * Enums checked strictly on write: customerType, communicationPreference, phone type, mileageUnit, tag colour.
 * driveType and transmission are accepted as any string: the docs only give examples ("e.g. FWD").
 */
export type Item = Record<string, unknown>

export const isObject = (value: unknown): value is Item =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isAbsent = (value: unknown): value is null | undefined => value === null || value === undefined

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

const keysOf = (schema: { readonly fields: Readonly<Record<string, unknown>> }): ReadonlyArray<string> =>
  Object.keys(schema.fields)

const CUSTOMER_FIELDS = keysOf(AutoleapCustomerCreateItem)
const VEHICLE_FIELDS = keysOf(AutoleapVehicleCreateItem)

const pick = (item: Item, keys: ReadonlyArray<string>): Item => {
  const out: Item = {}
  for (const key of keys) if (key in item && item[key] !== undefined) out[key] = structuredClone(item[key])
  return out
}

const checkString = (item: Item, key: string, path: string): void => {
  const value = item[key]
  if (!isAbsent(value) && typeof value !== "string") badRequest(`${path}.${key} must be a string`)
}

const checkBoolean = (item: Item, key: string, path: string): void => {
  const value = item[key]
  if (!isAbsent(value) && typeof value !== "boolean") badRequest(`${path}.${key} must be a boolean`)
}

const checkNumber = (item: Item, key: string, path: string, integer = false): void => {
  const value = item[key]
  if (isAbsent(value)) return
  if (typeof value !== "number" || !Number.isFinite(value)) badRequest(`${path}.${key} must be a number`)
  if (integer && !Number.isInteger(value)) badRequest(`${path}.${key} must be an integer`)
}

const checkEnum = (item: Item, key: string, path: string, known: ReadonlyArray<string>): void => {
  checkString(item, key, path)
  const value = item[key]
  if (typeof value === "string" && !isKnownAutoleapEnum(known, value)) {
    badRequest(`${path}.${key} must be one of ${known.join(", ")}`)
  }
}

const checkRequiredString = (item: Item, key: string, path: string): void => {
  const value = item[key]
  if (isAbsent(value) || (typeof value === "string" && value.trim().length === 0)) badRequest(`${path}.${key} is required`)
  checkString(item, key, path)
}

/** An optional field that, once sent, may not be empty (names on update). */
const checkNonEmptyIfPresent = (item: Item, key: string, path: string): void => {
  if (key in item && item[key] !== undefined) checkRequiredString(item, key, path)
}

const checkArray = (item: Item, key: string, path: string, each: (element: Item, elementPath: string) => void): void => {
  const value = item[key]
  if (isAbsent(value)) return
  if (!Array.isArray(value)) return badRequest(`${path}.${key} must be an array`)
  value.forEach((element: unknown, j) => {
    const elementPath = `${path}.${key}[${j}]`
    if (!isObject(element)) return badRequest(`${elementPath} must be an object`)
    each(element, elementPath)
  })
}

const cleanArray = (item: Item, key: string, keys: ReadonlyArray<string>): void => {
  const value = item[key]
  if (Array.isArray(value)) item[key] = value.map((element: Item) => pick(element, keys))
}

const checkTags = (item: Item, path: string): void =>
  checkArray(item, "tags", path, (tag, tagPath) => {
    checkRequiredString(tag, "name", tagPath)
    checkString(tag, "color", tagPath)
    if (typeof tag["color"] === "string" && !isValidAutoleapTagColor(tag["color"])) {
      badRequest(`${tagPath}.color must be 6 hex digits without #`)
    }
  })

const checkCustomerFields = (item: Item, path: string): Item => {
  checkEnum(item, "customerType", path, AutoleapCustomerTypes)
  for (const key of ["displayName", "companyName", "notes", "preferredLocationID", "languagePreference"]) checkString(item, key, path)
  for (const key of ["taxExempt", "chargeAccount", "okForMarketing"]) checkBoolean(item, key, path)
  checkEnum(item, "communicationPreference", path, AutoleapCommunicationPreferences)
  checkArray(item, "phones", path, (phone, phonePath) => {
    checkRequiredString(phone, "number", phonePath)
    checkString(phone, "label", phonePath)
    checkEnum(phone, "type", phonePath, AutoleapPhoneTypes)
    checkBoolean(phone, "primary", phonePath)
    checkBoolean(phone, "active", phonePath)
  })
  checkArray(item, "emails", path, (email, emailPath) => {
    checkRequiredString(email, "emailAddress", emailPath)
    if (!EMAIL_PATTERN.test(String(email["emailAddress"]).trim())) badRequest(`${emailPath}.emailAddress is not a valid email address`)
    checkString(email, "label", emailPath)
    checkBoolean(email, "primary", emailPath)
    checkBoolean(email, "active", emailPath)
  })
  const address = item["mainAddress"]
  if (!isAbsent(address)) {
    if (!isObject(address)) badRequest(`${path}.mainAddress must be an object`)
    for (const key of keysOf(AutoleapAddressWrite)) checkString(address as Item, key, `${path}.mainAddress`)
  }
  checkTags(item, path)

  const clean = pick(item, CUSTOMER_FIELDS)
  cleanArray(clean, "phones", keysOf(AutoleapPhoneWrite))
  cleanArray(clean, "emails", keysOf(AutoleapEmailWrite))
  cleanArray(clean, "tags", keysOf(AutoleapTagWrite))
  if (isObject(clean["mainAddress"])) clean["mainAddress"] = pick(clean["mainAddress"], keysOf(AutoleapAddressWrite))
  return clean
}

const checkVehicleFields = (item: Item, path: string): Item => {
  checkNumber(item, "year", path, true)
  checkNumber(item, "mileage", path)
  for (const key of ["make", "model", "vehicleName", "engine", "color", "licensePlate", "state", "vin", "imgUrl", "notes", "driveType", "transmission"]) {
    checkString(item, key, path)
  }
  checkEnum(item, "mileageUnit", path, AutoleapMileageUnits)
  checkTags(item, path)
  const clean = pick(item, VEHICLE_FIELDS)
  cleanArray(clean, "tags", keysOf(AutoleapTagWrite))
  return clean
}

export const validateCustomerCreate = (item: Item, path: string): Item => {
  checkRequiredString(item, "firstName", path)
  checkRequiredString(item, "lastName", path)
  return checkCustomerFields(item, path)
}

/** The fields to merge into an existing customer; the id is checked by the caller. */
export const validateCustomerUpdate = (item: Item, path: string): Item => {
  checkRequiredString(item, "customerId", path)
  checkNonEmptyIfPresent(item, "firstName", path)
  checkNonEmptyIfPresent(item, "lastName", path)
  return checkCustomerFields(item, path)
}

export const validateVehicleCreate = (item: Item, path: string): Item => {
  checkRequiredString(item, "customerId", path)
  return checkVehicleFields(item, path)
}

export const validateVehicleUpdate = (item: Item, path: string): Item => {
  checkRequiredString(item, "vehicleId", path)
  checkNonEmptyIfPresent(item, "customerId", path)
  const clean = checkVehicleFields(item, path)
  if (typeof item["customerId"] === "string") clean["customerId"] = item["customerId"]
  return clean
}

export const validateIdItem = (item: Item, path: string, key: string): string => {
  checkRequiredString(item, key, path)
  return String(item[key])
}

/** `{ companyId, <entity>: [...] }`: the items, or a 400 for a missing, empty or oversized list. */
export const bulkItems = (body: Item, entity: AutoleapEntity): ReadonlyArray<Item> => {
  const items = body[entity]
  if (items === undefined || items === null) return badRequest(`${entity} is required`)
  if (!Array.isArray(items)) return badRequest(`${entity} must be an array`)
  if (items.length === 0) return badRequest(`${entity} must not be empty`)
  if (items.length > AUTOLEAP_MAX_BULK_ITEMS) {
    return badRequest(`${entity} must not contain more than ${AUTOLEAP_MAX_BULK_ITEMS} items`)
  }
  items.forEach((item: unknown, i) => {
    if (!isObject(item)) badRequest(`${entity}[${i}] must be an object`)
  })
  return items as ReadonlyArray<Item>
}
