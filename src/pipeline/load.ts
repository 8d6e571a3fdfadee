/**
 * Load: the plan table of one entity carried out, group by group in plan order (creates first), through the
 * write-ahead ledger: intents are recorded before a group is sent; outcomes, id links, warnings, quarantine, the plan
 * rows' outcomes and the checkpoint together after it. A write whose outcome stays unknown is sent again only after
 * the gateway looked for it; after a few rounds the run stops (exit 3) and `resume` settles it against the target.
 */
import { Chunk, Effect, Option, Stream } from "effect"
import type { Customer } from "../domain/customer.js"
import type { Entity } from "../domain/entity.js"
import { systemDisplayName } from "../domain/ids.js"
import type { Sidecar } from "../domain/sidecar.js"
import type { Vehicle } from "../domain/vehicle.js"
import { changedFields, type Mapped } from "../mapping/index.js"
import type {
  LinkInput, LinkKey, PairState, PlanItemRow, PlanOutcome, PlanPhase, QuarantineInput, RunWarning, StateError, StateLocked,
  WriteIntent, WriteOutcome as LedgerOutcome
} from "../state/index.js"
import { RunAborted } from "./errors.js"
import { comparable, hashOf, lookupKeyOf, storedHash, type Direction, type IntendedWrite, type ModelRecord, type Reason } from "./plan.js"
import { detailOf, plannedOf, type PlanDetail } from "./planStage.js"
import { phaseOf, type StageServices } from "./stage.js"
import type { Gateway, RetireOutcome, RetireRequest, Retirer, WriteOutcome, WriteRequest } from "./gateway.js"

type Writer = (requests: ReadonlyArray<WriteRequest<ModelRecord>>) => Effect.Effect<ReadonlyArray<WriteOutcome<ModelRecord>>, RunAborted>

/** The entity's writer: the rows of a customers plan hold customers, those of a vehicles plan vehicles. */
const writerOf = (gateway: Gateway, entity: Entity): Writer => (requests) =>
  entity === "customers"
    ? gateway.customers.write(requests as ReadonlyArray<WriteRequest<Customer>>)
    : gateway.vehicles.write(requests as ReadonlyArray<WriteRequest<Vehicle>>)

const MAX_ROUNDS = 4
/** Plan rows per transaction where nothing is sent (links by natural key, quarantine). */
const CHUNK = 500

const sideIds = (direction: Direction, sourceId: string, targetId: string) =>
  direction.from === "autoleap" ? { autoleapId: sourceId, autogmsId: targetId } : { autoleapId: targetId, autogmsId: sourceId }

const sidecarsOf = (direction: Direction, detail: PlanDetail): Record<string, Sidecar> => ({
  ...(detail.sourceSidecar === null ? {} : { [direction.from]: detail.sourceSidecar }),
  ...(detail.targetSidecar === null ? {} : { [direction.to]: detail.targetSidecar })
})

/**
 * The link a carried-out row leaves: per side the hash last seen there (the source record as read; the target record
 * as it answered or was read back) and on the target the hash of what we wrote, plus the base for the next sync.
 */
export const linkOfRow = (
  row: PlanItemRow,
  direction: Direction,
  targetId: string,
  target: { readonly written?: string; readonly seen?: string | null }
): LinkInput => {
  const detail = detailOf(row.detail)
  const base = plannedOf(detail)
  const seen = target.seen ?? target.written
  return {
    entity: row.entity,
    ...sideIds(direction, row.sourceId, targetId),
    naturalKey: row.lookupKey,
    [direction.from]: { seen: row.sourceHash },
    [direction.to]: { ...(target.written === undefined ? {} : { written: target.written }), ...(seen === undefined ? {} : { seen }) },
    sidecar: sidecarsOf(direction, detail),
    ...(base === null ? {} : { base })
  }
}

/** A row about to be sent, with what it must produce on the target. */
interface Pending {
  readonly row: PlanItemRow
  readonly request: WriteRequest<ModelRecord>
  /** Set once a 409 pointed at an existing record, which this write now updates. */
  readonly linkedExisting: boolean
}

/** The write a plan row stands for; a vehicle's owner is its customer's link now that customers are in. */
const requestOf = (state: PairState, direction: Direction, row: PlanItemRow) =>
  Effect.gen(function* () {
    const detail = detailOf(row.detail)
    const planned = plannedOf(detail)
    if (planned === null) {
      return yield* Effect.die(new Error(`plan row ${row.id} (${row.action}) carries no record to write`))
    }
    let hash = row.hash
    let ownerId: string | null | undefined
    if (planned.kind === "vehicle") {
      const link = row.ownerSourceId === null ? Option.none() : yield* state.link("customers", direction.from, row.ownerSourceId)
      ownerId = Option.match(link, { onNone: () => null, onSome: (l) => (direction.to === "autoleap" ? l.autoleapId : l.autogmsId) })
      hash = hashOf(planned, ownerId)
    }
    const request: WriteRequest<ModelRecord> = {
      action: row.action === "create" ? "create" : "update",
      // What the target is to hold, not the bare source record: where the plan kept a target's value (a field the
      // source lacks), writing the source's empty value would clear it (an empty email list does on AutoLeap).
      record: planned,
      sidecar: detail.targetSidecar,
      ...(row.targetId === null ? {} : { targetId: row.targetId }),
      ...(ownerId === undefined ? {} : { ownerId }),
      hash,
      lookupKey: row.lookupKey.startsWith("hash:") ? lookupKeyOf(planned, hash) : row.lookupKey
    }
    return request
  })

/** Whether the target holds what was planned, and if not, which fields differ (verification, row by row). */
const verificationOf = (pending: Pending, stored: Mapped<ModelRecord> | undefined): Pick<PlanOutcome, "verified" | "detail"> => {
  const planned = plannedOf(detailOf(pending.row.detail))
  if (stored === undefined || planned === null) return { verified: false, detail: { missing: true, fields: [] } }
  if (storedHash(stored.record) === pending.request.hash) return { verified: true }
  const owner = stored.record.kind === "vehicle" && (stored.record.owner?.id ?? null) !== (pending.request.ownerId ?? null) ? ["customer"] : []
  return { verified: false, detail: { missing: false, fields: [...changedFields(comparable(stored.record), comparable(planned)).map((c) => c.field), ...owner] } }
}

const warningsOf = (row: PlanItemRow, direction: Direction): ReadonlyArray<RunWarning> =>
  detailOf(row.detail).warnings.map((w) => ({ entity: row.entity, system: direction.from, sourceId: row.sourceId, code: w.code, message: w.message }))

const quarantineOf = (row: PlanItemRow, direction: Direction, reason: Reason): QuarantineInput => ({
  entity: row.entity,
  system: direction.from,
  sourceId: row.sourceId,
  code: reason.code,
  message: reason.message
})

/** The ledger's intents for a group, recorded before it is sent. */
const intentsOf = (direction: Direction, group: ReadonlyArray<{ readonly row: PlanItemRow; readonly request: IntendedWrite }>): ReadonlyArray<WriteIntent> =>
  group.map(({ row, request }) => ({
    entity: row.entity,
    targetSystem: direction.to,
    action: request.action,
    naturalKey: request.lookupKey,
    payloadHash: request.hash,
    sourceId: row.sourceId,
    targetId: request.targetId ?? null
  }))

/**
 * Sends one group and settles it. Runs uninterruptibly: Ctrl-C waits for the group in flight, so the ledger never
 * holds a write we sent but did not record.
 */
const sendGroup = (
  services: StageServices,
  runId: string,
  direction: Direction,
  write: Writer,
  group: ReadonlyArray<Pending>
): Effect.Effect<ReadonlyArray<Pending>, RunAborted | StateError | StateLocked> =>
  Effect.gen(function* () {
    const { state } = services
    const recorded = yield* state.recordIntents(runId, intentsOf(direction, group))
    yield* state.markSent(recorded.batchId)
    if (services.inFlight !== undefined) services.inFlight.records = group.length
    const outcomes: ReadonlyArray<WriteOutcome<ModelRecord>> = yield* write(group.map((p) => p.request))

    const ledger: Array<LedgerOutcome> = []
    const links: Array<LinkInput> = []
    const planOutcomes: Array<PlanOutcome> = []
    const quarantine: Array<QuarantineInput> = []
    const warnings: Array<RunWarning> = []
    const again: Array<Pending> = []
    for (const [i, outcome] of outcomes.entries()) {
      const pending = group[i]
      const entry = recorded.entries[i]
      if (pending === undefined || entry === undefined) continue
      const { row } = pending
      switch (outcome._tag) {
        case "Written": {
          ledger.push({ ledgerId: entry.id, status: "confirmed", targetId: outcome.targetId })
          const seen = outcome.stored === undefined ? null : storedHash(outcome.stored.record)
          links.push(linkOfRow(row, direction, outcome.targetId, { written: pending.request.hash, seen }))
          warnings.push(...warningsOf(row, direction))
          planOutcomes.push({
            planItemId: row.id,
            outcome: pending.linkedExisting ? "existing" : "written",
            targetId: outcome.targetId,
            ...verificationOf(pending, outcome.stored)
          })
          break
        }
        case "Rejected": {
          ledger.push({ ledgerId: entry.id, status: "failed", error: outcome.reason.message })
          quarantine.push(quarantineOf(row, direction, outcome.reason))
          planOutcomes.push({ planItemId: row.id, outcome: "rejected", detail: outcome.reason })
          break
        }
        case "Exists": {
          // The target already holds this record's email, phone or VIN: link it and bring it in line (unless another
          // source record owns it — two source records are never merged).
          ledger.push({ ledgerId: entry.id, status: "failed", error: `exists as ${outcome.existingId}` })
          const claimed = yield* state.read("check claimed target", (reader) =>
            reader.link(row.entity, direction.to, outcome.existingId) !== undefined || reader.plan.isTargetTaken(runId, row.entity, outcome.existingId))
          if (claimed) {
            const reason = {
              code: "REJECTED_BY_TARGET",
              message: `The target already has this record's email, phone or VIN on record ${outcome.existingId}, which is linked to another source record; the two are not merged.`
            }
            quarantine.push(quarantineOf(row, direction, reason))
            planOutcomes.push({ planItemId: row.id, outcome: "rejected", detail: reason })
          } else {
            again.push({ row, request: { ...pending.request, action: "update", targetId: outcome.existingId }, linkedExisting: true })
          }
          break
        }
        case "Unknown":
          ledger.push({ ledgerId: entry.id, status: "unknown", error: outcome.message })
          again.push(pending)
          break
      }
    }
    const last = group[group.length - 1]?.row
    yield* state.settleBatch({
      runId,
      outcomes: ledger,
      links,
      planOutcomes,
      quarantine,
      warnings,
      ...(last === undefined
        ? {}
        : { checkpoint: { system: direction.from, entity: last.entity, phase: phaseOf("load", direction), cursor: { kind: "position", updatedAt: "", id: last.sourceId } } })
    })
    if (services.inFlight !== undefined) services.inFlight.records = 0
    return again
  }).pipe(Effect.uninterruptible)

/** The archive or delete a plan row carries over (sync.deletes). */
const retireRequestOf = (row: PlanItemRow): RetireRequest | undefined =>
  (row.action === "archive" || row.action === "delete") && row.targetId !== null
    ? { action: row.action, targetId: row.targetId, ownerId: detailOf(row.detail).targetOwnerId ?? null, lookupKey: row.lookupKey, hash: row.hash }
    : undefined

/**
 * Archives and deletes: through the ledger like any write. One that is done (also when the record was already archived
 * or gone) ends the link, in the same transaction. They need no lookup before a retry: doing one twice changes nothing.
 */
const sendRetirements = (
  services: StageServices,
  runId: string,
  direction: Direction,
  retirer: Retirer | undefined,
  rows: ReadonlyArray<PlanItemRow>
): Effect.Effect<ReadonlyArray<PlanItemRow>, RunAborted | StateError | StateLocked> =>
  Effect.gen(function* () {
    const { state } = services
    const group = rows.flatMap((row) => {
      const request = retireRequestOf(row)
      return request === undefined ? [] : [{ row, request }]
    })
    const recorded = yield* state.recordIntents(runId, intentsOf(direction, group))
    yield* state.markSent(recorded.batchId)
    if (services.inFlight !== undefined) services.inFlight.records = group.length
    const cannot: RetireOutcome = { _tag: "Rejected", reason: { code: "CANNOT_DELETE", message: `${systemDisplayName(direction.to)}'s API cannot remove a record of this kind` } }
    const outcomes = retirer === undefined ? group.map(() => cannot) : yield* retirer.retire(group.map((g) => g.request))

    const ledger: Array<LedgerOutcome> = []
    const unlinks: Array<LinkKey> = []
    const planOutcomes: Array<PlanOutcome> = []
    const quarantine: Array<QuarantineInput> = []
    const again: Array<PlanItemRow> = []
    for (const [i, outcome] of outcomes.entries()) {
      const sent = group[i]
      const entry = recorded.entries[i]
      if (sent === undefined || entry === undefined) continue
      const { row } = sent
      switch (outcome._tag) {
        case "Written":
          ledger.push({ ledgerId: entry.id, status: "confirmed", targetId: outcome.targetId })
          unlinks.push({ entity: row.entity, autoleapId: direction.from === "autoleap" ? row.sourceId : outcome.targetId })
          // What the API confirmed is what was planned: the record is archived or gone.
          planOutcomes.push({ planItemId: row.id, outcome: "written", targetId: outcome.targetId, verified: true })
          break
        case "Rejected":
          ledger.push({ ledgerId: entry.id, status: "failed", error: outcome.reason.message })
          quarantine.push(quarantineOf(row, direction, outcome.reason))
          planOutcomes.push({ planItemId: row.id, outcome: "rejected", detail: outcome.reason })
          break
        case "Unknown":
          ledger.push({ ledgerId: entry.id, status: "unknown", error: outcome.message })
          again.push(row)
          break
      }
    }
    yield* state.settleBatch({ runId, outcomes: ledger, unlinks, planOutcomes, quarantine })
    if (services.inFlight !== undefined) services.inFlight.records = 0
    return again
  }).pipe(Effect.uninterruptible)

/** Plan rows of one phase, a chunk at a time in plan order (keyset by row id: a settled row is never read twice). */
const planRows = (state: PairState, runId: string, direction: Direction, entity: Entity, phase: PlanPhase, size: number) =>
  Stream.paginateChunkEffect(0, (after: number) =>
    Effect.map(state.read("read plan rows", (reader) => reader.plan.chunk(runId, direction.from, entity, phase, after, size)), (rows) => {
      const last = rows[rows.length - 1]
      return [Chunk.fromIterable(rows), last === undefined || rows.length < size ? Option.none<number>() : Option.some(last.id)] as const
    })
  ).pipe(Stream.rechunk(size))

/** Natural-key links that need no write, and quarantined records: recorded in chunks, nothing sent. */
const recordUnsent = (services: StageServices, runId: string, direction: Direction, entity: Entity) =>
  Effect.gen(function* () {
    const { state } = services
    yield* planRows(state, runId, direction, entity, "linkOnly", CHUNK).pipe(
      Stream.grouped(CHUNK),
      Stream.runForEach((chunk) => {
        const rows = [...chunk]
        return state.settleBatch({
          runId,
          links: rows.flatMap((row) => (row.targetId === null ? [] : [linkOfRow(row, direction, row.targetId, { seen: detailOf(row.detail).targetHash })])),
          planOutcomes: rows.map((row) => ({ planItemId: row.id, outcome: "linked", targetId: row.targetId, verified: null }))
        })
      })
    )
    yield* planRows(state, runId, direction, entity, "quarantine", CHUNK).pipe(
      Stream.grouped(CHUNK),
      Stream.runForEach((chunk) =>
        state.quarantine(
          [...chunk].map((row) => ({
            ...quarantineOf(row, direction, detailOf(row.detail).reason ?? { code: row.reasonCode ?? "UNKNOWN", message: "" }),
            payload: detailOf(row.detail).record
          })),
          runId
        )
      )
    )
  })

/** Carries out the plan of one entity; returns how many writes were settled. */
export const loadEntityStage = (services: StageServices, runId: string, direction: Direction, entity: Entity) =>
  Effect.gen(function* () {
    const { state, progress } = services
    const target = services.gateways[direction.to]
    const write = writerOf(target, entity)
    yield* recordUnsent(services, runId, direction, entity)
    const total = (yield* state.read("count writes", (reader) => reader.plan.openWrites(runId)))
      .filter((w) => w.entity === entity && w.from === direction.from)
      .reduce((n, w) => n + w.count, 0)
    const what = `${entity} → ${direction.to}`
    yield* progress.start(what, total)
    // Creates and updates go in separate groups: an AutoLeap bulk call is one or the other.
    for (const phase of ["creates", "updates"] as const) {
      yield* planRows(state, runId, direction, entity, phase, target.groupSize).pipe(
        Stream.grouped(target.groupSize),
        Stream.runForEach((group) =>
          Effect.gen(function* () {
            let pending: ReadonlyArray<Pending> = yield* Effect.forEach(group, (row) =>
              Effect.map(requestOf(state, direction, row), (request) => ({ row, request, linkedExisting: false })))
            for (let round = 1; pending.length > 0; round++) {
              if (round > MAX_ROUNDS) {
                return yield* new RunAborted({
                  message: `${pending.length} write(s) to ${direction.to} still have no known outcome after ${MAX_ROUNDS} tries; run 'shopbridge resume' once the API answers again`
                })
              }
              // Same action per group for bulk APIs: a 409 turns a create into an update, sent in its own group.
              const next: Array<Pending> = []
              for (const action of ["create", "update"] as const) {
                const sub = pending.filter((p) => p.request.action === action)
                if (sub.length > 0) next.push(...(yield* sendGroup(services, runId, direction, write, sub)))
              }
              pending = next
            }
            yield* progress.advance(what, group.length)
          })
        )
      )
    }
    const retirer = entity === "customers" ? target.customers.retire : target.vehicles.retire
    yield* planRows(state, runId, direction, entity, "retires", target.groupSize).pipe(
      Stream.grouped(target.groupSize),
      Stream.runForEach((group) =>
        Effect.gen(function* () {
          let pending: ReadonlyArray<PlanItemRow> = [...group]
          for (let round = 1; pending.length > 0; round++) {
            if (round > MAX_ROUNDS) {
              return yield* new RunAborted({
                message: `${pending.length} archive(s) or delete(s) in ${direction.to} still have no known outcome after ${MAX_ROUNDS} tries; run 'shopbridge resume' once the API answers again`
              })
            }
            pending = yield* sendRetirements(services, runId, direction, retirer, pending)
          }
          yield* progress.advance(what, group.length)
        })
      )
    )
    yield* progress.finish(what)
    return total
  })
