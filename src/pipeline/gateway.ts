/**
 * What the pipeline needs from one system, in model terms only: read records, write planned records, find records a
 * lost write may have produced. Each system's gateway hides its client, its wire shapes and its write style
 * (AutoLeap in bulk with read-back, autoGMS one record at a time).
 */
import type { Effect, Option, Stream } from "effect"
import type { Customer } from "../domain/customer.js"
import type { SystemName } from "../domain/ids.js"
import type { Sidecar } from "../domain/sidecar.js"
import type { Vehicle } from "../domain/vehicle.js"
import type { RequestCounts } from "../http/counters.js"
import type { Mapped, VinLookup } from "../mapping/index.js"
import type { RequestNeed } from "../report/index.js"
import type { RunAborted } from "./errors.js"
import type { RetireVerb } from "./deletes.js"
import type { Entity, ModelRecord, Reason, TargetCapabilities } from "./plan.js"

export interface WriteRequest<R extends ModelRecord> {
  readonly action: "create" | "update"
  readonly record: R
  /** The target system's sidecar for this record (what it held that the model cannot carry), if any. */
  readonly sidecar: Sidecar | null
  /** Update: the record to change. */
  readonly targetId?: string
  /** Vehicles: the owner's id on the target. */
  readonly ownerId?: string | null
  /** The content hash the written record must have (see plan). */
  readonly hash: string
  readonly lookupKey: string
}

export type WriteOutcome<R extends ModelRecord> =
  /** Applied; `stored` is the record as the target now holds it (for verification), when the answer or read-back gave it. */
  | { readonly _tag: "Written"; readonly targetId: string; readonly stored: Mapped<R> | undefined }
  /** Refused for this record (validation): not applied, quarantined. */
  | { readonly _tag: "Rejected"; readonly reason: Reason }
  /** Refused because the target already holds the natural key (autoGMS 409): link to `existingId`. */
  | { readonly _tag: "Exists"; readonly existingId: string }
  /** Sent, outcome unknown even after looking: the loader retries or leaves it to `resume`. */
  | { readonly _tag: "Unknown"; readonly message: string }

/** An archive or delete carried over from the other side (sync.deletes). */
export interface RetireRequest {
  readonly action: RetireVerb
  readonly targetId: string
  /** Vehicles: the owner's id on this system, which AutoLeap's archive call names; null when unknown. */
  readonly ownerId: string | null
  readonly lookupKey: string
  readonly hash: string
}

/** Done (also when the record was already archived or gone), refused, or unknown even after looking. */
export type RetireOutcome =
  | { readonly _tag: "Written"; readonly targetId: string }
  | { readonly _tag: "Rejected"; readonly reason: Reason }
  | { readonly _tag: "Unknown"; readonly message: string }

/** How a system removes a record of one entity: AutoLeap archives, autoGMS deletes (vehicles only). */
export interface Retirer {
  readonly verb: RetireVerb
  /** One group (at most the gateway's `groupSize`); one outcome per request, in order. */
  readonly retire: (requests: ReadonlyArray<RetireRequest>) => Effect.Effect<ReadonlyArray<RetireOutcome>, RunAborted>
}

export interface EntityGateway<R extends ModelRecord> {
  /** Every record, page by page. */
  readonly read: Stream.Stream<Mapped<R>, RunAborted>
  /** Records updated at or after `since` by the server's clock, read from `overlapMs` before it (the client's default when absent). */
  readonly readChanged: (since: Date, overlapMs?: number) => Stream.Stream<Mapped<R>, RunAborted>
  /** One group of writes (at most `groupSize`); one outcome per request, in order. */
  readonly write: (requests: ReadonlyArray<WriteRequest<R>>) => Effect.Effect<ReadonlyArray<WriteOutcome<R>>, RunAborted>
  /** Absent: the system's API cannot remove a record of this entity. */
  readonly retire?: Retirer
}

export interface Gateway {
  readonly system: SystemName
  /** Writes per group: one bulk request (AutoLeap) or one round of concurrent requests (autoGMS). */
  readonly groupSize: number
  /** What the system can hold as a target (the plan compares with what it will really store). */
  readonly capabilities: TargetCapabilities
  /** Credentials work and the shop is reachable; returns a line describing it. */
  readonly check: Effect.Effect<string, RunAborted>
  /** How many records the system holds (one cheap call), for the estimate before reading. */
  readonly count: (entity: Entity) => Effect.Effect<number, RunAborted>
  readonly customers: EntityGateway<Customer>
  readonly vehicles: EntityGateway<Vehicle>
  readonly requestCounts: Effect.Effect<RequestCounts>
  /** The newest time the system's answers carried (its own clock); none before its first answer. */
  readonly serverTime: Effect.Effect<Option.Option<Date>>
  /** What the run needs at the configured limits, given the records to read and write on this system. */
  readonly estimate: (work: Workload) => ReadonlyArray<RequestNeed>
  /**
   * One customer read by id, then its vehicles (autoGMS only: what a webhook names); no customer when it is not there.
   * A stream of one entity's records each, like `read`.
   */
  readonly customerById?: (customerId: string) => Stream.Stream<Mapped<Customer>, RunAborted>
  readonly vehiclesOf?: (customerId: string) => Stream.Stream<Mapped<Vehicle>, RunAborted>
  /** Make and model from a VIN (autoGMS only); null when the lookup gives nothing. */
  readonly vinLookup?: (vin: string) => Effect.Effect<VinLookup | null>
}

export interface Workload {
  readonly read: Readonly<Record<Entity, number>>
  readonly create: Readonly<Record<Entity, number>>
  readonly update: Readonly<Record<Entity, number>>
}

/** The workload in the shape both clients' `estimate` take. */
export const clientWorkload = (work: Workload) => ({
  readCustomers: work.read.customers,
  readVehicles: work.read.vehicles,
  createCustomers: work.create.customers,
  createVehicles: work.create.vehicles,
  updateCustomers: work.update.customers,
  updateVehicles: work.update.vehicles
})
