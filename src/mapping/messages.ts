/**
 * Reason-code messages, written for a shop manager: what is wrong, the value that was wrong, what happens and how to fix it.
 */
import type { Finding } from "../domain/findings.js"
import { systemDisplayName, type SystemName } from "../domain/ids.js"

const q = (value: string): string => JSON.stringify(value)

export const messages = {
  missingNameAny: (system: SystemName, target: SystemName): Finding => ({
    code: "MISSING_NAME",
    field: "firstName",
    message: `This customer has no first name, last name or business name, so ${systemDisplayName(target)} cannot hold it. Add a name in ${systemDisplayName(system)} and it will be migrated on the next run.`
  }),
  missingNameAutoleap: (system: SystemName, missing: ReadonlyArray<string>): Finding => ({
    code: "MISSING_NAME",
    field: missing[0] ?? "firstName",
    message: `AutoLeap needs a first and a last name, and this customer has no ${missing.join(" and no ")}. Add it in ${systemDisplayName(system)} (or let the mapping file fill names from the business name) and it will be migrated on the next run.`
  }),
  invalidVin: (system: SystemName, raw: string, normalized: string, kept: boolean): Finding => {
    const why =
      normalized.length !== 17
        ? `has ${normalized.length} characters; a VIN has 17`
        : `contains ${q([...normalized].filter((c) => !/[A-HJ-NPR-Z0-9]/.test(c)).join(""))}; a VIN uses only the letters A-Z without I, O and Q, and the digits 0-9`
    return {
      code: "INVALID_VIN",
      field: "vin",
      message: kept
        ? `This vehicle's VIN ${raw.trim()} ${why}. The vehicle was written without a VIN (the VIN is kept for the way back). Fix it in ${systemDisplayName(system)} to have it copied.`
        : `This vehicle's VIN ${raw.trim()} ${why}. Fix it in ${systemDisplayName(system)} and it will be migrated on the next run.`
    }
  },
  vinCheckDigit: (system: SystemName, vin: string, expected: string): Finding => ({
    code: "VIN_CHECK_DIGIT",
    field: "vin",
    message: `This vehicle's VIN ${vin} fails the North-American check digit (the 9th character is ${vin[8]}, the rest of the VIN says ${expected}). It was written as it is; check it against the vehicle in ${systemDisplayName(system)} (non-North-American VINs may legitimately fail this check).`
  }),
  missingMakeModel: (system: SystemName, missing: ReadonlyArray<string>, lookupTried: boolean): Finding => ({
    code: "MISSING_MAKE_MODEL",
    field: missing[0] ?? "make",
    message: `autoGMS needs a vehicle's make and model, and this vehicle has no ${missing.join(" and no ")}${lookupTried ? " (the VIN lookup could not fill it)" : ""}. Add it in ${systemDisplayName(system)} and it will be migrated on the next run.`
  }),
  orphanVehicle: (system: SystemName, target: SystemName, ownerId: string | null): Finding => ({
    code: "ORPHAN_VEHICLE",
    field: "customerId",
    message:
      ownerId === null
        ? `This vehicle belongs to no customer in ${systemDisplayName(system)}, and ${systemDisplayName(target)} needs one. Assign it to a customer and it will be migrated on the next run.`
        : `This vehicle's customer (${systemDisplayName(system)} id ${ownerId}) is not in ${systemDisplayName(target)} (it may be quarantined or archived). Fix the customer and the vehicle will follow on the next run.`
  }),
  invalidEmail: (system: SystemName, email: string): Finding => ({
    code: "INVALID_EMAIL",
    field: "email",
    message: `The email address ${q(email)} is not a valid address, so it was not copied (it stays in ${systemDisplayName(system)}). Correct it there to have it copied.`
  }),
  invalidPhone: (system: SystemName, phone: string, country: string): Finding => ({
    code: "INVALID_PHONE",
    field: "phone",
    message: `The phone number ${q(phone)} is not a valid number (numbers without a country code are read as ${country} numbers), so it was not copied (it stays in ${systemDisplayName(system)}). Correct it there to have it copied.`
  }),
  invalidYear: (system: SystemName, year: number, maxYear: number): Finding => ({
    code: "INVALID_YEAR",
    field: "year",
    message: `This vehicle's year ${year} is not a model year from 1886 to ${maxYear}, so it was written without a year (the value stays in ${systemDisplayName(system)}). Correct it there to have it copied.`
  }),
  duplicateInSource: (system: SystemName, field: string, value: string, keeperId: string): Finding => ({
    code: "DUPLICATE_IN_SOURCE",
    field,
    message: `Another ${systemDisplayName(system)} record (id ${keeperId}, updated more recently) has the same ${field} ${value}. This one was written without it, so the two are not merged; remove the duplicate in ${systemDisplayName(system)} or correct the ${field}.`
  }),
  possibleDuplicate: (target: SystemName, name: string, targetId: string): Finding => ({
    code: "POSSIBLE_DUPLICATE",
    field: "name",
    message: `${systemDisplayName(target)} already has a customer named ${q(name)} (id ${targetId}) with a different email and phone. A new customer was created and not linked; merge the two in ${systemDisplayName(target)} if they are the same person.`
  }),
  unknownEnumValue: (system: SystemName, wireField: string, value: string): Finding => ({
    code: "UNKNOWN_ENUM_VALUE",
    field: wireField,
    message: `The ${wireField} ${q(value)} in ${systemDisplayName(system)} has no counterpart in the mapping, so it was written as empty (the value stays in ${systemDisplayName(system)}). Add it to the mapping file's enum maps to have it copied.`
  }),
  unknownCountry: (system: SystemName, country: string): Finding => ({
    code: "UNKNOWN_COUNTRY",
    field: "address.country",
    message: `The country ${q(country)} is not a country name or ISO code we recognise, so the address was written without a country (the value stays in ${systemDisplayName(system)}).`
  })
}
