/**
 * Plan: the source snapshot of one entity, chunk by chunk, through the pure per-record decision of plan.ts, fed by
 * indexed lookups (the link by source id, else the target snapshot by natural key; shared keys by a grouped query;
 * vehicle owners through links and the customer plan). Each decision is a row of the plan table.
 */
import { Effect } from "effect"
import { emptyCustomerFields, type Customer } from "../domain/customer.js"
import type { Entity } from "../domain/entity.js"
import type { Finding } from "../domain/findings.js"
import type { Sidecar } from "../domain/sidecar.js"
import { emptyVehicleFields, type Vehicle } from "../domain/vehicle.js"
import {
  applyVinLookup,
  changedFields,
  isExcludedArchived,
  needsVinLookup,
  sharedKeyFields,
  validateCustomerFor,
  validateVehicleFor,
  withholdSharedKeys,
  type Mapped,
  type SharedKeyField
} from "../mapping/index.js"
import { toJson } from "../mapping/json.js"
import type { JsonValue } from "../report/index.js"
import type { PlanItemInput, SnapshotRecord, StoreReader } from "../state/index.js"
import { decide, storedHash, writes, type Direction, type ModelRecord, type PlanItem, type PlanLookups, type Reason, type TargetCapabilities } from "./plan.js"
import { keyColumnOf, mappedOf } from "./snapshot.js"
import type { SnapshotPair, StageServices } from "./stage.js"

/** Source records decided per transaction. */
const CHUNK = 500

/** Everything a plan row carries besides its indexed columns: what the load writes and the report shows. */
export interface PlanDetail {
  /** The source record as it goes to the target; null where nothing is written or linked. */
  readonly record: ModelRecord | null
  readonly sourceSidecar: Sidecar | null
  readonly targetSidecar: Sidecar | null
  /** The matched target record's hash as it stands there (what the link has seen on the target). */
  readonly targetHash: string | null
  /** The record as the target will hold it (the base of the next sync), when it differs from `record`. */
  readonly planned: ModelRecord | null
  /** Target → source, field by field, for a matched record (a create's are derived: see `changesOf`). */
  readonly changes: ReadonlyArray<{ readonly field: string; readonly before: JsonValue; readonly after: JsonValue }>
  readonly warnings: ReadonlyArray<Finding>
  readonly reason: Reason | null
  /** Archives of vehicles (sync.deletes): the owner's id on the target, which AutoLeap's archive call names. */
  readonly targetOwnerId?: string | null
}

/** A plan row's detail, written by `planRowOf` in this same program. */
export const detailOf = (detail: unknown): PlanDetail => detail as PlanDetail

/** The record as the target will hold it after the write; null where nothing is written or linked. */
export const plannedOf = (detail: PlanDetail): ModelRecord | null => detail.planned ?? detail.record

/** A short label for people: the customer's name, the vehicle's "2019 Toyota Camry · VIN". */
export const labelOf = (record: ModelRecord): string => {
  if (record.kind === "customer") {
    const person = [record.firstName, record.lastName].filter((p) => p !== null).join(" ")
    return person !== "" ? person : record.businessName ?? record.email ?? record.source.id
  }
  const name = [record.year, record.make, record.model].filter((p) => p !== null).join(" ")
  return [name, record.vin ?? record.licensePlate].filter((p) => p !== null && p !== "").join(" · ") || record.source.id
}

/** What a create writes: every field the new record will have, from nothing. */
const fieldsOfNew = (record: ModelRecord) =>
  record.kind === "customer"
    ? changedFields<Customer>({ ...record, ...emptyCustomerFields() }, record)
    : changedFields<Vehicle>({ ...record, ...emptyVehicleFields() }, record)

type JsonChange = PlanDetail["changes"][number]
const asJson = (changes: ReadonlyArray<{ readonly field: string; readonly before: unknown; readonly after: unknown }>): ReadonlyArray<JsonChange> =>
  changes.map((c) => ({ field: c.field, before: toJson(c.before) as JsonValue, after: toJson(c.after) as JsonValue }))

/** The row's changes as the report shows them: a create's are every value it writes. */
export const changesOf = (row: { readonly action: string; readonly detail: unknown }): ReadonlyArray<JsonChange> => {
  const detail = detailOf(row.detail)
  const planned = plannedOf(detail)
  return row.action === "create" && planned !== null ? asJson(fieldsOfNew(planned)) : detail.changes
}

/** The row of the plan table for one decision. */
export const planRowOf = <R extends ModelRecord>(
  item: PlanItem<R>,
  direction: Direction,
  entity: Entity,
  sourceHash: string
): PlanItemInput => {
  const record = item.source.record
  const matched = item.action === "update" || item.action === "link" || item.action === "unchanged" ? item : undefined
  const carried = writes(item) || item.action === "link"
  const planned = !carried ? null : item.action === "create" ? item.planned : matched?.planned ?? null
  const detail: PlanDetail = {
    record: carried ? record : null,
    sourceSidecar: carried ? item.source.sidecar : null,
    targetSidecar: carried && matched !== undefined ? matched.target.sidecar : null,
    targetHash: matched === undefined ? null : storedHash(matched.target.record),
    // Most records stand on the target as they are: the copy is kept only where it differs (AutoLeap keeps values).
    planned: planned === record ? null : planned,
    changes: asJson(matched?.changes ?? []),
    warnings: item.warnings,
    reason: item.action === "quarantine" || item.action === "skip" ? item.reason : null
  }
  return {
    from: direction.from,
    to: direction.to,
    entity,
    sourceId: record.source.id,
    action: item.action,
    writes: writes(item),
    targetId: matched?.targetId ?? null,
    ownerSourceId: record.kind === "vehicle" ? record.owner?.id ?? null : null,
    sourceHash,
    hash: item.hash,
    lookupKey: item.lookupKey,
    label: labelOf(record),
    reasonCode: detail.reason?.code ?? null,
    detail
  }
}

/** What the plan of one entity needs besides the records: fixed for the whole stage. */
export interface PlanScope {
  readonly runId: string
  readonly direction: Direction
  readonly entity: Entity
  readonly snapshots: SnapshotPair
  /** Further snapshots of the target side, searched after `snapshots.target` (sync: the last full read). */
  readonly moreTargets?: ReadonlyArray<number>
  readonly target: TargetCapabilities
  /** Shared values of the source snapshot per key field (DUPLICATE_IN_SOURCE), from one grouped query each. */
  readonly shared: ReadonlyMap<SharedKeyField, ReadonlySet<string>>
  /** Sync: where the holders of a value already in step are looked up (see `linkedKeeperOf`); a migration has none. */
  readonly holders?: KeyHolders
}

/** Sync: each side's snapshots that may show who holds a natural key, newest first. */
export interface KeyHolders {
  readonly source: ReadonlyArray<number>
  readonly target: ReadonlyArray<number>
}

const idOn = (link: { readonly autoleapId: string; readonly autogmsId: string }, system: "autoleap" | "autogms") =>
  system === "autoleap" ? link.autoleapId : link.autogmsId

/**
 * The owner's id on the target for a vehicle: its customer's link, else where the customer plan puts it (matched, or
 * to be created), null when the owner is missing, quarantined or left out.
 */
export const ownerOnTarget = (reader: StoreReader, runId: string, direction: Direction, ownerSourceId: string | null): string | null => {
  if (ownerSourceId === null) return null
  const link = reader.link("customers", direction.from, ownerSourceId)
  if (link !== undefined) return idOn(link, direction.to)
  const planned = reader.plan.customerPlan(runId, direction.from, ownerSourceId)
  if (planned === undefined || planned.action === "quarantine" || planned.action === "skip" || planned.outcome === "rejected") return null
  return planned.outcomeTargetId ?? planned.targetId ?? `(new customer for ${ownerSourceId})`
}

/**
 * Sync's keeper of a shared email, phone or VIN: the source record already carrying it across, by its link — the one
 * whose counterpart on the target holds it, or whose link's base (what both sides last held) has it. A migration's
 * keeper is the most recently updated holder, but an edit makes a non-keeper the most recent: sync keeps the keeper the
 * target already has, else the target would refuse the value (autoGMS) or hold it twice (AutoLeap). `own` when the
 * record itself carries it; undefined when no linked record does (a new shared value: the migration's rule decides).
 * Unlinked target holders are left out: a new record is matched with them, not kept from them.
 */
export const linkedKeeperOf =
  (reader: StoreReader, entity: Entity, direction: Direction, holders: KeyHolders, own: string) =>
  (field: SharedKeyField, value: string): string | undefined => {
    const holding = (snapshots: ReadonlyArray<number>) => snapshots.flatMap((id) => reader.snapshots.byKey(id, field, value).map((r) => r.sourceId))
    const viaTarget = holding(holders.target).flatMap((targetId) => {
      const link = reader.link(entity, direction.to, targetId)
      return link === undefined ? [] : [idOn(link, direction.from)]
    })
    const viaSource = holding(holders.source).filter((sourceId) => {
      const base = reader.link(entity, direction.from, sourceId)?.base as Readonly<Record<string, unknown>> | null | undefined
      return base?.[field] === value
    })
    const keepers = [...viaTarget, ...viaSource]
    return keepers.includes(own) ? own : keepers[0]
  }

/** The lookups of plan.ts over the state store, for one chunk (`claimed` holds what this chunk matched so far). */
const lookupsOver = <R extends ModelRecord>(reader: StoreReader, scope: PlanScope, claimed: Set<string>): PlanLookups<R> => {
  const { snapshots, direction, entity, runId } = scope
  const targets = [snapshots.target, ...(scope.moreTargets ?? [])]
  const firstOf = (find: (snapshotId: number) => SnapshotRecord | undefined): SnapshotRecord | undefined => {
    for (const id of targets) {
      const row = find(id)
      if (row !== undefined) return row
    }
    return undefined
  }
  return {
    linkedTarget: (sourceId) => {
      const link = reader.link(entity, direction.from, sourceId)
      const row = link === undefined ? undefined : firstOf((id) => reader.snapshots.byId(id, idOn(link, direction.to)))
      return row === undefined ? undefined : mappedOf<R>(row)
    },
    targetByKey: (key) => {
      const column = keyColumnOf(key)
      const row = column === undefined ? undefined : firstOf((id) => reader.snapshots.firstByKey(id, column.field, column.value))
      return row === undefined ? undefined : mappedOf<R>(row)
    },
    isClaimed: (targetId) =>
      claimed.has(targetId) || reader.link(entity, direction.to, targetId) !== undefined || reader.plan.isTargetTaken(runId, entity, targetId),
    claim: (targetId) => void claimed.add(targetId),
    sameName: (nameKey) => {
      const row = firstOf((id) => reader.snapshots.firstByKey(id, "nameKey", nameKey))
      return row === undefined ? undefined : mappedOf<Customer>(row)
    }
  }
}

/** Decides one chunk (records already enriched) and returns its plan rows. Synchronous: it runs inside one read. */
const decideChunk = (
  services: StageServices,
  reader: StoreReader,
  scope: PlanScope,
  chunk: ReadonlyArray<{ readonly mapped: Mapped<ModelRecord>; readonly hash: string; readonly vinLookupTried: boolean }>
): ReadonlyArray<PlanItemInput> => {
  const { ctx } = services
  const { direction, entity, runId } = scope
  const claimed = new Set<string>()
  const inSnapshot = (field: SharedKeyField, value: string) =>
    scope.shared.get(field)?.has(value) === true ? reader.snapshots.keeperOf(scope.snapshots.source, field, value) : undefined
  const { holders } = scope
  // Sync: a value some linked record already carries across stays with it; otherwise the migration's rule.
  const keeperOf = (own: string) =>
    holders === undefined
      ? inSnapshot
      : (field: SharedKeyField, value: string) => linkedKeeperOf(reader, entity, direction, holders, own)(field, value) ?? inSnapshot(field, value)
  const resolveCustomerId = (owner: Vehicle["owner"]) => ownerOnTarget(reader, runId, direction, owner?.id ?? null)
  return chunk.map(({ mapped, hash, vinLookupTried }) => {
    const source = withholdSharedKeys(mapped, keeperOf(mapped.record.source.id))
    const record = source.record
    const item =
      record.kind === "customer"
        ? decide<Customer>(
            {
              direction,
              target: scope.target,
              source: source as Mapped<Customer>,
              excluded: isExcludedArchived(source, ctx),
              validation: validateCustomerFor(direction.to, source as Mapped<Customer>, ctx)
            },
            lookupsOver<Customer>(reader, scope, claimed)
          )
        : decide<Vehicle>(
            {
              direction,
              target: scope.target,
              source: source as Mapped<Vehicle>,
              excluded: isExcludedArchived(source, ctx),
              validation: validateVehicleFor(direction.to, source as Mapped<Vehicle>, ctx, { resolveCustomerId, vinLookupTried }),
              sourceOwner: resolveCustomerId(record.owner)
            },
            lookupsOver<Vehicle>(reader, scope, claimed)
          )
    return planRowOf<ModelRecord>(item, direction, entity, hash)
  })
}

/** Vehicles missing make or model get them from the target's VIN lookup when the mapping allows it. */
const enrich = (services: StageServices, direction: Direction, rows: ReadonlyArray<SnapshotRecord>) => {
  const lookup = services.gateways[direction.to].vinLookup
  const plain = rows.map((row) => ({ mapped: mappedOf<ModelRecord>(row), hash: row.hash, vinLookupTried: false }))
  // Most records need no lookup: only those few go through an Effect each.
  const needing = plain.flatMap((p, i) => {
    const vehicle = p.mapped.record
    return lookup !== undefined && vehicle.kind === "vehicle" && vehicle.vin !== null && needsVinLookup(vehicle, services.ctx) && !isExcludedArchived(p.mapped, services.ctx)
      ? [{ i, vin: vehicle.vin, lookup }]
      : []
  })
  if (needing.length === 0) return Effect.succeed(plain)
  return Effect.forEach(
    needing,
    ({ i, vin, lookup }) =>
      Effect.map(lookup(vin), (result) => {
        const p = plain[i]
        if (p !== undefined) plain[i] = { ...p, mapped: applyVinLookup(p.mapped as Mapped<Vehicle>, result), vinLookupTried: true }
      }),
    { concurrency: 4, discard: true }
  ).pipe(Effect.as(plain))
}

/**
 * Plans the given source records (rows of `snapshots.source`) and records their plan rows; `drift` marks them as
 * re-planned after a change in the source (apply). Returns the rows recorded.
 */
export const planRecords = (
  services: StageServices,
  scope: PlanScope,
  rows: ReadonlyArray<SnapshotRecord>,
  drift?: "replanned" | "held"
) =>
  Effect.gen(function* () {
    const { state } = services
    const { runId } = scope
    const enriched = yield* enrich(services, scope.direction, rows)
    const decided = yield* state.read("plan chunk", (reader) => decideChunk(services, reader, scope, enriched))
    const items = drift === undefined ? decided : decided.map((item) => (drift === "held" ? heldBack(item) : { ...item, drift }))
    yield* state.recordPlan(runId, items)
    return items
  })

/** A record that changed since the plan, left alone under `apply --strict`: listed with its new diff, not written. */
const heldBack = (item: PlanItemInput): PlanItemInput => {
  const reason = { code: "DRIFTED", message: "Changed in the source since the plan was made; left alone (apply --strict): review it and plan again." }
  return { ...item, action: "skip", writes: false, reasonCode: reason.code, drift: "held", detail: { ...detailOf(item.detail), reason } }
}

/** The scope of planning one entity from a pair of snapshots: shared source keys found once, by grouped queries. */
export const planScope = (
  services: StageServices,
  runId: string,
  direction: Direction,
  entity: Entity,
  snapshots: SnapshotPair,
  moreTargets: ReadonlyArray<number> = [],
  holders?: KeyHolders
) =>
  Effect.map(
    services.state.read("find shared keys", (reader) =>
      new Map(sharedKeyFields(entity === "customers" ? "customer" : "vehicle").map((field) => [field, reader.snapshots.sharedValues(snapshots.source, field)] as const))),
    (shared): PlanScope => ({
      runId, direction, entity, snapshots, moreTargets, target: services.gateways[direction.to].capabilities, shared,
      ...(holders === undefined ? {} : { holders })
    })
  )

/**
 * Plans one entity of a run from its snapshots. A resumed run keeps the rows it already carried out and plans the
 * rest again (the target has moved on since). Returns how many rows were planned.
 */
export const planEntityStage = (services: StageServices, runId: string, direction: Direction, entity: Entity, snapshots: SnapshotPair) =>
  Effect.gen(function* () {
    const { state, progress } = services
    yield* state.clearOpenPlan(runId, direction.from, entity)
    const scope = yield* planScope(services, runId, direction, entity, snapshots)
    const what = `planning ${entity}`
    const total = yield* state.read("count snapshot", (reader) => reader.snapshots.count(snapshots.source))
    yield* progress.start(what, total)
    let after = 0
    let planned = 0
    for (;;) {
      const rows = yield* state.read("read snapshot chunk", (reader) => reader.snapshots.chunk(snapshots.source, after, CHUNK))
      if (rows.length === 0) break
      after = rows[rows.length - 1]?.position ?? after
      const open = yield* state.read("read settled plan rows", (reader) => rows.filter((r) => !reader.plan.isSettled(runId, direction.from, entity, r.sourceId)))
      planned += (yield* planRecords(services, scope, open)).length
      yield* progress.advance(what, rows.length)
    }
    yield* progress.finish(what)
    return planned
  })
