/**
 * Whether a mapped record can be written to a target system: write-ready with its warnings, or quarantined with
 * one reason (the first that applies, in the order below).
 */
import type { Customer } from "../domain/customer.js"
import type { Finding } from "../domain/findings.js"
import type { SystemName } from "../domain/ids.js"
import { isVinSyntaxValid } from "../domain/vin.js"
import type { Vehicle } from "../domain/vehicle.js"
import { namesFromBusinessName } from "./autoleapCustomer.js"
import type { ResolveCustomerId } from "./autoleapVehicle.js"
import type { MappingContext } from "./context.js"
import type { Mapped, MappedCustomer, MappedVehicle } from "./mapped.js"
import { messages } from "./messages.js"
import { cleanText } from "./normalize.js"

export type Validation =
  | { readonly ok: true; readonly warnings: ReadonlyArray<Finding> }
  | { readonly ok: false; readonly quarantine: Finding; readonly warnings: ReadonlyArray<Finding> }

const ok = (warnings: ReadonlyArray<Finding>): Validation => ({ ok: true, warnings })
const quarantine = (finding: Finding, warnings: ReadonlyArray<Finding>): Validation => ({ ok: false, quarantine: finding, warnings })

/** Whether the mapping file leaves archived records out (they are counted, not migrated). */
export const isExcludedArchived = (mapped: Mapped<Customer | Vehicle>, ctx: MappingContext): boolean =>
  mapped.record.archived && !ctx.mapping.policies.includeArchived

export const validateCustomerFor = (target: SystemName, mapped: MappedCustomer, ctx: MappingContext): Validation => {
  const c = mapped.record
  const system = c.source.system
  if (c.firstName === null && c.lastName === null && c.businessName === null) {
    return quarantine(messages.missingNameAny(system, target), mapped.warnings)
  }
  if (target === "autoleap") {
    const names = ctx.mapping.policies.fillNamesFromBusinessName ? namesFromBusinessName(c.firstName, c.lastName, c.businessName) : c
    const missing = [names.firstName === null ? "first name" : null, names.lastName === null ? "last name" : null].filter(
      (m): m is string => m !== null
    )
    if (missing.length > 0) return quarantine(messages.missingNameAutoleap(system, missing), mapped.warnings)
  }
  return ok(mapped.warnings)
}

/** The VIN lookup is worth a call: the policy allows it, make or model is missing and the VIN is valid. */
export const needsVinLookup = (vehicle: Vehicle, ctx: MappingContext): boolean =>
  ctx.mapping.policies.vinLookup && (vehicle.make === null || vehicle.model === null) && vehicle.vin !== null && isVinSyntaxValid(vehicle.vin)

/** What a VIN decoder (autoGMS's lookup) says of a VIN, in model terms. */
export interface VinLookup {
  readonly valid: boolean
  readonly make?: string | null | undefined
  readonly model?: string | null | undefined
}

/** Make and model filled from autoGMS's VIN lookup where missing (never overwriting what the record has). */
export const applyVinLookup = (mapped: MappedVehicle, lookup: VinLookup | null | undefined): MappedVehicle => {
  if (lookup === null || lookup === undefined || !lookup.valid) return mapped
  const make = mapped.record.make ?? cleanText(lookup.make)
  const model = mapped.record.model ?? cleanText(lookup.model)
  if (make === mapped.record.make && model === mapped.record.model) return mapped
  return { ...mapped, record: { ...mapped.record, make, model } }
}

export interface VehicleValidationInput {
  /** The owner's id on the target, or null when it is not linked (missing, quarantined, archived). */
  readonly resolveCustomerId: ResolveCustomerId
  /** Whether the VIN lookup was tried for this vehicle (only changes the message). */
  readonly vinLookupTried?: boolean
}

export const validateVehicleFor = (
  target: SystemName,
  mapped: MappedVehicle,
  ctx: MappingContext,
  input: VehicleValidationInput
): Validation => {
  const v = mapped.record
  const system = v.source.system
  const vinProblem = mapped.problems.find((p) => p.code === "INVALID_VIN")
  const warnings = vinProblem !== undefined && ctx.mapping.policies.invalidVin === "keep-without-vin" ? [...mapped.warnings, vinProblem] : mapped.warnings
  if (vinProblem !== undefined && ctx.mapping.policies.invalidVin === "quarantine") return quarantine(vinProblem, mapped.warnings)
  if (target === "autogms" && (v.make === null || v.model === null)) {
    const missing = [v.make === null ? "make" : null, v.model === null ? "model" : null].filter((m): m is string => m !== null)
    return quarantine(messages.missingMakeModel(system, missing, input.vinLookupTried === true), warnings)
  }
  if (input.resolveCustomerId(v.owner) === null) {
    return quarantine(messages.orphanVehicle(system, target, v.owner?.id ?? null), warnings)
  }
  return ok(warnings)
}
