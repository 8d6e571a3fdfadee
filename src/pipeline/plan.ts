/**
 * The plan: for every source record of one entity, what the load must do on the target and why. Pure — the records,
 * the id links and the validation come in; nothing here reads or writes.
 */
import type { Customer } from "../domain/customer.js"
import type { Finding } from "../domain/findings.js"
import type { SystemName } from "../domain/ids.js"
import type { Vehicle } from "../domain/vehicle.js"
import {
  buildNameIndex,
  changedFields,
  contentHash,
  findPossibleDuplicate,
  naturalKeys,
  resolveSourceDuplicates,
  type FieldChange,
  type Mapped,
  type Validation
} from "../mapping/index.js"

export type Entity = "customers" | "vehicles"
export type ModelRecord = Customer | Vehicle

export interface Direction {
  readonly from: SystemName
  readonly to: SystemName
}

/**
 * - create: no target record; write a new one.
 * - update: linked by a previous run (id map) and the content differs.
 * - link: matched an existing target record by natural key; written only when `changes` is non-empty.
 * - unchanged: linked and equal; no write.
 * - quarantine / skip: not written (skip: archived, left out by policy).
 */
export type PlanAction = "create" | "update" | "link" | "unchanged" | "quarantine" | "skip"

export interface PlanItem<R extends ModelRecord> {
  readonly action: PlanAction
  readonly source: Mapped<R>
  /** The target record matched (update / link / unchanged). */
  readonly target?: Mapped<R>
  readonly targetId?: string
  /** Target → source, field by field (update / link). */
  readonly changes: ReadonlyArray<FieldChange>
  readonly warnings: ReadonlyArray<Finding>
  /** Why a record is quarantined or skipped. */
  readonly reason?: Reason
  /** Content hash of the record as it must stand on the target (owner included for vehicles). */
  readonly hash: string
  /** What a lost write is looked up by: the first natural key, else the content hash. */
  readonly lookupKey: string
}

/** Whether carrying out the item sends a write to the target. */
/** A reason code with its message: a mapping finding, or one of the pipeline's own (ARCHIVED, REJECTED_BY_TARGET …). */
export interface Reason {
  readonly code: string
  readonly message: string
}

export const writes = (item: PlanItem<ModelRecord>): boolean =>
  item.action === "create" || item.action === "update" || (item.action === "link" && item.changes.length > 0)

/**
 * The record as the two systems are compared. A customer whose type is missing or has no counterpart is written
 * without one, and autoGMS then stores its default (individual): comparing with that default keeps such a record from
 * looking changed on every run. The original value stays in the sidecar.
 */
const comparable = <R extends ModelRecord>(record: R): R =>
  record.kind === "customer" && record.type === null
    ? { ...record, type: record.businessName !== null && record.firstName === null && record.lastName === null ? "business" : "individual" }
    : record

const hashOf = (record: ModelRecord, owner: string | null | undefined): string =>
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
 * Whether a target record is what a write produced: an update's own record, a create's by natural key or content.
 * `updateEvidence: "id"` when finding the record already proves the write (AutoLeap's read-back window holds only
 * records updated since the batch); otherwise its content must match too.
 */
export const isProductOf = (record: ModelRecord, write: IntendedWrite, updateEvidence: "id" | "content" = "content"): boolean =>
  write.action === "create"
    ? naturalKeys(record).includes(write.lookupKey) || storedHash(record) === write.hash
    : record.source.id === write.targetId && (updateEvidence === "id" || storedHash(record) === write.hash)

export const lookupKeyOf = (record: ModelRecord, hash: string): string => naturalKeys(record)[0] ?? `hash:${hash}`

/**
 * The source record as it will stand on the target. AutoLeap cannot clear a field (an update that leaves a field out
 * keeps it), so a value the source lacks stays what the target has; and it has no "second phone without a first", so
 * such a number becomes the phone.
 */
export const asTargetWillHold = <R extends ModelRecord>(record: R, target: SystemName, existing: R | undefined): R => {
  if (target !== "autoleap") return record
  const out: Record<string, unknown> = { ...record }
  if (record.kind === "customer" && record.phone === null && record.secondaryPhone !== null) {
    out["phone"] = record.secondaryPhone
    out["secondaryPhone"] = null
  }
  if (existing !== undefined) {
    const before = existing as unknown as Record<string, unknown>
    for (const [field, value] of Object.entries(out)) {
      if (value === null && before[field] !== null && before[field] !== undefined && !Array.isArray(before[field])) out[field] = before[field]
    }
  }
  return out as R
}

export interface PlanInput<R extends ModelRecord> {
  readonly direction: Direction
  readonly sources: ReadonlyArray<Mapped<R>>
  readonly targets: ReadonlyArray<Mapped<R>>
  /** Source id → target id, from the state store's links. */
  readonly linkedTargetId: (sourceId: string) => string | undefined
  /** Target ids already linked to some source record (a natural-key match must not take one of them). */
  readonly linkedTargets: ReadonlySet<string>
  readonly excluded: (record: Mapped<R>) => boolean
  readonly validate: (record: Mapped<R>) => Validation
  /** Vehicles: the owner's id on the target for a source record, and for a target record (so a move is a change). */
  readonly ownerOfSource?: (record: R) => string | null
  readonly ownerOfTarget?: (record: R) => string | null
}

const archived = (system: SystemName): Reason => ({
  code: "ARCHIVED",
  message: `Archived (inactive) in ${system === "autoleap" ? "AutoLeap" : "autoGMS"}: not migrated (the mapping file's includeArchived, or --include-archived, changes that).`
})

const ownerChange = (before: string | null, after: string | null): ReadonlyArray<FieldChange> =>
  before === after ? [] : [{ field: "customer", before, after }]

export const planEntity = <R extends ModelRecord>(input: PlanInput<R>): ReadonlyArray<PlanItem<R>> => {
  const targetsById = new Map<string, Mapped<R>>()
  const targetsByKey = new Map<string, Mapped<R>>()
  for (const t of input.targets) {
    targetsById.set(t.record.source.id, t)
    for (const key of naturalKeys(t.record)) if (!targetsByKey.has(key)) targetsByKey.set(key, t)
  }
  const claimed = new Set<string>(input.linkedTargets)
  const nameIndex = buildNameIndex(
    input.targets.filter((t) => t.record.kind === "customer").map((t) => t.record as Customer)
  )
  const sources = resolveSourceDuplicates(input.sources)

  return sources.map((source): PlanItem<R> => {
    const sourceOwner = input.ownerOfSource?.(source.record)
    const record = asTargetWillHold(source.record, input.direction.to, undefined)
    const hash = hashOf(record, sourceOwner)
    const base = { source, changes: [] as ReadonlyArray<FieldChange>, hash, lookupKey: lookupKeyOf(record, hash) }

    if (input.excluded(source)) return { ...base, action: "skip", warnings: [], reason: archived(record.source.system) }
    const validation = input.validate(source)
    if (!validation.ok) return { ...base, action: "quarantine", warnings: validation.warnings, reason: validation.quarantine }
    const warnings = validation.warnings

    const compare = (target: Mapped<R>, via: "id" | "key"): PlanItem<R> => {
      const targetId = target.record.source.id
      claimed.add(targetId)
      const targetOwner = input.ownerOfTarget?.(target.record)
      const planned = asTargetWillHold(source.record, input.direction.to, target.record)
      const plannedHash = hashOf(planned, sourceOwner)
      const same = hashOf(target.record, targetOwner) === plannedHash
      const changes = same
        ? []
        : [...changedFields(comparable(target.record), comparable(planned)), ...(sourceOwner === undefined ? [] : ownerChange(targetOwner ?? null, sourceOwner))]
      const action: PlanAction = via === "key" ? "link" : same ? "unchanged" : "update"
      return { ...base, hash: plannedHash, action, target, targetId, changes, warnings }
    }

    const linkedId = input.linkedTargetId(record.source.id)
    const linkedTarget = linkedId === undefined ? undefined : targetsById.get(linkedId)
    if (linkedTarget !== undefined) return compare(linkedTarget, "id")

    for (const key of naturalKeys(record)) {
      const match = targetsByKey.get(key)
      // Two source records are never merged into one target record.
      if (match !== undefined && !claimed.has(match.record.source.id)) return compare(match, "key")
    }

    const lookalike = record.kind === "customer" ? findPossibleDuplicate(record, nameIndex) : undefined
    return { ...base, action: "create", warnings: lookalike === undefined ? warnings : [...warnings, lookalike.warning] }
  })
}
