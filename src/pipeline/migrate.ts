/**
 * `migrate`: one direction, every record. extract both sides → settle writes a previous attempt left open → plan →
 * (a dry run stops here) → load customers → plan and load vehicles → verify → report. A resumed run is the same run
 * again: the ledger and the id links turn what was already written into "unchanged".
 */
import { Chunk, Clock, Effect, Stream } from "effect"
import type { Customer } from "../domain/customer.js"
import type { SystemName } from "../domain/ids.js"
import type { Vehicle } from "../domain/vehicle.js"
import {
  applyVinLookup,
  changedFields,
  isExcludedArchived,
  needsVinLookup,
  validateCustomerFor,
  validateVehicleFor,
  type Mapped,
  type MappingContext
} from "../mapping/index.js"
import { toJson } from "../mapping/json.js"
import { formatMinutes, makeEstimate, type ActionInput, type ReportBuilder, type VerificationEntry } from "../report/index.js"
import type { Link, LinkInput, PairState, WriteOutcome as LedgerOutcome } from "../state/index.js"
import type { ProgressService } from "../cli/progress.js"
import type { RunAborted } from "./errors.js"
import { linkOf, loadEntity, type LoadResult } from "./load.js"
import { isProductOf, planEntity, storedHash, writes, type Direction, type Entity, type ModelRecord, type PlanItem } from "./plan.js"
import type { EntityGateway, Gateway } from "./systems/gateway.js"

export interface MigrateOptions {
  readonly from: SystemName
  readonly to: SystemName
  readonly entities: ReadonlyArray<Entity>
  readonly dryRun: boolean
}

export interface MigrateServices {
  readonly gateways: Readonly<Record<SystemName, Gateway>>
  readonly state: PairState
  readonly ctx: MappingContext
  readonly progress: ProgressService
  /** A line for the person watching (stderr), also kept in the log. */
  readonly say: (line: string) => Effect.Effect<void>
  /** Fed as the run goes, so a run that stops early still has a report of what it did. */
  readonly report: ReportBuilder
}

const isoNow = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

const label = (record: ModelRecord): string => {
  if (record.kind === "customer") {
    const person = [record.firstName, record.lastName].filter((p) => p !== null).join(" ")
    return person !== "" ? person : record.businessName ?? record.email ?? record.source.id
  }
  const name = [record.year, record.make, record.model].filter((p) => p !== null).join(" ")
  return [name, record.vin ?? record.licensePlate].filter((p) => p !== null && p !== "").join(" · ") || record.source.id
}

const readAll = <R extends ModelRecord>(
  services: MigrateServices,
  what: string,
  stream: Stream.Stream<Mapped<R>, RunAborted>
) =>
  Effect.gen(function* () {
    yield* services.progress.start(what, 0)
    const records = yield* stream.pipe(
      Stream.tap(() => services.progress.advance(what, 1)),
      Stream.runCollect,
      Effect.map(Chunk.toReadonlyArray)
    )
    yield* services.progress.finish(what)
    // A record updated while we paged can come twice: keep its newest version.
    const byId = new Map<string, Mapped<R>>()
    for (const r of records) byId.set(r.record.source.id, r)
    return [...byId.values()]
  })

/** Source id → target id of every link of an entity, for one direction. */
const linkIndex = (links: ReadonlyArray<Link>, direction: Direction) => {
  const toTarget = new Map<string, string>()
  for (const l of links) {
    const [sourceId, targetId] = direction.from === "autoleap" ? [l.autoleapId, l.autogmsId] : [l.autogmsId, l.autoleapId]
    toTarget.set(sourceId, targetId)
  }
  return toTarget
}

/**
 * Writes a previous attempt sent without learning the outcome (killed, lost response) are settled against what the
 * target holds now — found: confirmed and linked; not found: failed (the plan writes them again). Never a blind retry.
 */
const settleOpenWrites = (
  services: MigrateServices,
  runId: string,
  direction: Direction,
  sources: Readonly<Record<Entity, ReadonlyArray<Mapped<ModelRecord>>>>,
  targets: Readonly<Record<Entity, ReadonlyArray<Mapped<ModelRecord>>>>
) =>
  Effect.gen(function* () {
    const open = (yield* services.state.unsettledWrites()).filter((w) => w.targetSystem === direction.to)
    if (open.length === 0) return 0
    const outcomes: Array<LedgerOutcome> = []
    const links: Array<LinkInput> = []
    for (const entry of open) {
      const candidates = targets[entry.entity]
      const hit = candidates.find((t) => isProductOf(t.record, { ...entry, lookupKey: entry.naturalKey, hash: entry.payloadHash }))
      const source = sources[entry.entity].find((s) => s.record.source.id === entry.sourceId)
      if (hit !== undefined && source !== undefined && entry.status !== "pending") {
        outcomes.push({ ledgerId: entry.id, status: "confirmed", targetId: hit.record.source.id })
        links.push(linkOf({ source, target: hit, hash: entry.payloadHash, lookupKey: entry.naturalKey }, direction, entry.entity, hit.record.source.id))
      } else {
        outcomes.push({ ledgerId: entry.id, status: "failed", error: entry.status === "pending" ? "never sent" : "not found on the target: not applied" })
      }
    }
    yield* services.state.settleBatch({ runId, outcomes, links })
    yield* services.say(`settled ${open.length} write(s) left open by an earlier attempt (${links.length} had landed)`)
    return open.length
  })

/** Vehicles missing make or model get them from autoGMS's VIN lookup when the mapping allows it. */
const enrichFromVin = (services: MigrateServices, direction: Direction, vehicles: ReadonlyArray<Mapped<Vehicle>>) => {
  const lookup = services.gateways[direction.to].vinLookup
  if (lookup === undefined) return Effect.succeed({ vehicles, tried: new Set<string>() })
  const tried = new Set<string>()
  return Effect.forEach(
    vehicles,
    (v) => {
      if (!needsVinLookup(v.record, services.ctx) || isExcludedArchived(v, services.ctx)) return Effect.succeed(v)
      tried.add(v.record.source.id)
      return Effect.map(lookup(v.record.vin!), (result) => applyVinLookup(v, result))
    },
    { concurrency: 4 }
  ).pipe(Effect.map((enriched) => ({ vehicles: enriched, tried })))
}

type PerEntity = Readonly<Record<Entity, number>>
const NONE: PerEntity = { customers: 0, vehicles: 0 }

/** Requests and minutes at the configured limits: reads of both sides, writes on the target. */
const estimateRun = (
  gateways: Readonly<Record<SystemName, Gateway>>,
  direction: Direction,
  work: { readonly source: PerEntity; readonly target: PerEntity; readonly create: PerEntity; readonly update: PerEntity }
) => {
  const of = (system: SystemName) =>
    gateways[system].estimate({
      read: system === direction.from ? work.source : work.target,
      create: system === direction.to ? work.create : NONE,
      update: system === direction.to ? work.update : NONE
    })
  return makeEstimate(of("autoleap"), of("autogms"))
}

const describeEstimate = (e: ReturnType<typeof makeEstimate>): string =>
  `${e.autoleap.requests + e.autogms.requests} requests, ${e.minutes < 1 ? "" : "about "}${formatMinutes(e.minutes)} at the configured rate limits`

export const runMigrate = (services: MigrateServices, options: MigrateOptions, runId: string) =>
  Effect.gen(function* () {
    const { state, ctx, gateways } = services
    const direction: Direction = { from: options.from, to: options.to }
    const source = gateways[direction.from]
    const target = gateways[direction.to]
    const { report } = services
    report.scope(direction.from, direction.to, options.entities)

    const wants = (e: Entity) => options.entities.includes(e)

    // ── preflight ──────────────────────────────────────────────────────────────────────────────────────────────
    yield* services.say(yield* source.check)
    yield* services.say(yield* target.check)
    // Before the long reads: an upper bound from the source's totals (every record read and written), so a user of a
    // 60-requests-per-minute key learns at once that the run takes hours. The exact figure follows the plan.
    const totals = {
      customers: wants("customers") ? yield* source.count("customers") : 0,
      vehicles: wants("vehicles") ? yield* source.count("vehicles") : 0
    }
    yield* services.say(`estimate before reading: at most ${describeEstimate(estimateRun(gateways, direction, { source: totals, target: totals, create: totals, update: NONE }))}`)

    // ── extract ────────────────────────────────────────────────────────────────────────────────────────────────
    const read = <R extends ModelRecord>(system: SystemName, entity: Entity, gateway: EntityGateway<R>) =>
      wants(entity) ? readAll(services, `${entity} from ${system}`, gateway.read) : Effect.succeed<ReadonlyArray<Mapped<R>>>([])
    const sourceCustomers = yield* read(source.system, "customers", source.customers)
    const sourceVehiclesRaw = yield* read(source.system, "vehicles", source.vehicles)
    const targetCustomers = yield* read(target.system, "customers", target.customers)
    const targetVehicles = yield* read(target.system, "vehicles", target.vehicles)
    report.read(direction.from, direction.to, "customers", sourceCustomers.length)
    report.read(direction.from, direction.to, "vehicles", sourceVehiclesRaw.length)

    if (!options.dryRun) {
      yield* settleOpenWrites(
        services,
        runId,
        direction,
        { customers: sourceCustomers, vehicles: sourceVehiclesRaw },
        { customers: targetCustomers, vehicles: targetVehicles }
      )
    }

    const { vehicles: sourceVehicles, tried: vinLookupTried } = wants("vehicles")
      ? yield* enrichFromVin(services, direction, sourceVehiclesRaw)
      : { vehicles: sourceVehiclesRaw, tried: new Set<string>() }

    // ── plan ───────────────────────────────────────────────────────────────────────────────────────────────────
    const excluded = (m: Mapped<ModelRecord>) => isExcludedArchived(m, ctx)
    const planCustomers = (links: ReadonlyArray<Link>) => {
      const toTarget = linkIndex(links, direction)
      return planEntity<Customer>({
        direction,
        sources: sourceCustomers,
        targets: targetCustomers,
        linkedTargetId: (id) => toTarget.get(id),
        linkedTargets: new Set(toTarget.values()),
        excluded,
        validate: (m) => validateCustomerFor(direction.to, m, ctx)
      })
    }
    /**
     * `plannedOwners`: where the customer plan puts each source customer that has no link yet (matched, or to be
     * created), so a dry run does not call their vehicles orphans.
     */
    const planVehicles = (customerLinks: ReadonlyArray<Link>, vehicleLinks: ReadonlyArray<Link>, plannedOwners: ReadonlyMap<string, string>) => {
      const ownerToTarget = linkIndex(customerLinks, direction)
      const toTarget = linkIndex(vehicleLinks, direction)
      const resolveCustomerId = (owner: Vehicle["owner"]): string | null =>
        owner === null ? null : ownerToTarget.get(owner.id) ?? plannedOwners.get(owner.id) ?? null
      return {
        resolveCustomerId,
        plan: planEntity<Vehicle>({
          direction,
          sources: sourceVehicles,
          targets: targetVehicles,
          linkedTargetId: (id) => toTarget.get(id),
          linkedTargets: new Set(toTarget.values()),
          excluded,
          validate: (m) => validateVehicleFor(direction.to, m, ctx, { resolveCustomerId, vinLookupTried: vinLookupTried.has(m.record.source.id) }),
          ownerOfSource: (record) => resolveCustomerId(record.owner),
          ownerOfTarget: (record) => record.owner?.id ?? null
        })
      }
    }

    const customerLinks = yield* state.links("customers")
    const customerPlan = wants("customers") ? planCustomers(customerLinks) : []
    const plannedOwners = new Map(
      customerPlan
        .filter((i) => i.action !== "quarantine" && i.action !== "skip")
        .map((i) => [i.source.record.source.id, i.targetId ?? `(new customer for ${i.source.record.source.id})`] as const)
    )
    const draftVehicles = wants("vehicles") ? planVehicles(customerLinks, yield* state.links("vehicles"), plannedOwners).plan : []

    const count = (items: ReadonlyArray<PlanItem<ModelRecord>>, kind: "create" | "update") =>
      items.filter((i) => writes(i) && (kind === "create") === (i.action === "create")).length
    const estimate = estimateRun(gateways, direction, {
      source: { customers: sourceCustomers.length, vehicles: sourceVehiclesRaw.length },
      target: { customers: targetCustomers.length, vehicles: targetVehicles.length },
      create: { customers: count(customerPlan, "create"), vehicles: count(draftVehicles, "create") },
      update: { customers: count(customerPlan, "update"), vehicles: count(draftVehicles, "update") }
    })
    report.estimate(estimate)
    yield* services.say(`estimate: ${describeEstimate(estimate)} (${count(customerPlan, "create") + count(draftVehicles, "create")} creates, ${count(customerPlan, "update") + count(draftVehicles, "update")} updates)`)

    if (options.dryRun) {
      recordPlan(report, direction, "customers", customerPlan, new Map())
      recordPlan(report, direction, "vehicles", draftVehicles, new Map())
      return yield* buildReport(services)
    }

    // ── load ───────────────────────────────────────────────────────────────────────────────────────────────────
    const confirmedByRun = yield* confirmedActions(state, runId)
    const loadOne = <R extends ModelRecord>(
      entity: Entity,
      gateway: EntityGateway<R>,
      plan: ReadonlyArray<PlanItem<R>>,
      ownerOf: (r: ModelRecord) => string | null
    ) =>
      Effect.gen(function* () {
        // Links found by natural key need no write when nothing differs: record them now.
        const linkOnly = plan.filter((i) => i.action === "link" && !writes(i))
        if (linkOnly.length > 0) yield* state.recordLinks(linkOnly.map((i) => linkOf(i, direction, entity, i.targetId!)))
        const quarantined = plan.filter((i) => i.action === "quarantine")
        if (quarantined.length > 0) {
          yield* state.quarantine(
            quarantined.map((i) => ({ entity, system: direction.from, sourceId: i.source.record.source.id, code: i.reason!.code, message: i.reason!.message, payload: i.source.record })),
            runId
          )
        }
        // Target records that already belong to a source record: a 409 pointing at one of them is not a match.
        const linkedTargets = linkIndex(yield* state.links(entity), direction).values()
        const claimedTargets = new Set<string>([...linkedTargets, ...plan.flatMap((i) => (i.targetId === undefined ? [] : [i.targetId]))])
        const what = `${entity} → ${direction.to}`
        yield* services.progress.start(what, plan.filter(writes).length)
        const results = yield* loadEntity(gateway, plan, {
          runId,
          state,
          direction,
          entity,
          groupSize: target.groupSize,
          claimedTargets,
          ownerOf,
          onProgress: (n) => services.progress.advance(what, n)
        })
        yield* services.progress.finish(what)
        recordPlan(report, direction, entity, plan, results, confirmedByRun)
        return results
      })

    const verification: Array<VerificationEntry> = []
    if (wants("customers")) {
      const results = yield* loadOne("customers", target.customers, customerPlan, () => null)
      verification.push(verify(direction, "customers", customerPlan, results))
    }
    if (wants("vehicles")) {
      // Customers are in: plan vehicles again with the real ids of their owners.
      const { plan, resolveCustomerId } = planVehicles(yield* state.links("customers"), yield* state.links("vehicles"), new Map())
      const results = yield* loadOne("vehicles", target.vehicles, plan, (r) => (r.kind === "vehicle" ? resolveCustomerId(r.owner) : null))
      verification.push(verify(direction, "vehicles", plan, results))
    }
    report.verification(verification)
    return yield* buildReport(services)
  })

/** Source id → the action a confirmed write of this run made (a resumed run reports what it did before the stop). */
const confirmedActions = (state: PairState, runId: string) =>
  Effect.map(state.ledgerOfRun(runId), (entries) => {
    const actions = new Map<string, "create" | "update">()
    for (const e of entries) if (e.status === "confirmed" && e.sourceId !== null) actions.set(`${e.entity}:${e.sourceId}`, e.action === "create" ? "create" : "update")
    return actions
  })

const recordPlan = <R extends ModelRecord>(
  report: ReportBuilder,
  direction: Direction,
  entity: Entity,
  plan: ReadonlyArray<PlanItem<R>>,
  results: ReadonlyMap<PlanItem<R>, LoadResult<R>>,
  confirmedByRun: ReadonlyMap<string, "create" | "update"> = new Map()
) => {
  for (const item of plan) {
    const result = results.get(item)
    const sourceId = item.source.record.source.id
    const base: Omit<ActionInput, "action"> = {
      entity,
      from: direction.from,
      to: direction.to,
      sourceId,
      label: label(item.source.record),
      targetId: result?._tag === "Written" ? result.targetId : item.targetId ?? null,
      changes: item.changes.map((c) => ({ field: c.field, before: toJson(c.before), after: toJson(c.after) })),
      warnings: item.warnings.map((w) => ({ code: w.code, message: w.message }))
    }
    if (result?._tag === "Rejected" || item.action === "quarantine") {
      const reason = result?._tag === "Rejected" ? result.reason : item.reason!
      report.record({ ...base, action: "quarantine", reason: reason.code, message: reason.message, warnings: [] })
    } else if (item.action === "skip") {
      report.record({ ...base, action: "skip", reason: item.reason!.code, message: item.reason!.message })
    } else if (result?._tag === "Written" && result.linkedExisting) {
      report.record({ ...base, action: "link" })
    } else if (item.action === "unchanged" && confirmedByRun.has(`${entity}:${sourceId}`)) {
      report.record({ ...base, action: confirmedByRun.get(`${entity}:${sourceId}`)! })
    } else {
      report.record({ ...base, action: item.action })
    }
  }
}

/** What was written, compared with what the plan meant to write (content hashes of the mapped fields). */
const verify = <R extends ModelRecord>(
  direction: Direction,
  entity: Entity,
  plan: ReadonlyArray<PlanItem<R>>,
  results: ReadonlyMap<PlanItem<R>, LoadResult<R>>
): VerificationEntry => {
  const written = plan.filter((i) => results.get(i)?._tag === "Written")
  const mismatches = written.flatMap((item) => {
    const result = results.get(item) as Extract<LoadResult<R>, { _tag: "Written" }>
    const stored = result.stored
    if (stored !== undefined && storedHash(stored.record) === item.hash) return []
    const fields = stored === undefined ? [] : changedFields(stored.record, item.source.record).map((c) => c.field)
    return [{ sourceId: item.source.record.source.id, targetId: stored === undefined ? null : result.targetId, label: label(item.source.record), fields }]
  })
  return { from: direction.from, to: direction.to, entity, expected: written.length, found: written.length - mismatches.length, mismatches }
}

/** The report of the run so far; `status` is given when it stopped early (interrupted, failed). */
export const buildReport = (services: Pick<MigrateServices, "gateways" | "report">, status?: "interrupted" | "failed") =>
  Effect.gen(function* () {
    const counts = yield* Effect.all({ autoleap: services.gateways.autoleap.requestCounts, autogms: services.gateways.autogms.requestCounts })
    services.report.requests("autoleap", counts.autoleap)
    services.report.requests("autogms", counts.autogms)
    return services.report.build({ finishedAt: yield* isoNow, ...(status === undefined ? {} : { status }) })
  })
