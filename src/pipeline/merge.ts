/**
 * Three-way merge of one linked record changed on both sides since the last sync, field by field against the base
 * (the last-synced model record). A field changed on one side only takes that side's value; the same field changed
 * to different values on both sides is a conflict, settled by its policy. Pure.
 */
import { CUSTOMER_FIELD_NAMES } from "../domain/customer.js"
import { customerRef, type CustomerRef, type SystemName } from "../domain/ids.js"
import { tagKey } from "../domain/tag.js"
import { VEHICLE_FIELD_NAMES, type Vehicle } from "../domain/vehicle.js"
import type { ConflictPolicy } from "../mapping/index.js"
import { looseEqual } from "../mapping/json.js"
import type { ModelRecord } from "./plan.js"

/** How one conflicting field was settled: a side's value was taken, or it awaits a person (manual). */
export type FieldResolution = SystemName | "open"

export interface FieldConflict {
  readonly field: string
  readonly autoleap: unknown
  readonly autogms: unknown
  readonly base: unknown
  readonly resolution: FieldResolution
}

export interface MergeResult<R extends ModelRecord> {
  /** What each side must hold afterwards; they differ only in fields left open (manual), where each keeps its own. */
  readonly autoleap: R
  readonly autogms: R
  readonly conflicts: ReadonlyArray<FieldConflict>
}

export interface MergeInput<R extends ModelRecord> {
  readonly base: R
  readonly autoleap: R
  readonly autogms: R
  /** The policy for a field (the mapping file's for that entity and field, else the command line's). */
  readonly policyOf: (field: string) => ConflictPolicy
}

// Tag order means nothing in either system.
const sameValue = (field: string, a: unknown, b: unknown): boolean =>
  field === "tags" && Array.isArray(a) && Array.isArray(b)
    ? looseEqual([...a].map((t) => tagKey(String(t))).sort(), [...b].map((t) => tagKey(String(t))).sort())
    : looseEqual(a ?? null, b ?? null)

const newer = (autoleapUpdatedAt: string, autogmsUpdatedAt: string): SystemName =>
  // Ties go to AutoLeap: any fixed choice keeps both sides the same.
  Date.parse(autogmsUpdatedAt) > Date.parse(autoleapUpdatedAt) ? "autogms" : "autoleap"

export const fieldNamesOf = (record: ModelRecord): ReadonlyArray<string> =>
  record.kind === "customer" ? CUSTOMER_FIELD_NAMES : VEHICLE_FIELD_NAMES

export const mergeRecords = <R extends ModelRecord>(input: MergeInput<R>): MergeResult<R> => {
  const forAutoleap: Record<string, unknown> = { ...input.autoleap }
  const forAutogms: Record<string, unknown> = { ...input.autogms }
  const base = input.base as unknown as Record<string, unknown>
  const al = input.autoleap as unknown as Record<string, unknown>
  const ag = input.autogms as unknown as Record<string, unknown>
  const conflicts: Array<FieldConflict> = []
  for (const field of fieldNamesOf(input.base)) {
    const [b, a, g] = [base[field], al[field], ag[field]]
    if (sameValue(field, a, g)) continue
    if (sameValue(field, a, b)) {
      forAutoleap[field] = g
      continue
    }
    if (sameValue(field, g, b)) {
      forAutogms[field] = a
      continue
    }
    const policy = input.policyOf(field)
    const resolution: FieldResolution =
      policy === "manual" ? "open" : policy === "newest" ? newer(input.autoleap.updatedAt, input.autogms.updatedAt) : policy
    conflicts.push({ field, autoleap: a, autogms: g, base: b, resolution })
    if (resolution === "autoleap") forAutogms[field] = a
    if (resolution === "autogms") forAutoleap[field] = g
  }
  return { autoleap: forAutoleap as R, autogms: forAutogms as R, conflicts }
}

export interface OwnerMergeInput {
  readonly base: Vehicle
  readonly autoleap: Vehicle
  readonly autogms: Vehicle
  /** A customer's id on `system` (through the links), or null when it has none there. */
  readonly ownerOn: (system: SystemName, owner: CustomerRef | null) => string | null
}

/**
 * The customer of a vehicle changed on both sides, which the field merge leaves alone (it is an id of one side): a
 * move made on one side only since the base is carried to the other; otherwise (no move, or a move on both) AutoLeap's
 * owner is. Returns each side's record's owner, as an id of that side.
 */
export const mergeOwners = (input: OwnerMergeInput): Readonly<Record<SystemName, CustomerRef | null>> => {
  const onAutoleap = (owner: CustomerRef | null) => input.ownerOn("autoleap", owner)
  const base = onAutoleap(input.base.owner)
  const movedInAutogms = onAutoleap(input.autogms.owner) !== base && onAutoleap(input.autoleap.owner) === base
  const carried = (to: SystemName, from: Vehicle, own: Vehicle): CustomerRef | null => {
    const id = input.ownerOn(to, from.owner)
    return id === null ? own.owner : customerRef(to, id)
  }
  return movedInAutogms
    ? { autoleap: carried("autoleap", input.autogms, input.autoleap), autogms: input.autogms.owner }
    : { autoleap: input.autoleap.owner, autogms: carried("autogms", input.autoleap, input.autogms) }
}
