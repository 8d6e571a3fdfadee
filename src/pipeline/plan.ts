/**
 * The plan: for one source record, what the load must do on the target and why. Pure — the record, what the state
 * store found for it (its link, target records by natural key, claimed targets) and the validation come in; nothing
 * here reads or writes. `planChunk` (planStage.ts) feeds it from indexed queries; `planEntity` from arrays (tests).
 */
import type { Customer } from "../domain/customer.js"
import type { Finding } from "../domain/findings.js"
import type { SystemName } from "../domain/ids.js"
import type { Vehicle } from "../domain/vehicle.js"
import {
  changedFields,
  contentHash,
  customerNameKey,
  naturalKeys,
  possibleDuplicateOf,
  resolveSourceDuplicates,
  type FieldChange,
  type Mapped,
  type NaturalKey,
  type Validation
} from "../mapping/index.js"

export type { Entity } from "../domain/entity.js"
export type ModelRecord = Customer | Vehicle

export interface Direction {
  readonly from: SystemName
  readonly to: SystemName
}

/** What a target system can hold, as its gateway declares it. */
export interface TargetCapabilities {
  /** An update can empty a field. AutoLeap's cannot: it merges, and a field left out keeps its value. */
  readonly clearsFields: boolean
  /** A customer can have a second phone without a first. AutoLeap's cannot: such a number becomes the phone. */
  readonly secondaryPhoneAlone: boolean
}

/** A reason code with its message: a mapping finding, or one of the pipeline's own (ARCHIVED, REJECTED_BY_TARGET …). */
export interface Reason {
  readonly code: string
  readonly message: string
}

interface Planned<R extends ModelRecord> {
  /** The source record as it goes to the target (duplicates withheld, VIN lookup applied). */
  readonly source: Mapped<R>
  readonly warnings: ReadonlyArray<Finding>
  /** Content hash of the record as it must stand on the target (owner included for vehicles). */
  readonly hash: string
  /** What a lost write is looked up by: the first natural key, else the content hash. */
  readonly lookupKey: string
}

interface Matched<R extends ModelRecord> extends Planned<R> {
  readonly target: Mapped<R>
  readonly targetId: string
  /** The record as the target will hold it after the write (the base of the next sync). */
  readonly planned: R
  /** Target → source, field by field. */
  readonly changes: ReadonlyArray<FieldChange>
}

interface Refused<R extends ModelRecord> extends Planned<R> {
  readonly reason: Reason
}

/**
 * - create: no target record; write a new one.
 * - update: linked by a previous run (id link) and the content differs.
 * - link: matched an existing target record by natural key; written only when `changes` is non-empty.
 * - unchanged: linked and equal; no write.
 * - quarantine / skip: not written (skip: archived, left out by policy).
 */
export type PlanItem<R extends ModelRecord> =
  | ({ readonly action: "create"; readonly planned: R } & Planned<R>)
  | ({ readonly action: "update" | "link" | "unchanged" } & Matched<R>)
  | ({ readonly action: "quarantine" | "skip" } & Refused<R>)

export type PlanAction = PlanItem<ModelRecord>["action"]

/** Whether carrying out the item sends a write to the target. */
export const writes = (item: PlanItem<ModelRecord>): boolean =>
  item.action === "create" || item.action === "update" || (item.action === "link" && item.changes.length > 0)

/**
 * The record as the two systems are compared. A customer whose type is missing or has no counterpart is written
 * without one, and autoGMS then stores its default (individual): comparing with that default keeps such a record from
 * looking changed on every run. The original value stays in the sidecar.
 */
export const comparable = <R extends ModelRecord>(record: R): R =>
  record.kind === "customer" && record.type === null
    ? { ...record, type: record.businessName !== null && record.firstName === null && record.lastName === null ? "business" : "individual" }
    : record

/** The hash of a record as compared; `owner` (a vehicle's owner id on the system it stands on) is part of it when given. */
export const hashOf = (record: ModelRecord, owner: string | null | undefined): string =>
  owner === undefined ? contentHash(comparable(record)) : contentHash(comparable(record), owner ?? "")

/** The hash a record has where it is stored: vehicles include their owner's id on that same system. */
export const storedHash = (record: ModelRecord): string => hashOf(record, record.kind === "vehicle" ? record.owner?.id ?? null : undefined)

/** What a write was meant to produce, as the ledger and the loaders know it. */
export interface IntendedWrite {
  readonly action: "create" | "update" | "archive" | "delete"
  readonly targetId?: string | null
  readonly lookupKey: string
  readonly hash: string
}

/**
 * Whether a target record is what a write produced: an update's own record, a create's by natural key or content, an
 * archive's own record archived.
 * `updateEvidence: "id"` when finding the record already proves the write (AutoLeap's read-back window holds only
 * records updated since the batch); otherwise its content must match too.
 */
export const isProductOf = (record: ModelRecord, write: IntendedWrite, updateEvidence: "id" | "content" = "content"): boolean => {
  switch (write.action) {
    case "create":
      return naturalKeys(record).includes(write.lookupKey) || storedHash(record) === write.hash
    case "update":
      return record.source.id === write.targetId && (updateEvidence === "id" || storedHash(record) === write.hash)
    case "archive":
      return record.source.id === write.targetId && record.archived
    case "delete":
      // A delete produces no record: it is proved by absence, which a lookup by id tells (see the autoGMS gateway).
      return false
  }
}

export const lookupKeyOf = (record: ModelRecord, hash: string): string => naturalKeys(record)[0] ?? `hash:${hash}`

/**
 * The source record as it will stand on the target. A target that cannot clear a field keeps what it has where the
 * source lacks a value; one that cannot hold a second phone alone makes it the phone.
 */
export const asTargetWillHold = <R extends ModelRecord>(record: R, target: TargetCapabilities, existing: R | undefined): R => {
  if (target.clearsFields && target.secondaryPhoneAlone) return record
  const out: Record<string, unknown> = { ...record }
  if (!target.secondaryPhoneAlone && record.kind === "customer" && record.phone === null && record.secondaryPhone !== null) {
    out["phone"] = record.secondaryPhone
    out["secondaryPhone"] = null
  }
  if (!target.clearsFields && existing !== undefined) {
    const before = existing as unknown as Record<string, unknown>
    for (const [field, value] of Object.entries(out)) {
      if (value === null && before[field] !== null && before[field] !== undefined && !Array.isArray(before[field])) out[field] = before[field]
    }
  }
  return out as R
}

const archived = (system: SystemName): Reason => ({
  code: "ARCHIVED",
  message: `Archived (inactive) in ${system === "autoleap" ? "AutoLeap" : "autoGMS"}: not migrated (the mapping file's includeArchived, or --include-archived, changes that).`
})

const ownerChange = (before: string | null, after: string | null): ReadonlyArray<FieldChange> =>
  before === after ? [] : [{ field: "customer", before, after }]

/** What the state store knows that bears on one source record's decision. */
export interface PlanLookups<R extends ModelRecord> {
  /** The target record this source record is linked to by an earlier run, if both the link and the record exist. */
  readonly linkedTarget: (sourceId: string) => Mapped<R> | undefined
  /** The first target record (in read order) holding a natural key. */
  readonly targetByKey: (key: NaturalKey) => Mapped<R> | undefined
  /** Already linked to another source record, or matched earlier in this plan: a natural-key match must not take it. */
  readonly isClaimed: (targetId: string) => boolean
  readonly claim: (targetId: string) => void
  /** A target customer with the same name (POSSIBLE_DUPLICATE), never linked. */
  readonly sameName: (nameKey: string) => Mapped<Customer> | undefined
}

export interface Decision<R extends ModelRecord> {
  readonly direction: Direction
  readonly target: TargetCapabilities
  /** The source record, duplicates already withheld. */
  readonly source: Mapped<R>
  readonly excluded: boolean
  readonly validation: Validation
  /** Vehicles: the owner's id on the target for the source record (undefined for customers). */
  readonly sourceOwner?: string | null
}

/** One source record's plan item. */
export const decide = <R extends ModelRecord>(input: Decision<R>, lookups: PlanLookups<R>): PlanItem<R> => {
  const { source, sourceOwner } = input
  const record = asTargetWillHold(source.record, input.target, undefined)
  const hash = hashOf(record, sourceOwner)
  const base = { source, hash, lookupKey: lookupKeyOf(record, hash) }

  if (input.excluded) return { ...base, action: "skip", warnings: [], reason: archived(record.source.system) }
  const validation = input.validation
  if (!validation.ok) return { ...base, action: "quarantine", warnings: validation.warnings, reason: validation.quarantine }
  const warnings = validation.warnings

  const compare = (target: Mapped<R>, via: "id" | "key"): PlanItem<R> => {
    const targetId = target.record.source.id
    lookups.claim(targetId)
    const targetOwner = target.record.kind === "vehicle" && sourceOwner !== undefined ? target.record.owner?.id ?? null : undefined
    const planned = asTargetWillHold(source.record, input.target, target.record)
    const plannedHash = hashOf(planned, sourceOwner)
    const same = hashOf(target.record, targetOwner) === plannedHash
    const changes = same
      ? []
      : [...changedFields(comparable(target.record), comparable(planned)), ...(sourceOwner === undefined ? [] : ownerChange(targetOwner ?? null, sourceOwner))]
    const action = via === "key" ? "link" : same ? "unchanged" : "update"
    return { ...base, hash: plannedHash, action, target, targetId, planned, changes, warnings }
  }

  const linked = lookups.linkedTarget(record.source.id)
  if (linked !== undefined) return compare(linked, "id")

  for (const key of naturalKeys(record)) {
    const match = lookups.targetByKey(key)
    // Two source records are never merged into one target record.
    if (match !== undefined && !lookups.isClaimed(match.record.source.id)) return compare(match, "key")
  }

  const nameKey = record.kind === "customer" ? customerNameKey(record) : null
  const lookalike = nameKey === null || record.kind !== "customer" ? undefined : lookups.sameName(nameKey)
  return {
    ...base,
    action: "create",
    planned: record,
    warnings: lookalike === undefined || record.kind !== "customer" ? warnings : [...warnings, possibleDuplicateOf(record, lookalike.record)]
  }
}

export interface PlanInput<R extends ModelRecord> {
  readonly direction: Direction
  readonly target: TargetCapabilities
  readonly sources: ReadonlyArray<Mapped<R>>
  readonly targets: ReadonlyArray<Mapped<R>>
  /** Source id → target id, from the state store's links. */
  readonly linkedTargetId: (sourceId: string) => string | undefined
  /** Target ids already linked to some source record (a natural-key match must not take one of them). */
  readonly linkedTargets: ReadonlySet<string>
  readonly excluded: (record: Mapped<R>) => boolean
  readonly validate: (record: Mapped<R>) => Validation
  /** Vehicles: the owner's id on the target for a source record. */
  readonly ownerOfSource?: (record: R) => string | null
}

/** The plan of a whole entity held in memory: the same decisions, fed from arrays (small inputs, tests). */
export const planEntity = <R extends ModelRecord>(input: PlanInput<R>): ReadonlyArray<PlanItem<R>> => {
  const byId = new Map<string, Mapped<R>>()
  const byKey = new Map<string, Mapped<R>>()
  const byName = new Map<string, Mapped<Customer>>()
  for (const t of input.targets) {
    byId.set(t.record.source.id, t)
    for (const key of naturalKeys(t.record)) if (!byKey.has(key)) byKey.set(key, t)
    const nameKey = t.record.kind === "customer" ? customerNameKey(t.record) : null
    if (nameKey !== null && !byName.has(nameKey)) byName.set(nameKey, t as unknown as Mapped<Customer>)
  }
  const claimed = new Set<string>(input.linkedTargets)
  const lookups: PlanLookups<R> = {
    linkedTarget: (id) => {
      const targetId = input.linkedTargetId(id)
      return targetId === undefined ? undefined : byId.get(targetId)
    },
    targetByKey: (key) => byKey.get(key),
    isClaimed: (id) => claimed.has(id),
    claim: (id) => void claimed.add(id),
    sameName: (key) => byName.get(key)
  }
  return resolveSourceDuplicates(input.sources).map((source) =>
    decide(
      {
        direction: input.direction,
        target: input.target,
        source,
        excluded: input.excluded(source),
        validation: input.validate(source),
        ...(input.ownerOfSource === undefined ? {} : { sourceOwner: input.ownerOfSource(source.record) })
      },
      lookups
    )
  )
}
