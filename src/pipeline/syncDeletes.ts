/**
 * The archives and deletes a sync finds, as plan rows: each decided by deletes.ts (carried over, or reported), and then
 * the threshold over all of them. A carried-over one is a write of the load stage (`archive` on AutoLeap, `delete` on
 * autoGMS); a reported one is a `skip` with its reason.
 */
import { Effect } from "effect"
import type { Entity } from "../domain/entity.js"
import { otherSystem, systemDisplayName, type SystemName } from "../domain/ids.js"
import type { Vehicle } from "../domain/vehicle.js"
import type { Link, PlanItemInput, StoreReader } from "../state/index.js"
import { decideDeparture, heldBack, overThreshold, type Departure } from "./deletes.js"
import type { Direction, ModelRecord } from "./plan.js"
import { labelOf, type PlanDetail } from "./planStage.js"
import { mappedOf } from "./snapshot.js"
import type { StageServices } from "./stage.js"

/** Gone records listed per side and entity; more are counted in the line that says so. */
const GONE_LISTED = 10_000

const idOn = (link: Link, system: SystemName): string => (system === "autoleap" ? link.autoleapId : link.autogmsId)

/** One linked record that left a side. */
export interface Found {
  readonly direction: Direction
  readonly entity: Entity
  readonly link: Link
  readonly departure: Departure
  /** The hash of the record as last seen on the side it left. */
  readonly hash: string
  readonly label: string
  /** Whether the other side is among the sync's directions' targets: only then is anything written there. */
  readonly writable: boolean
  readonly goneOnBoth: boolean
  /** Vehicles: their owner's id on the other side, when it must be named there (AutoLeap's archive). */
  readonly targetOwnerId?: string | null
}

/** The plan row of a record that left one side: an archive or delete on the other, or a skip that reports it. */
export const departureRow = (services: StageServices, found: Found): PlanItemInput => {
  const { direction, entity, link } = found
  const target = services.gateways[direction.to]
  const retirer = entity === "customers" ? target.customers.retire : target.vehicles.retire
  const propagate = services.ctx.mapping.sync.deletes.propagate && found.writable
  const decision = decideDeparture(
    { entity, from: direction.from, departure: found.departure, targetVerb: retirer?.verb, goneOnBoth: found.goneOnBoth },
    { propagate }
  )
  const carried = decision._tag === "CarryOver"
  const targetId = idOn(link, direction.to)
  const detail: PlanDetail = {
    record: null,
    sourceSidecar: null,
    targetSidecar: null,
    targetHash: null,
    planned: null,
    changes: [],
    warnings: [],
    reason: decision.reason,
    ...(found.targetOwnerId === undefined ? {} : { targetOwnerId: found.targetOwnerId })
  }
  return {
    from: direction.from,
    to: direction.to,
    entity,
    sourceId: idOn(link, direction.from),
    action: carried ? decision.verb : "skip",
    writes: carried,
    targetId,
    ownerSourceId: null,
    sourceHash: found.hash,
    hash: found.hash,
    lookupKey: link.naturalKey ?? targetId,
    label: found.label,
    reasonCode: decision.reason.code,
    detail
  }
}

/**
 * A vehicle's owner on `side`: from its record there when this sync read it, else from the link's base (the last
 * synced version), through the customers' link when the base came from the other side.
 */
export const ownerOn = (reader: StoreReader, link: Link, side: SystemName, record: ModelRecord | undefined): string | null => {
  if (record?.kind === "vehicle") return record.owner?.id ?? null
  const owner = (link.base as Vehicle | null)?.owner ?? null
  if (owner === null) return null
  if (owner.system === side) return owner.id
  const customer = reader.link("customers", owner.system, owner.id)
  return customer === undefined ? null : idOn(customer, side)
}

export interface GoneScope {
  readonly runId: string
  readonly system: SystemName
  readonly entity: Entity
  /** The full snapshot of `system` that the links were compared with. */
  readonly snapshot: number
  /** The other side's snapshot in this sync, if it was read, and whether it was read whole. */
  readonly other: { readonly snapshot: number | undefined; readonly full: boolean }
  readonly writable: boolean
}

/**
 * A full read finds what no change window can: linked records gone from a side. Each becomes a departure (absence
 * from a change window never counts); with propagation off, many gone at once is said plainly (a broken read looks
 * like that).
 */
export const planGone = (services: StageServices, scope: GoneScope) =>
  Effect.gen(function* () {
    const { state } = services
    const { system, entity } = scope
    const to = otherSystem(system)
    const direction: Direction = { from: system, to }
    const { rows, links } = yield* state.read("find deleted records", (reader) => ({
      links: reader.linkCount(entity),
      rows: reader.linksMissingFrom(entity, system, scope.snapshot, GONE_LISTED).map((link) => {
        const there = scope.other.snapshot === undefined ? undefined : reader.snapshots.byId(scope.other.snapshot, idOn(link, to))
        const record = there === undefined ? undefined : mappedOf<ModelRecord>(there).record
        const base = link.base as ModelRecord | null
        return departureRow(services, {
          direction,
          entity,
          link,
          departure: "gone",
          hash: (system === "autoleap" ? link.autoleap : link.autogms).seen ?? "",
          label: base === null ? idOn(link, system) : labelOf(base),
          writable: scope.writable,
          goneOnBoth: scope.other.full && there === undefined,
          ...(entity === "vehicles" ? { targetOwnerId: ownerOn(reader, link, to, record) } : {})
        })
      })
    }))
    if (rows.length === 0) return
    yield* state.recordPlan(scope.runId, rows)
    const carried = rows.filter((r) => r.writes)
    const where = systemDisplayName(system)
    const verb = carried[0]?.action
    if (verb !== undefined) {
      yield* services.say(`${rows.length} linked ${entity} are gone from ${where}: ${carried.length} to ${verb} in ${systemDisplayName(to)}`)
      return
    }
    const { maxPercent } = services.ctx.mapping.sync.deletes
    yield* services.say(
      rows.length * 100 > links * maxPercent
        ? `${rows.length} linked ${entity} seem gone from ${where} (more than ${maxPercent}% of ${links} links): reported only; check that the read was complete`
        : `${rows.length} linked ${entity} are gone from ${where}: reported, not carried over`
    )
  })

/**
 * The threshold: when the archives and deletes planned for any entity exceed `sync.deletes.maxPercent` of its links,
 * every one of the run is held back (a skip with the reason) and the one line saying so is returned; null otherwise.
 */
export const holdBackOverThreshold = (services: StageServices, runId: string, entities: ReadonlyArray<Entity>) =>
  Effect.gen(function* () {
    const { state } = services
    const { maxPercent } = services.ctx.mapping.sync.deletes
    const counts = yield* state.read("count archives and deletes", (reader) => {
      const open = reader.plan.openWrites(runId).filter((w) => w.action === "archive" || w.action === "delete")
      return entities.map((entity) => ({
        entity,
        count: open.filter((w) => w.entity === entity).reduce((n, w) => n + w.count, 0),
        links: reader.linkCount(entity)
      }))
    })
    const over = overThreshold(counts, maxPercent)
    if (over.length === 0) return null
    const reason = heldBack(over, maxPercent)
    yield* state.holdBackWrites(runId, ["archive", "delete"], reason)
    yield* services.say(reason.message)
    return reason.message
  })
