/**
 * `apply`: writes exactly the plan a reviewer read in a dry run's report. The dry run's plan becomes this run's; the
 * source records changed since the plan was made (its updated-since window: a few requests, not a full read) are
 * compared by hash with what was planned, and each that changed is re-planned and reported as drifted — or, with
 * `--strict`, left alone and listed. Then the same load, ledger, verification and report as `migrate`.
 */
import { Effect, Option } from "effect"
import type { Entity } from "../domain/entity.js"
import { extractEntity, snapshotStream } from "./extract.js"
import { loadAll, migrateReportScope, planEstimate, preflight, type MigrateOptions, type RunHeader } from "./migrate.js"
import type { Direction } from "./plan.js"
import { planRecords, planScope } from "./planStage.js"
import { reportFromStore } from "./runReport.js"
import { settleOpenWrites } from "./settle.js"
import type { Snapshots, StageServices } from "./stage.js"

export interface ApplyOptions extends MigrateOptions {
  /** The dry run whose plan is written. */
  readonly planOf: string
  /** Records changed since the plan are left alone and listed, not re-planned. */
  readonly strict: boolean
}

/** A plan older than this is applied with a warning: the shop has likely moved on. */
const STALE_PLAN_MS = 24 * 60 * 60_000
/** Changed records compared per read. */
const CHUNK = 500

/**
 * The source records of one entity changed since the dry run read them, into a snapshot of this run; those whose hash
 * differs from the plan's (or that the plan never saw) are planned again. Returns how many were read and how many drifted.
 */
const checkDrift = (services: StageServices, runId: string, options: ApplyOptions, entity: Entity) =>
  Effect.gen(function* () {
    const { state, gateways } = services
    const direction: Direction = { from: options.from, to: options.to }
    const planned = yield* state.snapshotOf(options.planOf, direction.from, entity)
    const target = yield* state.snapshotOf(options.planOf, direction.to, entity)
    if (Option.isNone(planned) || Option.isNone(target)) {
      yield* services.say(`the plan of ${options.planOf} kept no snapshot of ${entity}: changes since the plan cannot be checked`)
      return { read: 0, drifted: 0 }
    }
    // The server's clock: everything updated after the newest record the dry run saw.
    const since = (yield* state.read("read plan watermark", (reader) => reader.snapshots.newestUpdatedAt(planned.value.id))) ?? planned.value.startedAt
    const gateway = gateways[direction.from]
    const changed = yield* snapshotStream(services, runId, direction.from, entity, (entity === "customers" ? gateway.customers : gateway.vehicles).readChanged(new Date(since)))
    const scope = yield* planScope(services, runId, direction, entity, { source: changed, target: target.value.id })
    let after = 0
    let read = 0
    let drifted = 0
    for (;;) {
      const rows = yield* state.read("read changed records", (reader) => reader.snapshots.chunk(changed, after, CHUNK))
      if (rows.length === 0) break
      after = rows[rows.length - 1]?.position ?? after
      read += rows.length
      const moved = yield* state.read("compare with the plan", (reader) =>
        rows.filter((row) => {
          const item = reader.plan.bySource(runId, direction.from, entity, row.sourceId)
          return item === undefined ? true : item.outcome === null && item.sourceHash !== row.hash
        }))
      drifted += (yield* planRecords(services, scope, moved, options.strict ? "held" : "replanned")).length
    }
    return { read, drifted }
  })

export const runApply = (services: StageServices, options: ApplyOptions, run: RunHeader & { readonly resumed: boolean }) =>
  Effect.gen(function* () {
    const { state } = services
    const direction: Direction = { from: options.from, to: options.to }
    const { runId } = run
    yield* preflight(services, direction, options.entities)

    if (!run.resumed) {
      const rows = yield* state.adoptPlan(options.planOf, runId)
      yield* services.say(`applying the plan of dry run ${options.planOf}: ${rows} record(s)`)
    }

    const reads = { customers: 0, vehicles: 0 }
    for (const entity of options.entities) {
      const { read, drifted } = yield* checkDrift(services, runId, options, entity)
      reads[entity] = read
      if (drifted > 0) {
        yield* services.say(`${drifted} ${entity} changed in ${direction.from} since the plan: ${options.strict ? "left alone (--strict)" : "planned again"}`)
      }
    }

    // Writes an earlier attempt left open are settled against the target as it is now.
    const open = (yield* state.unsettledWrites()).filter((w) => w.targetSystem === direction.to)
    if (open.length > 0) {
      const snapshots: { -readonly [E in Entity]?: { source: number; target: number } } = {}
      for (const entity of options.entities) {
        const source = yield* state.snapshotOf(options.planOf, direction.from, entity)
        const target = yield* extractEntity(services, runId, direction.to, entity)
        if (Option.isSome(source)) snapshots[entity] = { source: source.value.id, target }
      }
      yield* settleOpenWrites(services, runId, direction, snapshots satisfies Snapshots)
    }

    const estimate = yield* planEstimate(services, runId, direction, { source: reads, target: { customers: 0, vehicles: 0 } })
    yield* loadAll(services, runId, direction, options.entities)
    return yield* reportFromStore(services, migrateReportScope(run, { ...options, dryRun: false }, reads, estimate))
  })

/** Whether a plan made at `madeAt` is older than a day at `nowMs`. */
export const isStalePlan = (madeAt: string, nowMs: number): boolean => nowMs - Date.parse(madeAt) > STALE_PLAN_MS
