/**
 * `sync`: keeps both systems in step after a migration, as another composition of the stages. Per side and entity, the
 * records changed since its cursor (the server's clock, minus an overlap) go into a snapshot; each is compared with its
 * link — the hash last seen there: unchanged; the hash we last wrote there: our own echo; otherwise changed. A change
 * on one side is planned as an update of the other; a change on both sides is merged field by field against the link's
 * base, conflicts settled by policy; a record with no link is planned as migrate plans it (matched by natural key,
 * never duplicated). A record archived or deleted on one side is reported, or carried over by policy (syncDeletes.ts).
 * Then the same load, ledger and report; the cursors move only once everything up to them is settled. A targeted sync
 * (a webhook's) reads only the customers it names on their side and moves no cursor.
 */
import { Effect, Option, Stream } from "effect"
import type { Customer } from "../domain/customer.js"
import type { Entity } from "../domain/entity.js"
import { otherSystem, systemDisplayName, type CustomerRef, type SystemName } from "../domain/ids.js"
import type { Sidecar } from "../domain/sidecar.js"
import type { Vehicle } from "../domain/vehicle.js"
import {
  changedFields,
  validateCustomerFor,
  validateVehicleFor,
  withholdSharedKeys,
  type ConflictPolicy,
  type Mapped,
  type Validation
} from "../mapping/index.js"
import { toJson } from "../mapping/json.js"
import type { Estimate, JsonValue } from "../report/index.js"
import type { ConflictInput, Link, LinkInput, PlanItemInput, SnapshotRecord, StoreReader } from "../state/index.js"
import { RunAborted } from "./errors.js"
import { extractEntity, snapshotStream } from "./extract.js"
import { loadEntityStage } from "./load.js"
import { mergeOwners, mergeRecords } from "./merge.js"
import { asTargetWillHold, comparable, hashOf, lookupKeyOf, type Direction, type ModelRecord, type Reason } from "./plan.js"
import { labelOf, linkedKeeperOf, ownerOnTarget, planRecords, planScope, type KeyHolders, type PlanDetail } from "./planStage.js"
import { reportFromStore, type ReportScope } from "./runReport.js"
import { settleOpenWrites } from "./settle.js"
import { mappedOf } from "./snapshot.js"
import type { StageServices } from "./stage.js"
import { departureRow, holdBackOverThreshold, planGone } from "./syncDeletes.js"

export interface SyncOptions {
  readonly directions: ReadonlyArray<Direction>
  readonly entities: ReadonlyArray<Entity>
  /** The policy for a field changed on both sides, unless the mapping file names one for it. */
  readonly conflict: ConflictPolicy
  readonly dryRun: boolean
  /** How far before a cursor each read starts (records updated while the last sync read are not missed). */
  readonly overlapMs: number
  /** Read both sides whole: repairs drift and finds what the change windows cannot. */
  readonly reconcile: boolean
  /** A targeted sync (a webhook's): only these customers and their vehicles are read from that side. */
  readonly only?: TargetedSync | null
}

/**
 * The customers a webhook named, by id on their system. Only they and their vehicles are read there; the other side's
 * changes are read as usual (a new customer is matched against them, never duplicated); the cursors do not move, so
 * the scheduled sync still sweeps everything.
 */
export interface TargetedSync {
  readonly from: SystemName
  readonly customers: ReadonlyArray<string>
}

export interface SyncRun {
  readonly runId: string
  readonly startedAt: string
}

const CHUNK = 500
const CURSOR_PHASE = "sync:cursor"
const systems: ReadonlyArray<SystemName> = ["autoleap", "autogms"]

/** A side's change snapshot per entity; `null` when the side was not read. */
type Changes = Readonly<Record<SystemName, Partial<Record<Entity, number>>>>

export interface CursorMove {
  readonly system: SystemName
  readonly entity: Entity
  readonly before: string | null
  readonly after: string | null
}

const cursorKey = (system: SystemName, entity: Entity) => ({ system, entity, phase: CURSOR_PHASE })

/** The named customers, or their vehicles, read by id (a targeted sync). */
const readNamed = (services: StageServices, system: SystemName, entity: Entity, customers: ReadonlyArray<string>) => {
  const gateway = services.gateways[system]
  const byId = entity === "customers" ? gateway.customerById : gateway.vehiclesOf
  return byId === undefined
    ? Effect.fail(new RunAborted({ message: `${systemDisplayName(system)} records cannot be read by customer here: run a full sync` }))
    : Effect.succeed(Stream.fromIterable(customers).pipe(Stream.flatMap((id): Stream.Stream<Mapped<ModelRecord>, RunAborted> => byId(id))))
}

/** The records of one side changed since its cursor (every record on the first sync, or with --reconcile). */
const captureChanges = (services: StageServices, runId: string, options: SyncOptions, system: SystemName, entity: Entity) =>
  Effect.gen(function* () {
    const cursor = yield* services.state.checkpoint(cursorKey(system, entity))
    const since = Option.flatMap(cursor, (c) => (c.cursor.kind === "position" && c.cursor.updatedAt !== "" ? Option.some(c.cursor.updatedAt) : Option.none()))
    const gateway = services.gateways[system]
    // The server's time before this read: what was updated before it (less the overlap) is read now, whatever else changes.
    const readFrom = Option.getOrNull(Option.map(yield* gateway.serverTime, (d) => d.toISOString()))
    const captured = { before: Option.getOrNull(since), readFrom }
    if (options.only?.from === system) {
      const named = yield* readNamed(services, system, entity, options.only.customers)
      return { ...captured, snapshot: yield* snapshotStream(services, runId, system, entity, named, false), full: false }
    }
    if (options.reconcile || Option.isNone(since)) {
      return { ...captured, snapshot: yield* extractEntity(services, runId, system, entity), full: true }
    }
    const read = (entity === "customers" ? gateway.customers : gateway.vehicles).readChanged(new Date(since.value), options.overlapMs)
    return { ...captured, snapshot: yield* snapshotStream(services, runId, system, entity, read, false), full: false }
  })

/** The latest of some server timestamps (ISO 8601); null when there is none. */
const latestOf = (times: ReadonlyArray<string | null>): string | null =>
  times.reduce<string | null>((latest, t) => (t === null || (latest !== null && Date.parse(t) <= Date.parse(latest)) ? latest : t), null)

const idOn = (link: Link, system: SystemName): string => (system === "autoleap" ? link.autoleapId : link.autogmsId)

/** A customer's id on `system`: its own, or its linked counterpart's; null when it has none there. */
const linkedOwnerOn = (reader: StoreReader, system: SystemName, owner: CustomerRef | null): string | null => {
  if (owner === null || owner.system === system) return owner?.id ?? null
  const link = reader.link("customers", owner.system, owner.id)
  return link === undefined ? null : idOn(link, system)
}

/**
 * A merged record as `own` (one side's record) writes it to the other side: the merge's values with `own`'s identity,
 * and for a vehicle its customer after `mergeOwners`, as an id of `own`'s side (the plan resolves it through the links).
 */
const mergedAs = (own: ModelRecord, merged: ModelRecord, owners: Readonly<Record<SystemName, CustomerRef | null>> | undefined): ModelRecord =>
  ({ ...merged, source: own.source, ...(own.kind === "vehicle" && owners !== undefined ? { owner: owners[own.source.system] } : {}) }) as ModelRecord
const sideOf = (link: Link, system: SystemName) => (system === "autoleap" ? link.autoleap : link.autogms)
const sidecarOf = (link: Link, system: SystemName): Sidecar | null => {
  const all = link.sidecar as Partial<Record<SystemName, Sidecar>> | null
  return all?.[system] ?? null
}

/** How a linked record read on one side compares with what the link remembers of that side. */
type SideState = "unchanged" | "echo" | "changed"
const stateOf = (row: SnapshotRecord, link: Link, system: SystemName): SideState => {
  const side = sideOf(link, system)
  return row.hash === side.seen ? "unchanged" : row.hash === side.written ? "echo" : "changed"
}

const jsonChanges = (changes: ReadonlyArray<{ readonly field: string; readonly before: unknown; readonly after: unknown }>) =>
  changes.map((c) => ({ field: c.field, before: toJson(c.before) as JsonValue, after: toJson(c.after) as JsonValue }))

interface UpdateInput {
  readonly direction: Direction
  readonly entity: Entity
  readonly source: Mapped<ModelRecord>
  readonly sourceHash: string
  readonly link: Link
  /** What the target holds now (its record if it was read in this run, else the link's base). */
  readonly current: ModelRecord
  readonly currentHash: string | null
  readonly targetSidecar: Sidecar | null
  /** The record to write (the source's, or the merge's); its source ref stays the source's. */
  readonly record: ModelRecord
  readonly conflict?: { readonly fields: ReadonlyArray<string>; readonly resolution: string } | null
  /** Where the holders of a shared email, phone or VIN are looked up (DUPLICATE_IN_SOURCE). */
  readonly holders: KeyHolders
}

/** The plan row of an update of a linked record on the other side, or null when the other side already holds it. */
const updateRow = (services: StageServices, reader: StoreReader, runId: string, input: UpdateInput): PlanItemInput | null => {
  const { direction, entity, link } = input
  // A value another source record carries across is withheld, as the migration withheld it: the target holds it once.
  const source = withholdSharedKeys({ ...input.source, record: input.record }, linkedKeeperOf(reader, entity, direction, input.holders, input.record.source.id))
  const record = source.record
  const targetCaps = services.gateways[direction.to].capabilities
  const owner = record.kind === "vehicle" ? ownerOnTarget(reader, runId, direction, record.owner?.id ?? null) : undefined
  const planned = asTargetWillHold(record, targetCaps, input.current)
  const hash = hashOf(planned, owner)
  const currentOwner = input.current.kind === "vehicle" && owner !== undefined ? input.current.owner?.id ?? null : undefined
  const targetId = idOn(link, direction.to)
  const validation: Validation =
    record.kind === "customer"
      ? validateCustomerFor(direction.to, source as Mapped<Customer>, services.ctx)
      : validateVehicleFor(direction.to, source as Mapped<Vehicle>, services.ctx, {
          resolveCustomerId: (o) => ownerOnTarget(reader, runId, direction, o?.id ?? null)
        })
  const changes = [
    ...changedFields(comparable(input.current), comparable(planned)),
    ...(owner !== undefined && owner !== currentOwner ? [{ field: "customer", before: currentOwner ?? null, after: owner }] : [])
  ]
  const reason: Reason | null = validation.ok ? null : validation.quarantine
  const conflictOpen = input.conflict?.resolution === "open"
  if (reason === null && changes.length === 0 && !conflictOpen) return null
  const detail: PlanDetail = {
    record,
    sourceSidecar: source.sidecar,
    targetSidecar: input.targetSidecar,
    targetHash: input.currentHash,
    planned,
    changes: jsonChanges(changes),
    warnings: validation.warnings,
    reason
  }
  const writes = reason === null && changes.length > 0
  return {
    from: direction.from,
    to: direction.to,
    entity,
    sourceId: record.source.id,
    action: reason !== null ? "quarantine" : writes ? "update" : "conflict",
    writes,
    targetId,
    ownerSourceId: record.kind === "vehicle" ? record.owner?.id ?? null : null,
    sourceHash: input.sourceHash,
    hash,
    lookupKey: link.naturalKey ?? lookupKeyOf(planned, hash),
    label: labelOf(record),
    reasonCode: reason?.code ?? (conflictOpen ? "CONFLICT" : null),
    detail
  }
}

/** Each side's changes, then its last full read: where sync finds who holds a natural key (for `linkedKeeperOf`). */
const keyHoldersOf = (services: StageServices, direction: Direction, entity: Entity, changes: Changes) =>
  Effect.map(
    Effect.all([services.state.latestFullSnapshot(direction.from, entity), services.state.latestFullSnapshot(direction.to, entity)]),
    ([sourceFull, targetFull]): KeyHolders => {
      const side = (changed: number | undefined, full: Option.Option<{ readonly id: number }>) =>
        [...new Set([...(changed === undefined ? [] : [changed]), ...Option.toArray(Option.map(full, (s) => s.id))])]
      return { source: side(changes[direction.from][entity], sourceFull), target: side(changes[direction.to][entity], targetFull) }
    }
  )

/** The same holders seen from the other direction. */
const reversed = (holders: KeyHolders): KeyHolders => ({ source: holders.target, target: holders.source })

const ECHO: Reason = { code: "ECHO", message: "Our own write read back: nothing to do." }

/** A row reporting our own write read back: nothing to do. */
const echoRow = (direction: Direction, entity: Entity, row: SnapshotRecord, link: Link): PlanItemInput => {
  const record = mappedOf<ModelRecord>(row).record
  return {
    from: direction.from,
    to: direction.to,
    entity,
    sourceId: row.sourceId,
    action: "unchanged",
    writes: false,
    targetId: idOn(link, direction.to),
    ownerSourceId: null,
    sourceHash: row.hash,
    hash: row.hash,
    lookupKey: link.naturalKey ?? `hash:${row.hash}`,
    label: labelOf(record),
    reasonCode: ECHO.code,
    detail: { record: null, sourceSidecar: null, targetSidecar: null, targetHash: null, planned: null, changes: [], warnings: [], reason: ECHO } satisfies PlanDetail
  }
}

interface Classified {
  readonly rows: Array<PlanItemInput>
  readonly seen: Array<LinkInput>
  readonly conflicts: Array<ConflictInput>
  /** Source records with no link: planned as a migration plans them. */
  readonly unlinked: Array<SnapshotRecord>
}

/** One chunk of a side's changes against the links (and the other side's changes). Synchronous: one read. */
const classifyChunk = (
  services: StageServices,
  reader: StoreReader,
  runId: string,
  options: SyncOptions,
  direction: Direction,
  entity: Entity,
  changes: Changes,
  holders: KeyHolders,
  chunk: ReadonlyArray<SnapshotRecord>
): Classified => {
  const out: Classified = { rows: [], seen: [], conflicts: [], unlinked: [] }
  const other = direction.to
  const otherSnapshot = changes[other][entity]
  const writesBothWays = options.directions.some((d) => d.from === other)
  for (const row of chunk) {
    const link = reader.link(entity, direction.from, row.sourceId)
    if (link === undefined) {
      out.unlinked.push(row)
      continue
    }
    // A targeted sync brings over what is new; a linked record's changes are the sweep's, which sees both sides.
    if (options.only != null) continue
    const source = mappedOf<ModelRecord>(row)
    // Archive state is not content (the hash leaves it out): an archive is told by the record against the base.
    if (source.record.archived && !(link.base as ModelRecord | null)?.archived) {
      out.rows.push(departureRow(services, { direction, entity, link, departure: "archived", hash: row.hash, label: labelOf(source.record), writable: true, goneOnBoth: false }))
      continue
    }
    const state = stateOf(row, link, direction.from)
    if (state === "echo") {
      out.seen.push({ entity, autoleapId: link.autoleapId, autogmsId: link.autogmsId, [direction.from]: { seen: row.hash } })
      out.rows.push(echoRow(direction, entity, row, link))
      continue
    }
    if (state === "unchanged") continue
    const otherRow = otherSnapshot === undefined ? undefined : reader.snapshots.byId(otherSnapshot, idOn(link, other))
    const otherChanged = otherRow !== undefined && stateOf(otherRow, link, other) === "changed"
    const base = (link.base as ModelRecord | null) ?? (otherRow === undefined ? null : mappedOf<ModelRecord>(otherRow).record)
    const current = otherRow === undefined ? base : mappedOf<ModelRecord>(otherRow).record
    if (current === null) continue
    const targetSidecar = otherRow === undefined ? sidecarOf(link, other) : mappedOf<ModelRecord>(otherRow).sidecar
    if (!otherChanged || base === null || otherRow === undefined) {
      const update = updateRow(services, reader, runId, {
        direction, entity, source, sourceHash: row.hash, link, current, currentHash: otherRow?.hash ?? sideOf(link, other).seen, targetSidecar, record: source.record, holders
      })
      // Nothing to write: the other side already holds it. Remember this version as seen.
      if (update === null) out.seen.push({ entity, autoleapId: link.autoleapId, autogmsId: link.autogmsId, [direction.from]: { seen: row.hash } })
      else out.rows.push(update)
      continue
    }
    // Changed on both sides: merged once, from AutoLeap's side when both directions run.
    if (writesBothWays && direction.from !== "autoleap") continue
    const mine = source.record
    const theirs = mappedOf<ModelRecord>(otherRow).record
    const [al, ag] = direction.from === "autoleap" ? [mine, theirs] : [theirs, mine]
    const policies = services.ctx.mapping.sync.conflicts[entity]
    const merged = mergeRecords({ base, autoleap: al, autogms: ag, policyOf: (field) => policies[field] ?? policies["*"] ?? options.conflict })
    const owners =
      base.kind === "vehicle" && al.kind === "vehicle" && ag.kind === "vehicle"
        ? mergeOwners({ base, autoleap: al, autogms: ag, ownerOn: (system, owner) => linkedOwnerOn(reader, system, owner) })
        : undefined
    const fields = merged.conflicts.map((c) => c.field)
    const open = merged.conflicts.some((c) => c.resolution === "open")
    const resolution = open ? "open" : merged.conflicts[0]?.resolution ?? "merged"
    if (merged.conflicts.length > 0) {
      out.conflicts.push({
        entity,
        autoleapId: link.autoleapId,
        autogmsId: link.autogmsId,
        autoleapVersion: al,
        autogmsVersion: ag,
        fields,
        resolution: open ? "open" : merged.conflicts[0]?.resolution === "autogms" ? "autogms" : "autoleap",
        base
      })
    }
    const conflict = merged.conflicts.length === 0 ? null : { fields, resolution: open ? "awaiting review" : `${resolution} kept` }
    const toOther = updateRow(services, reader, runId, {
      direction, entity, source, sourceHash: row.hash, link, current: theirs, currentHash: otherRow.hash, targetSidecar,
      record: mergedAs(mine, direction.to === "autoleap" ? merged.autoleap : merged.autogms, owners), conflict, holders
    })
    if (toOther !== null) out.rows.push(toOther)
    if (writesBothWays) {
      const back: Direction = { from: direction.to, to: direction.from }
      const toMine = updateRow(services, reader, runId, {
        direction: back, entity, source: mappedOf<ModelRecord>(otherRow), sourceHash: otherRow.hash, link, current: mine, currentHash: row.hash,
        targetSidecar: source.sidecar,
        record: mergedAs(theirs, back.to === "autoleap" ? merged.autoleap : merged.autogms, owners), conflict, holders: reversed(holders)
      })
      if (toMine !== null) out.rows.push(toMine)
    }
  }
  return out
}

/**
 * Conflicts a person settled (`conflicts resolve`): the chosen side's values of the conflicting fields are written to
 * the other side, over the version the conflict recorded there (or the one this run read, if newer).
 */
const planResolutions = (services: StageServices, runId: string, options: SyncOptions, entity: Entity, changes: Changes) =>
  Effect.gen(function* () {
    const { state } = services
    const settled = (yield* state.conflictsToApply).filter((c) => c.entity === entity && c.resolution !== "open")
    const applied: Array<number> = []
    for (const conflict of settled) {
      const take: SystemName = conflict.resolution === "autogms" ? "autogms" : "autoleap"
      const direction: Direction = { from: take, to: otherSystem(take) }
      if (!options.directions.some((d) => d.from === direction.from)) continue
      const holders = yield* keyHoldersOf(services, direction, entity, changes)
      const row = yield* state.read("plan a settled conflict", (reader) => {
        const takeId = take === "autoleap" ? conflict.autoleapId : conflict.autogmsId
        const link = reader.link(entity, take, takeId)
        if (link === undefined) return null
        const chosen = (take === "autoleap" ? conflict.autoleapVersion : conflict.autogmsVersion) as ModelRecord
        const recorded = (take === "autoleap" ? conflict.autogmsVersion : conflict.autoleapVersion) as ModelRecord
        const otherSnapshot = changes[direction.to][entity]
        const fresh = otherSnapshot === undefined ? undefined : reader.snapshots.byId(otherSnapshot, idOn(link, direction.to))
        const current = fresh === undefined ? recorded : mappedOf<ModelRecord>(fresh).record
        const picked: Record<string, unknown> = { ...current, source: chosen.source }
        for (const field of conflict.fields) picked[field] = (chosen as unknown as Record<string, unknown>)[field]
        return updateRow(services, reader, runId, {
          direction,
          entity,
          source: { record: chosen, sidecar: sidecarOf(link, take) ?? { system: take, kept: {}, withheld: {} }, warnings: [], problems: [] },
          sourceHash: sideOf(link, take).seen ?? "",
          link,
          current,
          currentHash: fresh?.hash ?? sideOf(link, direction.to).seen,
          targetSidecar: fresh === undefined ? sidecarOf(link, direction.to) : mappedOf<ModelRecord>(fresh).sidecar,
          record: picked as unknown as ModelRecord,
          conflict: { fields: conflict.fields, resolution: `${take} kept (settled by a person)` },
          holders
        })
      })
      if (row !== null) yield* state.recordPlan(runId, [row])
      applied.push(conflict.id)
    }
    return applied
  })

/** Plans one direction of one entity from the source side's changes. */
const planDirection = (services: StageServices, runId: string, options: SyncOptions, direction: Direction, entity: Entity, changes: Changes) =>
  Effect.gen(function* () {
    const { state } = services
    const sourceSnapshot = changes[direction.from][entity]
    if (sourceSnapshot === undefined) return
    // New records are matched against the other side's changes, then its last full read.
    const lastFull = yield* state.latestFullSnapshot(direction.to, entity)
    const targetChanges = changes[direction.to][entity]
    const targets = [...(targetChanges === undefined ? [] : [targetChanges]), ...Option.toArray(Option.map(lastFull, (s) => s.id))]
    const [first, ...more] = targets
    const holders = yield* keyHoldersOf(services, direction, entity, changes)
    const scope = first === undefined ? undefined : yield* planScope(services, runId, direction, entity, { source: sourceSnapshot, target: first }, more, holders)
    let after = 0
    for (;;) {
      const chunk = yield* state.read("read changes", (reader) => reader.snapshots.chunk(sourceSnapshot, after, CHUNK))
      if (chunk.length === 0) break
      after = chunk[chunk.length - 1]?.position ?? after
      // Planned already in this run: carried out, the merge's second write kept for a resume, or merged from the other side.
      const open = yield* state.read("read planned rows", (reader) => chunk.filter((r) => reader.plan.bySource(runId, direction.from, entity, r.sourceId) === undefined))
      const classified = yield* state.read("compare changes with links", (reader) =>
        classifyChunk(services, reader, runId, options, direction, entity, changes, holders, open))
      yield* state.recordPlan(runId, classified.rows)
      if (!options.dryRun && (classified.seen.length > 0 || classified.conflicts.length > 0)) {
        yield* state.settleBatch({ runId, links: classified.seen, conflicts: classified.conflicts })
      }
      if (scope !== undefined && classified.unlinked.length > 0) yield* planRecords(services, scope, classified.unlinked)
    }
  })

/** Runs one sync; returns the report, the per-record actions and the cursors' moves. */
export const runSync = (services: StageServices, options: SyncOptions, run: SyncRun) =>
  Effect.gen(function* () {
    const { state, gateways } = services
    const { runId } = run
    for (const system of systems) yield* services.say(yield* gateways[system].check)
    if (options.only != null) {
      // Writes a killed run left open are settled against a full view of the changes: a targeted sync has only a few
      // records, so it leaves them (and its customers) to `resume` or the scheduled sync rather than risk a duplicate.
      const open = yield* state.unsettledWrites()
      if (open.length > 0) {
        yield* services.say(`${open.length} write(s) an earlier run left open: left to 'shopbridge resume' or the scheduled sync`)
        return yield* reportFromStore(services, { runId, command: "sync", dryRun: options.dryRun, startedAt: run.startedAt, directions: options.directions, entities: options.entities, reads: [], estimate: null })
      }
    }

    // ── change capture: both sides at once (their limits are independent) ──────────────────────────────────────
    const captured = yield* Effect.all(
      systems.map((system) =>
        Effect.forEach(options.entities, (entity) => Effect.map(captureChanges(services, runId, options, system, entity), (c) => ({ system, entity, ...c })))
      ),
      { concurrency: 2 }
    )
    const changes: Record<SystemName, Partial<Record<Entity, number>>> = { autoleap: {}, autogms: {} }
    const cursors: Array<{ system: SystemName; entity: Entity; before: string | null; readFrom: string | null; snapshot: number }> = []
    for (const c of captured.flat()) {
      changes[c.system][c.entity] = c.snapshot
      cursors.push({ system: c.system, entity: c.entity, before: c.before, readFrom: c.readFrom, snapshot: c.snapshot })
    }
    // A targeted sync finds no deletes: what it reads whole is only for matching.
    const fullReads = options.only == null ? captured.flat().filter((c) => c.full) : []
    const isFull = (system: SystemName, entity: Entity) => fullReads.some((r) => r.system === system && r.entity === entity)

    // Writes a killed sync left open are settled against the other side's changes (a lost write is a recent one).
    if (!options.dryRun) {
      for (const direction of options.directions) {
        const pairs: { -readonly [E in Entity]?: { source: number; target: number } } = {}
        for (const entity of options.entities) {
          const source = changes[direction.from][entity]
          const target = changes[direction.to][entity]
          if (source !== undefined && target !== undefined) pairs[entity] = { source, target }
        }
        yield* settleOpenWrites(services, runId, direction, pairs)
      }
    }

    // ── plan: customers first (vehicles need their owners), each direction from its source's changes ──────────────
    const settledConflicts: Array<number> = []
    for (const entity of options.entities) {
      // A resumed sync plans again what it has not carried out; a merge plans both directions at once, so clear first.
      for (const direction of options.directions) yield* state.clearOpenPlan(runId, direction.from, entity)
      for (const direction of options.directions) yield* planDirection(services, runId, options, direction, entity, changes)
      if (options.only == null) settledConflicts.push(...(yield* planResolutions(services, runId, options, entity, changes)))
      for (const read of fullReads.filter((r) => r.entity === entity)) {
        const other = otherSystem(read.system)
        yield* planGone(services, {
          runId,
          system: read.system,
          entity,
          snapshot: read.snapshot,
          other: { snapshot: changes[other][entity], full: isFull(other, entity) },
          writable: options.directions.some((d) => d.from === read.system)
        })
      }
    }
    const deletesHeldBack = yield* holdBackOverThreshold(services, runId, options.entities)
    const open = yield* state.read("count planned writes", (reader) => reader.plan.openWrites(runId))
    const writes = open.reduce((n, w) => n + w.count, 0)
    yield* services.say(writes === 0 ? "nothing to do" : `${writes} write(s) to make`)

    // ── load, then the cursors: only past what is settled ───────────────────────────────────────────────────────
    if (!options.dryRun) {
      for (const entity of options.entities) {
        for (const direction of options.directions) yield* loadEntityStage(services, runId, direction, entity)
      }
      yield* state.markConflictsApplied(settledConflicts, runId)
    }
    const cursorMoves: Array<CursorMove> = []
    for (const c of cursors) {
      const newest = yield* state.read("read newest change", (reader) => reader.snapshots.newestUpdatedAt(c.snapshot))
      // Past the newest change read, and past the server's time before the read: without the latter, a quiet shop's
      // every sync would read again the changes of the overlap before its last one (after a migration, thousands).
      const after = latestOf([c.before, newest, c.readFrom])
      // A targeted sync read only a few records of its side: the sweep must still read the rest.
      const moves = !options.dryRun && options.only == null
      if (moves && after !== null && after !== c.before) {
        yield* state.saveCheckpoint({ ...cursorKey(c.system, c.entity), cursor: { kind: "position", updatedAt: after, id: "" } }, runId)
      }
      cursorMoves.push({ system: c.system, entity: c.entity, before: c.before, after: moves ? after : c.before })
    }
    const reads = yield* state.read("count changes", (reader) =>
      cursors.map((c) => ({ from: c.system, entity: c.entity, count: reader.snapshots.count(c.snapshot) })))
    const echoes = yield* state.read("count echoes", (reader) => reader.plan.countWithReason(runId, ECHO.code))
    const scope: ReportScope = {
      runId,
      command: "sync",
      dryRun: options.dryRun,
      startedAt: run.startedAt,
      directions: options.directions,
      entities: options.entities,
      reads,
      estimate: null satisfies Estimate | null,
      sync: { cursors: cursorMoves, echoes, deletesHeldBack }
    }
    return yield* reportFromStore(services, scope)
  })
