/**
 * `migrate`: one direction, every record, as a composition of the stages: extract both sides into snapshots → settle
 * writes a previous attempt left open → plan (customers, then vehicles) → (a dry run stops here: its plan stays in the
 * store for `apply`) → load customers → load vehicles → report from the store. A resumed run is the same run again: it
 * keeps the plan rows it carried out and plans the rest anew.
 */
import { Effect } from "effect"
import type { Entity } from "../domain/entity.js"
import type { SystemName } from "../domain/ids.js"
import { formatMinutes, makeEstimate, type Estimate } from "../report/index.js"
import { extractBothSides } from "./extract.js"
import { loadEntityStage } from "./load.js"
import type { Direction } from "./plan.js"
import { planEntityStage } from "./planStage.js"
import { reportFromStore, type ReportScope } from "./runReport.js"
import { settleOpenWrites } from "./settle.js"
import type { Snapshots, StageServices } from "./stage.js"
import type { Gateway } from "./gateway.js"

export interface MigrateOptions {
  readonly from: SystemName
  readonly to: SystemName
  readonly entities: ReadonlyArray<Entity>
  readonly dryRun: boolean
}

export interface RunHeader {
  readonly runId: string
  readonly startedAt: string
}

type PerEntity = Readonly<Record<Entity, number>>
const NONE: PerEntity = { customers: 0, vehicles: 0 }

/** Requests and minutes at the configured limits: reads of both sides, writes on the target. */
export const estimateRun = (
  gateways: Readonly<Record<SystemName, Gateway>>,
  direction: Direction,
  work: { readonly source: PerEntity; readonly target: PerEntity; readonly create: PerEntity; readonly update: PerEntity }
): Estimate => {
  const of = (system: SystemName) =>
    gateways[system].estimate({
      read: system === direction.from ? work.source : work.target,
      create: system === direction.to ? work.create : NONE,
      update: system === direction.to ? work.update : NONE
    })
  return makeEstimate(of("autoleap"), of("autogms"))
}

export const describeEstimate = (e: Estimate): string =>
  `${e.autoleap.requests + e.autogms.requests} requests, ${e.minutes < 1 ? "" : "about "}${formatMinutes(e.minutes)} at the configured rate limits`

/** Credentials work on both sides; then an upper bound from the source's totals, before any long read. */
export const preflight = (services: StageServices, direction: Direction, entities: ReadonlyArray<Entity>) =>
  Effect.gen(function* () {
    const { gateways } = services
    yield* services.say(yield* gateways[direction.from].check)
    yield* services.say(yield* gateways[direction.to].check)
    // A user of a 60-requests-per-minute key learns at once that the run takes hours. The exact figure follows the plan.
    const count = (entity: Entity) => (entities.includes(entity) ? gateways[direction.from].count(entity) : Effect.succeed(0))
    const totals = { customers: yield* count("customers"), vehicles: yield* count("vehicles") }
    yield* services.say(
      `estimate before reading: at most ${describeEstimate(estimateRun(gateways, direction, { source: totals, target: totals, create: totals, update: NONE }))}`
    )
  })

/** Records per entity in the snapshots of one side. */
const snapshotCounts = (services: StageServices, snapshots: Snapshots, side: "source" | "target") =>
  services.state.read("count snapshots", (reader) => {
    const count = (entity: Entity) => {
      const pair = snapshots[entity]
      return pair === undefined ? 0 : reader.snapshots.count(pair[side])
    }
    return { customers: count("customers"), vehicles: count("vehicles") }
  })

/** The exact estimate, from the plan: the writes still to do, and what was read. */
export const planEstimate = (services: StageServices, runId: string, direction: Direction, reads: { readonly source: PerEntity; readonly target: PerEntity }) =>
  Effect.gen(function* () {
    const open = yield* services.state.read("count planned writes", (reader) => reader.plan.openWrites(runId))
    const sum = (matches: (action: string) => boolean) => ({
      customers: open.filter((w) => w.entity === "customers" && matches(w.action)).reduce((n, w) => n + w.count, 0),
      vehicles: open.filter((w) => w.entity === "vehicles" && matches(w.action)).reduce((n, w) => n + w.count, 0)
    })
    const create = sum((a) => a === "create")
    const update = sum((a) => a !== "create")
    const linked = sum((a) => a === "link")
    const estimate = estimateRun(services.gateways, direction, { ...reads, create, update })
    const total = (n: PerEntity) => n.customers + n.vehicles
    // Worded as the report's table counts them: a record matched by email, phone or VIN is "linked", even when updated.
    yield* services.say(
      `estimate: ${describeEstimate(estimate)} (${total(create)} creates, ${total(update) - total(linked)} updates, ${total(linked)} linked and updated)`
    )
    return estimate
  })

/** Loads every entity's plan, customers first (vehicles need their owners' ids). */
export const loadAll = (services: StageServices, runId: string, direction: Direction, entities: ReadonlyArray<Entity>) =>
  Effect.forEach(entities, (entity) => loadEntityStage(services, runId, direction, entity), { discard: true })

export const migrateReportScope = (run: RunHeader, options: MigrateOptions, reads: PerEntity, estimate: Estimate | null): ReportScope => ({
  runId: run.runId,
  command: "migrate",
  dryRun: options.dryRun,
  startedAt: run.startedAt,
  directions: [{ from: options.from, to: options.to }],
  entities: options.entities,
  reads: options.entities.map((entity) => ({ from: options.from, entity, count: reads[entity] })),
  estimate
})

export const runMigrate = (services: StageServices, options: MigrateOptions, run: RunHeader) =>
  Effect.gen(function* () {
    const direction: Direction = { from: options.from, to: options.to }
    const { runId } = run
    yield* preflight(services, direction, options.entities)

    const snapshots = yield* extractBothSides(services, runId, direction, options.entities)
    if (!options.dryRun) yield* settleOpenWrites(services, runId, direction, snapshots)

    for (const entity of options.entities) {
      const pair = snapshots[entity]
      if (pair !== undefined) yield* planEntityStage(services, runId, direction, entity, pair)
    }
    const reads = { source: yield* snapshotCounts(services, snapshots, "source"), target: yield* snapshotCounts(services, snapshots, "target") }
    const estimate = yield* planEstimate(services, runId, direction, reads)

    if (!options.dryRun) yield* loadAll(services, runId, direction, options.entities)
    return yield* reportFromStore(services, migrateReportScope(run, options, reads.source, estimate))
  })
