/**
 * Carrying out the writes of a plan, group by group, through the write-ahead ledger: intents are recorded before the
 * group is sent; outcomes, id links, warnings, quarantine and the checkpoint are recorded together after it. A write
 * whose outcome stays unknown is sent again only after the gateway looked for it; after a few rounds the run stops
 * (exit 3) and `resume` settles it against the target.
 */
import { Effect } from "effect"
import type { Sidecar } from "../domain/sidecar.js"
import type { Mapped } from "../mapping/index.js"
import type {
  LinkInput, PairState, QuarantineInput, RunWarning, StateError, StateLocked, WriteIntent, WriteOutcome as LedgerOutcome
} from "../state/index.js"
import { RunAborted } from "./errors.js"
import { writes, type Direction, type Entity, type ModelRecord, type PlanItem, type Reason } from "./plan.js"
import type { EntityGateway, WriteOutcome, WriteRequest } from "./systems/gateway.js"

const MAX_ROUNDS = 4

/** What became of one planned write. */
export type LoadResult<R extends ModelRecord> =
  | { readonly _tag: "Written"; readonly targetId: string; readonly stored: Mapped<R> | undefined; readonly linkedExisting: boolean }
  | { readonly _tag: "Rejected"; readonly reason: Reason }

export interface LoadContext {
  readonly runId: string
  readonly state: PairState
  readonly direction: Direction
  readonly entity: Entity
  readonly groupSize: number
  /** Target ids that already belong to a link (or were written in this run): a 409 naming one is not a match. */
  readonly claimedTargets: Set<string>
  /** Vehicles: the owner's id on the target. */
  readonly ownerOf: (record: ModelRecord) => string | null
  /** Called after each group with the number of records it held. */
  readonly onProgress: (n: number) => Effect.Effect<void>
}

interface Pending<R extends ModelRecord> {
  readonly item: PlanItem<R>
  readonly request: WriteRequest<R>
  /** Set once a 409 pointed at an existing record, which this write now updates. */
  readonly linkedExisting: boolean
}

/** The sidecars a link keeps: the source's (what the target cannot hold) and the target's, when it was read. */
/** What a link is made of: the source record, the target record if it was read, and what was written. */
export type LinkSource = Pick<PlanItem<ModelRecord>, "source" | "target" | "hash" | "lookupKey">

export const linkSidecars = (item: LinkSource, direction: Direction): Record<string, Sidecar> => ({
  [direction.from]: item.source.sidecar,
  ...(item.target === undefined ? {} : { [direction.to]: item.target.sidecar })
})

export const linkOf = (item: LinkSource, direction: Direction, entity: Entity, targetId: string): LinkInput => {
  const sourceId = item.source.record.source.id
  const ids = direction.from === "autoleap" ? { autoleapId: sourceId, autogmsId: targetId } : { autoleapId: targetId, autogmsId: sourceId }
  return {
    entity,
    ...ids,
    naturalKey: item.lookupKey,
    [direction.from]: { seen: item.hash },
    [direction.to]: { written: item.hash },
    sidecar: linkSidecars(item, direction)
  }
}

const targetSidecarOf = (item: PlanItem<ModelRecord>): Sidecar | null => item.target?.sidecar ?? null

const requestOf = <R extends ModelRecord>(item: PlanItem<R>, ownerOf: (record: ModelRecord) => string | null): WriteRequest<R> => ({
  action: item.action === "create" ? "create" : "update",
  record: item.source.record,
  sidecar: targetSidecarOf(item),
  ...(item.targetId === undefined ? {} : { targetId: item.targetId }),
  ...(item.source.record.kind === "vehicle" ? { ownerId: ownerOf(item.source.record) } : {}),
  hash: item.hash,
  lookupKey: item.lookupKey
})

const warningsOf = (item: PlanItem<ModelRecord>, direction: Direction, entity: Entity): ReadonlyArray<RunWarning> =>
  item.warnings.map((w) => ({ entity, system: direction.from, sourceId: item.source.record.source.id, code: w.code, message: w.message }))

const groups = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Sends one group and settles it. Runs uninterruptibly: Ctrl-C waits for the group in flight, so the ledger never
 * holds a write we sent but did not record.
 */
const sendGroup = <R extends ModelRecord>(
  gateway: EntityGateway<R>,
  ctx: LoadContext,
  group: ReadonlyArray<Pending<R>>,
  results: Map<PlanItem<R>, LoadResult<R>>
): Effect.Effect<ReadonlyArray<Pending<R>>, RunAborted | StateError | StateLocked> =>
  Effect.gen(function* () {
    const { direction, entity } = ctx
    const intents: Array<WriteIntent> = group.map(({ item, request }) => ({
      entity,
      targetSystem: direction.to,
      action: request.action,
      naturalKey: item.lookupKey,
      payloadHash: item.hash,
      sourceId: item.source.record.source.id,
      targetId: request.targetId ?? null
    }))
    const recorded = yield* ctx.state.recordIntents(ctx.runId, intents)
    yield* ctx.state.markSent(recorded.batchId)
    const outcomes: ReadonlyArray<WriteOutcome<R>> = yield* gateway.write(group.map((p) => p.request))

    const ledger: Array<LedgerOutcome> = []
    const links: Array<LinkInput> = []
    const quarantine: Array<QuarantineInput> = []
    const warnings: Array<RunWarning> = []
    const again: Array<Pending<R>> = []
    outcomes.forEach((outcome, i) => {
      const pending = group[i]!
      const { item } = pending
      const ledgerId = recorded.entries[i]!.id
      switch (outcome._tag) {
        case "Written": {
          ledger.push({ ledgerId, status: "confirmed", targetId: outcome.targetId })
          links.push(linkOf(item, direction, entity, outcome.targetId))
          warnings.push(...warningsOf(item, direction, entity))
          ctx.claimedTargets.add(outcome.targetId)
          results.set(item, { _tag: "Written", targetId: outcome.targetId, stored: outcome.stored, linkedExisting: pending.linkedExisting })
          break
        }
        case "Rejected": {
          ledger.push({ ledgerId, status: "failed", error: outcome.reason.message })
          quarantine.push({ entity, system: direction.from, sourceId: item.source.record.source.id, code: outcome.reason.code, message: outcome.reason.message })
          results.set(item, { _tag: "Rejected", reason: outcome.reason })
          break
        }
        case "Exists": {
          // The target already holds this record's email, phone or VIN: link it and bring it in line (unless another
          // source record owns it — two source records are never merged).
          ledger.push({ ledgerId, status: "failed", error: `exists as ${outcome.existingId}` })
          if (ctx.claimedTargets.has(outcome.existingId)) {
            const reason = {
              code: "REJECTED_BY_TARGET",
              message: `The target already has this record's email, phone or VIN on record ${outcome.existingId}, which is linked to another source record; the two are not merged.`
            }
            quarantine.push({ entity, system: direction.from, sourceId: item.source.record.source.id, ...reason })
            results.set(item, { _tag: "Rejected", reason })
          } else {
            ctx.claimedTargets.add(outcome.existingId)
            again.push({ item, request: { ...pending.request, action: "update", targetId: outcome.existingId }, linkedExisting: true })
          }
          break
        }
        case "Unknown":
          ledger.push({ ledgerId, status: "unknown", error: outcome.message })
          again.push(pending)
          break
      }
    })
    const last = group[group.length - 1]!.item.source.record
    yield* ctx.state.settleBatch({
      runId: ctx.runId,
      outcomes: ledger,
      links,
      quarantine,
      warnings,
      counters: countersOf(direction, entity, results, group),
      checkpoint: {
        system: direction.from,
        entity,
        phase: `migrate:${direction.from}-to-${direction.to}`,
        cursor: { kind: "position", updatedAt: last.updatedAt, id: last.source.id }
      }
    })
    return again
  }).pipe(Effect.uninterruptible)

const countersOf = <R extends ModelRecord>(
  direction: Direction,
  entity: Entity,
  results: Map<PlanItem<R>, LoadResult<R>>,
  group: ReadonlyArray<Pending<R>>
) => {
  const counts = new Map<string, number>()
  for (const { item } of group) {
    const r = results.get(item)
    if (r === undefined) continue
    const counter = r._tag === "Rejected" ? "quarantined" : r.linkedExisting || item.action === "link" ? "linked" : item.action === "create" ? "created" : "updated"
    counts.set(counter, (counts.get(counter) ?? 0) + 1)
  }
  return [...counts].map(([counter, by]) => ({ from: direction.from, entity, counter, by }))
}

/** Writes every item of the plan that needs a write; returns what became of each. */
export const loadEntity = <R extends ModelRecord>(
  gateway: EntityGateway<R>,
  items: ReadonlyArray<PlanItem<R>>,
  ctx: LoadContext
) =>
  Effect.gen(function* () {
    const results = new Map<PlanItem<R>, LoadResult<R>>()
    // Creates and updates go in separate groups: an AutoLeap bulk call is one or the other.
    const toWrite = items.filter(writes)
    const ordered = [...toWrite.filter((i) => i.action === "create"), ...toWrite.filter((i) => i.action !== "create")]
    for (const group of groups(ordered, ctx.groupSize)) {
      let pending: ReadonlyArray<Pending<R>> = group.map((item) => ({ item, request: requestOf(item, ctx.ownerOf), linkedExisting: false }))
      for (let round = 1; pending.length > 0; round++) {
        if (round > MAX_ROUNDS) {
          return yield* Effect.fail(
            new RunAborted({ message: `${pending.length} write(s) to ${ctx.direction.to} still have no known outcome after ${MAX_ROUNDS} tries; run 'shopbridge resume' once the API answers again` })
          )
        }
        // Same action per group for bulk APIs: a 409 turns a create into an update, sent in its own group.
        const creates = pending.filter((p) => p.request.action === "create")
        const updates = pending.filter((p) => p.request.action === "update")
        const next: Array<Pending<R>> = []
        for (const sub of [creates, updates]) if (sub.length > 0) next.push(...(yield* sendGroup(gateway, ctx, sub, results)))
        pending = next
      }
      yield* ctx.onProgress(group.length)
    }
    return results
  })
