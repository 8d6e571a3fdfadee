import type Database from "better-sqlite3"
import { Clock, Context, Duration, Effect, Either, Layer, Option, Schedule, type Scope } from "effect"
import { randomBytes } from "node:crypto"
import { hostname } from "node:os"
import { checkpointsTable } from "./checkpoints.js"
import { conflictsTable } from "./conflicts.js"
import { configureConnection, createDatabase, integrityCheck, memoryPath, withoutFsync, type OpenOptions } from "./database.js"
import { StateError, StateLocked, StateTooNew } from "./errors.js"
import { ledgerTable } from "./ledger.js"
import { linksTable } from "./links.js"
import { locksTable } from "./locks.js"
import { latestSchemaVersion, migrate } from "./migrations.js"
import type {
  Checkpoint, CheckpointKey, Conflict, ConflictInput, ConflictResolution, Entity, FinishRun, Link, LinkInput, LockHolder,
  LedgerEntry, QuarantineEntry, QuarantineInput, RecordedIntents, RecordKey, Run, RunCounter, RunWarning, SaveCheckpoint,
  PlanAction, PlanItemInput, PlanItemRow, PlanOutcomeKind, SettleBatch, ShopPair, SnapshotInfo, SnapshotRecordInput, StartRun, System, TagColor,
  WriteIntent
} from "./model.js"
import { plansTable } from "./plans.js"
import { quarantineTable } from "./quarantine.js"
import { runsTable } from "./runs.js"
import { shopPairsTable, type StoredShopPair } from "./shopPairs.js"
import { snapshotsTable } from "./snapshots.js"
import { tagPaletteTable } from "./tagPalette.js"
import { inTransaction, type TransactionMode } from "./transaction.js"
import { pairWebhooks, webhooksTable, type PairWebhooks } from "./webhooks.js"

export const defaultLockStaleAfter: Duration.Duration = Duration.minutes(2)

export interface LockOptions {
  readonly runId: string
  /** A holder whose heartbeat is older than this is presumed dead and taken over (default 2 minutes). */
  readonly staleAfter?: Duration.DurationInput
  /** How often `withRunLock` refreshes the heartbeat (default: a quarter of `staleAfter`). */
  readonly heartbeatEvery?: Duration.DurationInput
}

/** Everything about one (AutoLeap company, autoGMS garage) pair; nothing here can see another pair's rows. */
export interface PairState {
  readonly pairId: number
  readonly pair: ShopPair

  // runs
  readonly startRun: (input: StartRun) => Effect.Effect<Run, StateError>
  /** Puts an interrupted or failed run of this pair back to `running` (same id, counters carry on). */
  readonly resumeRun: (runId: string) => Effect.Effect<Run, StateError>
  readonly finishRun: (runId: string, input: FinishRun) => Effect.Effect<void, StateError>
  /** Newest non-dry run of this pair that is interrupted, failed, or `running` without a live lock (its process died). */
  readonly latestResumableRun: (staleAfter?: Duration.DurationInput) => Effect.Effect<Option.Option<Run>, StateError>

  // run lock
  readonly acquireLock: (options: LockOptions) => Effect.Effect<LockHolder, StateLocked | StateError>
  readonly heartbeat: (runId: string) => Effect.Effect<void, StateLocked | StateError>
  readonly releaseLock: (runId: string) => Effect.Effect<void, StateError>
  /** Acquire, keep a heartbeat fiber alive, release when the scope closes. */
  readonly withRunLock: (options: LockOptions) => Effect.Effect<LockHolder, StateLocked | StateError, Scope.Scope>
  readonly lockHolder: Effect.Effect<Option.Option<LockHolder>, StateError>

  // checkpoints
  readonly checkpoint: (key: CheckpointKey) => Effect.Effect<Option.Option<Checkpoint>, StateError>
  readonly checkpoints: Effect.Effect<ReadonlyArray<Checkpoint>, StateError>
  readonly saveCheckpoint: (checkpoint: SaveCheckpoint, runId?: string) => Effect.Effect<void, StateError>
  readonly clearCheckpoints: (phase: string) => Effect.Effect<number, StateError>

  // links
  /** Upserts links in one transaction and clears the quarantine of every record linked. */
  readonly recordLinks: (links: ReadonlyArray<LinkInput>) => Effect.Effect<void, StateError>
  readonly link: (entity: Entity, system: System, id: string) => Effect.Effect<Option.Option<Link>, StateError>
  readonly linksByIds: (entity: Entity, system: System, ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, Link>, StateError>
  readonly linkByNaturalKey: (entity: Entity, naturalKey: string) => Effect.Effect<Option.Option<Link>, StateError>
  readonly links: (entity: Entity) => Effect.Effect<ReadonlyArray<Link>, StateError>
  readonly linkCount: (entity: Entity) => Effect.Effect<number, StateError>

  // write ledger
  /** Records the intents of one batch as `pending`, before anything is sent. */
  readonly recordIntents: (runId: string, intents: ReadonlyArray<WriteIntent>) => Effect.Effect<RecordedIntents, StateError>
  /** pending → sent for the whole batch, right before the request goes out. */
  readonly markSent: (batchId: string) => Effect.Effect<number, StateError>
  /** Outcomes + links + checkpoint + counters + quarantine + warnings + conflicts in ONE transaction. */
  readonly settleBatch: (batch: SettleBatch) => Effect.Effect<void, StateLocked | StateError>
  /** Ledger rows still open (pending, sent, unknown), oldest first: settle them by lookup before any retry. */
  readonly unsettledWrites: (runId?: string) => Effect.Effect<ReadonlyArray<LedgerEntry>, StateError>
  readonly ledgerBatch: (batchId: string) => Effect.Effect<ReadonlyArray<LedgerEntry>, StateError>

  // quarantine
  readonly quarantine: (records: ReadonlyArray<QuarantineInput>, runId?: string) => Effect.Effect<void, StateError>
  /** All quarantined records of the pair, or those last seen by one run. */
  readonly quarantined: (runId?: string) => Effect.Effect<ReadonlyArray<QuarantineEntry>, StateError>

  // conflicts
  readonly recordConflicts: (conflicts: ReadonlyArray<ConflictInput>, runId?: string) => Effect.Effect<ReadonlyArray<number>, StateError>
  readonly resolveConflict: (id: number, resolution: Exclude<ConflictResolution, "open">) => Effect.Effect<boolean, StateError>
  readonly conflicts: (filter?: { readonly runId?: string; readonly openOnly?: boolean }) => Effect.Effect<ReadonlyArray<Conflict>, StateError>
  /** Conflicts a person settled that no sync has written yet. */
  readonly conflictsToApply: Effect.Effect<ReadonlyArray<Conflict>, StateError>
  readonly markConflictsApplied: (ids: ReadonlyArray<number>, runId: string) => Effect.Effect<void, StateError>

  // snapshots and plans (the staged pipeline)
  /** A fresh snapshot of one system's entity for a run (one a resumed run took before is replaced). */
  readonly beginSnapshot: (runId: string, system: System, entity: Entity, full?: boolean) => Effect.Effect<number, StateError>
  /** The newest complete full read of a system's entity (a migration's, or a reconciling sync's). */
  readonly latestFullSnapshot: (system: System, entity: Entity) => Effect.Effect<Option.Option<SnapshotInfo>, StateError>
  /** A group of records (extract sends a thousand), in one transaction. */
  readonly appendSnapshot: (snapshotId: number, records: ReadonlyArray<SnapshotRecordInput>) => Effect.Effect<void, StateError>
  readonly completeSnapshot: (snapshotId: number) => Effect.Effect<void, StateError>
  readonly snapshotOf: (runId: string, system: System, entity: Entity) => Effect.Effect<Option.Option<SnapshotInfo>, StateError>
  /** Plan rows, in one transaction. */
  readonly recordPlan: (runId: string, items: ReadonlyArray<PlanItemInput>) => Effect.Effect<void, StateError>
  /** Drops the rows of a run's plan that were not carried out (a resumed run plans them again). */
  readonly clearOpenPlan: (runId: string, from: System, entity: Entity) => Effect.Effect<number, StateError>
  /** Writes of the given actions not carried out yet become skips for the reason; returns how many. */
  readonly holdBackWrites: (runId: string, actions: ReadonlyArray<PlanAction>, reason: { readonly code: string; readonly message: string }) => Effect.Effect<number, StateError>
  /** A write an earlier attempt left open turned out to have landed: its plan row is done. */
  readonly settlePlanBySource: (runId: string, from: System, entity: Entity, sourceId: string, outcome: PlanOutcomeKind, targetId: string | null) => Effect.Effect<number, StateError>
  /** `apply`: the dry run's plan becomes the applying run's, and the dry run is marked as applied by it. */
  readonly adoptPlan: (dryRunId: string, runId: string) => Effect.Effect<number, StateError>
  /**
   * Synchronous reads for a stage that decides record by record (planning a chunk, settling open writes): one
   * read transaction, no Effect per lookup.
   */
  readonly read: <A>(operation: string, f: (reader: StoreReader) => A) => Effect.Effect<A, StateError>
  /**
   * The plan rows reported as `kind`, read one at a time as the caller iterates (actions.csv): synchronous, and never
   * all in memory. Iterate it to the end before the next write on this store.
   */
  readonly planRowsOfKind: (runId: string, kind: string) => Iterable<PlanItemRow>
  /** Snapshots and plan rows no run can use any more are removed. */
  readonly prune: Effect.Effect<void, StateError>

  // tag palette
  readonly setTagColors: (colors: ReadonlyArray<TagColor>, options?: { readonly overwrite?: boolean }) => Effect.Effect<void, StateError>
  readonly tagPalette: Effect.Effect<ReadonlyArray<TagColor>, StateError>
  readonly tagColor: (name: string) => Effect.Effect<Option.Option<string>, StateError>

  // autoGMS webhooks: subscriptions (with their secrets) and the deliveries already received
  readonly webhooks: PairWebhooks
}

export interface StateStoreService {
  readonly path: string
  readonly schemaVersion: number
  /** The pair's scoped view, creating the pair on first use. */
  readonly pair: (pair: ShopPair) => Effect.Effect<PairState, StateError>
  readonly pairs: Effect.Effect<ReadonlyArray<StoredShopPair>, StateError>
  readonly run: (runId: string) => Effect.Effect<Option.Option<Run>, StateError>
  /** Newest first. */
  readonly runs: (limit?: number) => Effect.Effect<ReadonlyArray<Run>, StateError>
  readonly runCounters: (runId: string) => Effect.Effect<ReadonlyArray<RunCounter>, StateError>
  readonly runWarnings: (runId: string) => Effect.Effect<ReadonlyArray<RunWarning>, StateError>
  /** `["ok"]` for a sound file. */
  readonly integrityCheck: Effect.Effect<ReadonlyArray<string>, StateError>
}

/** The synchronous lookups of `PairState.read`, scoped to the pair. */
export interface StoreReader {
  readonly snapshots: Omit<ReturnType<typeof snapshotsTable>, "begin" | "append" | "complete" | "find" | "pruneChunk" | "latestFull">
  readonly plan: Pick<ReturnType<typeof plansTable>, "isSettled" | "bySource" | "customerPlan" | "countWithReason" | "isTargetTaken" | "chunk" | "counts" | "openWrites" | "ofKind" | "warnings" | "quarantined" | "drifted" | "verification" | "mismatches">
  readonly link: (entity: Entity, system: System, id: string) => Link | undefined
  /** Links whose record on `system` is not in a full snapshot of that side (at most `limit`). */
  readonly linksMissingFrom: (entity: Entity, system: System, snapshotId: number, limit: number) => ReadonlyArray<Link>
  readonly linkCount: (entity: Entity) => number
}

/** Rows deleted per transaction when pruning: small enough that a chunk's row ids and dirty pages stay a few MB. */
const PRUNE_CHUNK = 5_000

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const attemptWith = <A>(operation: string, f: () => A): Effect.Effect<A, StateError> =>
  Effect.try({ try: f, catch: (cause) => new StateError({ operation, detail: describe(cause), cause }) })

const isoNow: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

/** Sortable and readable: 20250301T142233Z-9f3a1c. */
export const newRunId = (nowMs: number): string =>
  `${new Date(nowMs).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")}-${randomBytes(3).toString("hex")}`

const buildService = (db: Database.Database, path: string, options: OpenOptions): StateStoreService => {
  const pairsT = shopPairsTable(db)
  const runsT = runsTable(db)
  const locksT = locksTable(db)
  const checkpointsT = checkpointsTable(db)
  const linksT = linksTable(db)
  const ledgerT = ledgerTable(db)
  const quarantineT = quarantineTable(db)
  const conflictsT = conflictsTable(db)
  const paletteT = tagPaletteTable(db)
  const snapshotsT = snapshotsTable(db)
  const plansT = plansTable(db)
  const webhooksT = webhooksTable(db)

  const attempt = attemptWith
  // Every write is IMMEDIATE: a deferred transaction that reads and then writes can hit SQLITE_BUSY without the busy
  // timeout ever being consulted, when another process wrote in between.
  const transact = <A, E>(operation: string, body: () => Either.Either<A, E>, mode: TransactionMode = "immediate") =>
    attempt(operation, () => inTransaction(db, mode, body)).pipe(Effect.flatMap((result) => result))
  const write = <A>(operation: string, body: () => A) => transact(operation, () => Either.right(body()))
  /** A write of derivable rows (snapshot pages, plan rows): committed without waiting for the disk. */
  const writeDerived = <A>(operation: string, body: () => A) =>
    attempt(operation, () => withoutFsync(db, options, () => inTransaction(db, "immediate", () => Either.right(body())))).pipe(
      Effect.flatMap((result) => result)
    )

  /**
   * Deletes derivable rows a chunk per transaction until none is left. One DELETE of a finished run's 250,000 plan rows
   * blocked the process for a minute, held every row id and dirty page at once, and grew the WAL by the table's size
   * before a checkpoint could run.
   */
  const pruneInChunks = (operation: string, deleteChunk: (limit: number) => number) =>
    writeDerived(operation, () => deleteChunk(PRUNE_CHUNK)).pipe(Effect.repeat({ until: (deleted) => deleted === 0 }), Effect.asVoid)

  const recordLinksAndClearQuarantine = (pairId: number, links: ReadonlyArray<LinkInput>, now: string): void => {
    linksT.record(pairId, links, now)
    quarantineT.clear(pairId, links.flatMap((l) => [
      { entity: l.entity, system: "autoleap", sourceId: l.autoleapId },
      { entity: l.entity, system: "autogms", sourceId: l.autogmsId }
    ]))
  }

  const forPair = (pairId: number, pair: ShopPair): PairState => {
    const requireRunOfPair = (runId: string): Either.Either<Run, StateError> => {
      const run = runsT.get(runId)
      if (run === undefined) return Either.left(new StateError({ operation: "find run", detail: `no run ${runId} in this state file` }))
      if (run.pair.autoleapCompanyId !== pair.autoleapCompanyId || run.pair.autogmsGarageId !== pair.autogmsGarageId) {
        return Either.left(new StateError({ operation: "find run", detail: `run ${runId} belongs to another shop pair` }))
      }
      return Either.right(run)
    }

    const acquireLock = (options: LockOptions): Effect.Effect<LockHolder, StateLocked | StateError> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const staleAfterMs = Duration.toMillis(options.staleAfter ?? defaultLockStaleAfter)
        const claimant = { runId: options.runId, pid: process.pid, host: hostname() }
        const acquired = yield* transact("acquire lock", () => {
          const outcome = locksT.tryAcquire(pairId, claimant, now, staleAfterMs)
          if (outcome._tag === "Held") return Either.left(new StateLocked({ holder: outcome.holder }))
          // The previous holder went silent: its run can only be resumed now, never continued by that process.
          if (outcome.tookOverFrom !== null) runsT.interruptIfRunning(outcome.tookOverFrom.runId, new Date(now).toISOString())
          return Either.right(outcome)
        })
        if (acquired.tookOverFrom !== null) {
          yield* Effect.logWarning("took over a stale state lock").pipe(Effect.annotateLogs({ staleHolder: acquired.tookOverFrom }))
        }
        return acquired.holder
      })

    const heartbeat = (runId: string): Effect.Effect<void, StateLocked | StateError> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        yield* transact("heartbeat", () => {
          if (locksT.heartbeat(pairId, runId, now)) return Either.right(undefined)
          const holder = locksT.holder(pairId)
          return Either.left<StateLocked | StateError>(holder !== undefined
            ? new StateLocked({ holder })
            : new StateError({ operation: "heartbeat", detail: `run ${runId} no longer holds the lock` }))
        })
      })

    const releaseLock = (runId: string) => write("release lock", () => void locksT.release(pairId, runId))

    const reader: StoreReader = {
      snapshots: snapshotsT,
      plan: plansT,
      link: (entity, system, id) => linksT.by(pairId, entity, system, id),
      linksMissingFrom: (entity, system, snapshotId, limit) => linksT.missingFrom(pairId, entity, system, snapshotId, limit),
      linkCount: (entity) => linksT.count(pairId, entity)
    }

    return {
      pairId,
      pair,

      startRun: (input) =>
        Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const runId = input.runId ?? newRunId(nowMs)
          return yield* transact("start run", () => {
            runsT.insert(pairId, runId, input, new Date(nowMs).toISOString())
            return requireRunOfPair(runId)
          })
        }),
      resumeRun: (runId) =>
        transact("resume run", () =>
          Either.flatMap(requireRunOfPair(runId), (run) => {
            if (run.status === "completed" || run.status === "completed_with_errors") {
              return Either.left(new StateError({ operation: "resume run", detail: `run ${runId} is ${run.status}: nothing to resume` }))
            }
            if (run.dryRun) return Either.left(new StateError({ operation: "resume run", detail: `run ${runId} is a dry run: start a new one` }))
            runsT.reopen(runId)
            return requireRunOfPair(runId)
          })),
      finishRun: (runId, input) =>
        Effect.flatMap(isoNow, (now) =>
          transact("finish run", () => Either.map(requireRunOfPair(runId), () => void runsT.finish(runId, input, now)))),
      latestResumableRun: (staleAfter) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const staleAfterMs = Duration.toMillis(staleAfter ?? defaultLockStaleAfter)
          return yield* attempt("find resumable run", () => {
            const lock = locksT.heartbeatAtMs(pairId)
            const alive = lock !== undefined && now - lock.heartbeatAt < staleAfterMs ? lock.runId : undefined
            return Option.fromNullable(runsT.resumable(pairId).find((run) => !(run.status === "running" && run.id === alive)))
          })
        }),

      acquireLock,
      heartbeat,
      releaseLock,
      withRunLock: (options) => {
        const every = options.heartbeatEvery ?? Duration.times(Duration.decode(options.staleAfter ?? defaultLockStaleAfter), 0.25)
        const beat = heartbeat(options.runId).pipe(
          // A busy file is transient: try again next beat. Losing the lock is not: stop; settleBatch refuses from now on.
          Effect.catchTag("StateError", (error) => Effect.logWarning("state lock heartbeat failed", error.message)),
          Effect.repeat(Schedule.spaced(every)),
          Effect.catchTag("StateLocked", (lost) => Effect.logError("lost the state lock", lost.message))
        )
        return Effect.acquireRelease(acquireLock(options), () => Effect.ignore(releaseLock(options.runId))).pipe(
          Effect.tap(() => Effect.forkScoped(beat))
        )
      },
      lockHolder: attempt("read lock", () => Option.fromNullable(locksT.holder(pairId))),

      checkpoint: (key) => attempt("read checkpoint", () => Option.fromNullable(checkpointsT.get(pairId, key))),
      checkpoints: attempt("read checkpoints", () => checkpointsT.all(pairId)),
      saveCheckpoint: (checkpoint, runId) =>
        Effect.flatMap(isoNow, (now) => write("save checkpoint", () => checkpointsT.save(pairId, checkpoint, runId ?? null, now))),
      clearCheckpoints: (phase) => write("clear checkpoints", () => checkpointsT.clearPhase(pairId, phase)),

      recordLinks: (links) => Effect.flatMap(isoNow, (now) => write("record links", () => recordLinksAndClearQuarantine(pairId, links, now))),
      link: (entity, system, id) => attempt("read link", () => Option.fromNullable(linksT.by(pairId, entity, system, id))),
      linksByIds: (entity, system, ids) => attempt("read links", () => linksT.byIds(pairId, entity, system, ids)),
      linkByNaturalKey: (entity, naturalKey) =>
        attempt("read link", () => Option.fromNullable(linksT.byNaturalKey(pairId, entity, naturalKey))),
      links: (entity) => attempt("read links", () => linksT.all(pairId, entity)),
      linkCount: (entity) => attempt("count links", () => linksT.count(pairId, entity)),

      recordIntents: (runId, intents) =>
        Effect.gen(function* () {
          const nowMs = yield* Clock.currentTimeMillis
          const batchId = `${runId}/${randomBytes(6).toString("hex")}`
          const now = new Date(nowMs).toISOString()
          return yield* transact("record write intents", () =>
            Either.map(requireRunOfPair(runId), () => ({ batchId, entries: ledgerT.recordIntents(pairId, runId, batchId, intents, now) })))
        }),
      markSent: (batchId) => Effect.flatMap(isoNow, (now) => write("mark batch sent", () => ledgerT.markSent(pairId, batchId, now))),
      settleBatch: (batch) =>
        Effect.flatMap(isoNow, (now) =>
          transact("settle batch", (): Either.Either<void, StateLocked | StateError> => {
            // A run that lost its lock (stale, taken over) must not record anything the new holder could contradict.
            const holder = locksT.holder(pairId)
            if (holder !== undefined && holder.runId !== batch.runId) return Either.left(new StateLocked({ holder }))
            const refused = ledgerT.settle(pairId, batch.outcomes ?? [], now)
            if (refused !== undefined) {
              return Either.left(new StateError({
                operation: "settle batch",
                detail: `ledger row ${refused.ledgerId} is not open (already settled, or not this shop pair's)`
              }))
            }
            recordLinksAndClearQuarantine(pairId, batch.links ?? [], now)
            for (const l of batch.unlinks ?? []) linksT.remove(pairId, l.entity, l.autoleapId)
            if (batch.checkpoint !== undefined) checkpointsT.save(pairId, batch.checkpoint, batch.runId, now)
            runsT.bumpCounters(batch.runId, batch.counters ?? [])
            quarantineT.record(pairId, batch.runId, batch.quarantine ?? [], now)
            runsT.addWarnings(batch.runId, batch.warnings ?? [])
            conflictsT.record(pairId, batch.runId, batch.conflicts ?? [], now)
            plansT.settle(batch.planOutcomes ?? [])
            return Either.right(undefined)
          }))
      ,
      unsettledWrites: (runId) => attempt("read open ledger rows", () => ledgerT.open(pairId, runId)),
      ledgerBatch: (batchId) => attempt("read ledger batch", () => ledgerT.batch(pairId, batchId)),

      quarantine: (records, runId) =>
        Effect.flatMap(isoNow, (now) => write("quarantine", () => quarantineT.record(pairId, runId ?? null, records, now))),
      quarantined: (runId) => attempt("read quarantine", () => quarantineT.list(pairId, runId)),

      recordConflicts: (conflicts, runId) =>
        Effect.flatMap(isoNow, (now) => write("record conflicts", () => conflictsT.record(pairId, runId ?? null, conflicts, now))),
      resolveConflict: (id, resolution) =>
        Effect.flatMap(isoNow, (now) => write("resolve conflict", () => conflictsT.resolve(pairId, id, resolution, now))),
      conflicts: (filter) => attempt("read conflicts", () => conflictsT.list(pairId, filter ?? {})),
      conflictsToApply: attempt("read settled conflicts", () => conflictsT.toApply(pairId)),
      markConflictsApplied: (ids, runId) => write("mark conflicts applied", () => conflictsT.markApplied(ids, runId)),

      beginSnapshot: (runId, system, entity, full = true) =>
        Effect.flatMap(isoNow, (now) => write("begin snapshot", () => snapshotsT.begin(pairId, runId, system, entity, now, full))),
      latestFullSnapshot: (system, entity) => attempt("read snapshot", () => Option.fromNullable(snapshotsT.latestFull(pairId, system, entity))),
      appendSnapshot: (snapshotId, records) => writeDerived("record snapshot page", () => snapshotsT.append(snapshotId, records)),
      completeSnapshot: (snapshotId) => write("complete snapshot", () => snapshotsT.complete(snapshotId)),
      snapshotOf: (runId, system, entity) =>
        attempt("read snapshot", () => Option.fromNullable(snapshotsT.find(pairId, runId, system, entity))),
      recordPlan: (runId, items) => writeDerived("record plan", () => plansT.insert(runId, items)),
      clearOpenPlan: (runId, from, entity) => write("clear open plan rows", () => plansT.clearOpen(runId, from, entity)),
      holdBackWrites: (runId, actions, reason) => write("hold back planned writes", () => plansT.holdBack(runId, actions, reason)),
      settlePlanBySource: (runId, from, entity, sourceId, outcome, targetId) =>
        write("settle plan row", () => plansT.settleBySource(runId, from, entity, sourceId, outcome, targetId)),
      adoptPlan: (dryRunId, runId) =>
        transact("adopt plan", () =>
          Either.flatMap(requireRunOfPair(dryRunId), () => {
            if (!runsT.markApplied(dryRunId, runId)) {
              return Either.left(new StateError({ operation: "adopt plan", detail: `the plan of run ${dryRunId} was already applied` }))
            }
            return Either.right(plansT.copy(dryRunId, runId))
          })),
      planRowsOfKind: (runId, kind) => plansT.eachOfKind(runId, kind),
      read: (operation, f) => attempt(operation, () => db.transaction(() => f(reader))()),
      prune: Effect.all([
        pruneInChunks("prune snapshots", (limit) => snapshotsT.pruneChunk(pairId, limit)),
        pruneInChunks("prune plans", (limit) => plansT.pruneChunk(pairId, limit))
      ], { discard: true }),

      setTagColors: (colors, options) => write("set tag colours", () => paletteT.set(pairId, colors, options?.overwrite ?? true)),
      tagPalette: attempt("read tag palette", () => paletteT.all(pairId)),
      tagColor: (name) => attempt("read tag colour", () => Option.fromNullable(paletteT.colorOf(pairId, name))),

      webhooks: pairWebhooks(webhooksT, pairId, { read: attempt, write, now: isoNow })
    }
  }

  return {
    path,
    schemaVersion: latestSchemaVersion,
    pair: (pair) => Effect.flatMap(isoNow, (now) => Effect.map(write("register shop pair", () => pairsT.ensure(pair, now)), (id) => forPair(id, pair))),
    pairs: attempt("read shop pairs", () => pairsT.all()),
    run: (runId) => attempt("read run", () => Option.fromNullable(runsT.get(runId))),
    runs: (limit = 100) => attempt("read runs", () => runsT.list(limit)),
    runCounters: (runId) => attempt("read run counters", () => runsT.counters(runId)),
    runWarnings: (runId) => attempt("read run warnings", () => runsT.warnings(runId)),
    integrityCheck: attempt("integrity check", () => integrityCheck(db))
  }
}

/** Opens the file (folders created), configures it, upgrades its schema, and closes it when the scope ends. */
export const makeStateStore = (path: string, options: OpenOptions = {}): Effect.Effect<StateStoreService, StateError | StateTooNew, Scope.Scope> =>
  Effect.gen(function* () {
    const db = yield* Effect.acquireRelease(attemptWith("open state file", () => createDatabase(path, options)), (db) =>
      Effect.sync(() => db.close()))
    yield* attemptWith("configure state file", () => configureConnection(db, options))
    const migration = yield* attemptWith("upgrade state schema", () => migrate(db))
    if (migration._tag === "TooNew") {
      return yield* new StateTooNew({ path, fileVersion: migration.fileVersion, supported: migration.supported })
    }
    if (migration._tag === "Upgraded") {
      yield* Effect.logInfo("state schema upgraded").pipe(Effect.annotateLogs({ from: migration.from, to: migration.to, path }))
    }
    return buildService(db, path, options)
  })

export class StateStore extends Context.Tag("shopbridge/StateStore")<StateStore, StateStoreService>() {
  static readonly layer = (path: string, options?: OpenOptions): Layer.Layer<StateStore, StateError | StateTooNew> =>
    Layer.scoped(StateStore, makeStateStore(path, options))
  /** A fresh private database per use: for tests and dry runs that must not touch a file. */
  static readonly layerMemory: Layer.Layer<StateStore, StateError | StateTooNew> = Layer.scoped(StateStore, makeStateStore(memoryPath))
}
