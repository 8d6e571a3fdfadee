/**
 * AutoLeap as the pipeline sees it. Writes go in bulk (`companyId` plus up to 100 items), all-or-nothing: a 400 that
 * names an item quarantines that item and resends the rest; a 400 that names none is split in halves until the bad
 * records stand alone. Create responses carry no ids, so every batch is read back (records updated since just before
 * the batch, matched on natural keys or content) — one list call, a second with a wider window only when the first
 * missed something (a server clock behind ours).
 */
import { Chunk, Clock, Effect, Either, Stream } from "effect"
import type { Customer } from "../domain/customer.js"
import type { Vehicle } from "../domain/vehicle.js"
import {
  autoleapCustomerToModel,
  autoleapVehicleToModel,
  learnTagColors,
  modelCustomerToAutoleap,
  modelVehicleToAutoleap,
  withPalette,
  type Mapped,
  type MappingContext,
  type TagPalette
} from "../mapping/index.js"
import type { AutoleapClientService, AutoleapWriteResult } from "../sources/autoleap/client.js"
import type { AutoleapError, AutoleapWriteError } from "../sources/autoleap/errors.js"
import { abortFrom, RunAborted } from "../pipeline/errors.js"
import { isProductOf, type IntendedWrite, type ModelRecord } from "../pipeline/plan.js"
import {
  clientWorkload,
  type EntityGateway,
  type Gateway,
  type RetireOutcome,
  type RetireRequest,
  type Retirer,
  type WriteOutcome,
  type WriteRequest
} from "../pipeline/gateway.js"

/**
 * Read-back windows. The first starts just after the newest record the server showed us before the batch (by its own
 * clock; ours before the first), so it holds this batch and nothing older: one list call. When it misses a record, the
 * second, wider one finds it.
 */
const READ_BACK_OVERLAP_MS = 0
const READ_BACK_WIDE_OVERLAP_MS = 10 * 60_000

/** Tag colours seen on AutoLeap records, kept across the run (the pipeline stores them in the state). */
export interface PaletteHolder {
  get: () => TagPalette
  set: (palette: TagPalette) => void
}

interface BulkOps<R extends ModelRecord, Q extends IntendedWrite> {
  readonly send: (requests: ReadonlyArray<Q>) => Effect.Effect<AutoleapWriteResult, AutoleapWriteError>
  readonly readBack: (since: Date, overlapMs: number) => Effect.Effect<ReadonlyArray<Mapped<R>>, RunAborted>
  /** Just after the newest `updatedDate` read so far, if any. */
  readonly seenUpTo: () => Date | undefined
  /**
   * A 2xx proves the batch (archives: the ids are known, and archiving an archived record changes nothing, so a
   * read-back could not find it); the read-back is then only for an unknown outcome.
   */
  readonly successIsProof?: boolean
}

/** What a bulk write can come to: AutoLeap has no 409, so never `Exists`. */
type BulkOutcome<R extends ModelRecord> = Exclude<WriteOutcome<R>, { readonly _tag: "Exists" }>

const rejected = <R extends ModelRecord>(message: string): BulkOutcome<R> => ({
  _tag: "Rejected",
  reason: { code: "REJECTED_BY_TARGET", message: `AutoLeap refused this record: ${message}` }
})

/** Which read-back record each request produced: updates by id, creates by natural key, else by content. */
const matchReadBack = <R extends ModelRecord>(
  requests: ReadonlyArray<IntendedWrite>,
  candidates: ReadonlyArray<Mapped<R>>,
  known: ReadonlyArray<BulkOutcome<R> | undefined>
): Array<BulkOutcome<R> | undefined> => {
  const claimed = new Set<string>()
  for (const o of known) if (o?._tag === "Written") claimed.add(o.targetId)
  return requests.map((request, i) => {
    if (known[i] !== undefined) return known[i]
    const found = candidates.find((c) => !claimed.has(c.record.source.id) && isProductOf(c.record, request, "id"))
    if (found === undefined) return undefined
    claimed.add(found.record.source.id)
    return { _tag: "Written", targetId: found.record.source.id, stored: found }
  })
}

const bulkWrite = <R extends ModelRecord, Q extends IntendedWrite>(
  ops: BulkOps<R, Q>,
  requests: ReadonlyArray<Q>
): Effect.Effect<ReadonlyArray<BulkOutcome<R>>, RunAborted> =>
  Effect.gen(function* () {
    if (requests.length === 0) return []
    const startedAt = new Date(yield* Clock.currentTimeMillis)
    const sent = yield* Effect.either(ops.send(requests))
    if (Either.isLeft(sent)) {
      const error = sent.left
      if (error._tag === "AutoleapAuthError") return yield* Effect.fail(abortFrom("autoleap")(error))
      if (error._tag === "AutoleapWriteNotApplied") {
        const index = error.itemIndex
        if (index !== undefined && index >= 0 && index < requests.length) {
          const rest: ReadonlyArray<BulkOutcome<R>> = yield* bulkWrite(ops, requests.filter((_, i) => i !== index))
          return [...rest.slice(0, index), rejected<R>(error.message), ...rest.slice(index)]
        }
        if (requests.length === 1) return [rejected<R>(error.message)]
        const half = Math.ceil(requests.length / 2)
        const left = yield* bulkWrite(ops, requests.slice(0, half))
        const right = yield* bulkWrite(ops, requests.slice(half))
        return [...left, ...right]
      }
      // Outcome unknown: the batch is all-or-nothing, so the read-back tells whether it landed.
    } else if (ops.successIsProof === true) {
      return requests.map((r): BulkOutcome<R> => ({ _tag: "Written", targetId: r.targetId ?? "", stored: undefined }))
    }
    const none: Array<BulkOutcome<R> | undefined> = requests.map(() => undefined)
    // The server's own clock is the better start: just after the newest record it showed us before this batch.
    const since = ops.seenUpTo() ?? startedAt
    let outcomes = matchReadBack(requests, yield* ops.readBack(since, READ_BACK_OVERLAP_MS), none)
    if (outcomes.some((o) => o === undefined) && Either.isRight(sent)) {
      outcomes = matchReadBack(requests, yield* ops.readBack(startedAt, READ_BACK_WIDE_OVERLAP_MS), outcomes)
    }
    const why = Either.isLeft(sent) ? sent.left.message : "accepted, but not found when read back"
    return outcomes.map((o): BulkOutcome<R> => o ?? { _tag: "Unknown", message: why })
  })

export const autoleapGateway = (client: AutoleapClientService, baseCtx: MappingContext, palette: PaletteHolder): Gateway => {
  const abort = abortFrom("autoleap")
  const ctx = () => withPalette(baseCtx, palette.get())
  const learn = (tags: ReadonlyArray<{ readonly name?: string | null; readonly color?: string | null }> | null | undefined) => {
    if (tags === null || tags === undefined || tags.length === 0) return
    palette.set(learnTagColors(palette.get(), tags.filter((t): t is { name: string; color?: string | null } => typeof t.name === "string")))
  }

  /** A read mapped to the model, learning tag colours and the newest updatedDate on the way. */
  const mapRead = <W extends { readonly tags?: Parameters<typeof learn>[0] }, R extends ModelRecord>(
    entity: keyof typeof newest,
    wire: Stream.Stream<W, AutoleapError>,
    toModel: (w: W, context: ReturnType<typeof ctx>) => Mapped<R>
  ): Stream.Stream<Mapped<R>, RunAborted> =>
    wire.pipe(
      Stream.mapError(abort),
      Stream.map((w) => {
        learn(w.tags)
        const mapped = toModel(w, ctx())
        noteNewest(entity)(mapped.record)
        return mapped
      })
    )
  const changedSince = (since?: Date, overlapMs?: number) => (since === undefined ? {} : { updatedSince: since, overlapMs })
  const readCustomers = (since?: Date, overlapMs?: number) => mapRead("customers", client.customers(changedSince(since, overlapMs)), autoleapCustomerToModel)
  const readVehicles = (since?: Date, overlapMs?: number) => mapRead("vehicles", client.vehicles(changedSince(since, overlapMs)), autoleapVehicleToModel)
  /** Newest updatedDate seen per entity, in ms: records written after it are newer (the server's clock only moves on). */
  const newest = { customers: Number.NEGATIVE_INFINITY, vehicles: Number.NEGATIVE_INFINITY }
  const noteNewest = (entity: keyof typeof newest) => (record: ModelRecord) => {
    const t = Date.parse(record.updatedAt)
    if (!Number.isNaN(t) && t > newest[entity]) newest[entity] = t
  }
  const seenUpTo = (entity: keyof typeof newest) => () =>
    Number.isFinite(newest[entity]) ? new Date(newest[entity] + 1) : undefined
  const collect = <R extends ModelRecord>(stream: Stream.Stream<Mapped<R>, RunAborted>) =>
    Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

  /** Archives in bulk: a 2xx is proof; an unknown outcome is read back (the record archived proves it). */
  const archiver = <R extends ModelRecord>(
    send: (batch: ReadonlyArray<RetireRequest>) => Effect.Effect<AutoleapWriteResult, AutoleapWriteError>,
    readBack: (since: Date, overlapMs: number) => Effect.Effect<ReadonlyArray<Mapped<R>>, RunAborted>,
    seen: () => Date | undefined
  ): Retirer => ({
    verb: "archive",
    retire: (requests) =>
      Effect.map(bulkWrite<R, RetireRequest>({ send, readBack, seenUpTo: seen, successIsProof: true }, requests), (outcomes) =>
        outcomes.map((o): RetireOutcome => (o._tag === "Written" ? { _tag: "Written", targetId: o.targetId } : o))
      )
  })

  const customers: EntityGateway<Customer> = {
    read: readCustomers(),
    readChanged: (since, overlapMs) => readCustomers(since, overlapMs),
    write: (requests) =>
      bulkWrite<Customer, WriteRequest<Customer>>(
        {
          send: (batch) => {
            const items = batch.map((r) => modelCustomerToAutoleap(r.record, r.sidecar, ctx()))
            return batch[0]!.action === "create"
              ? client.createCustomers(items)
              : client.updateCustomers(items.map((item, i) => ({ ...item, customerId: batch[i]!.targetId! })))
          },
          readBack: (since, overlapMs) => collect(readCustomers(since, overlapMs)),
          seenUpTo: seenUpTo("customers")
        },
        requests
      ),
    retire: archiver(
      (batch) => client.archiveCustomers(batch.map((r) => ({ customerId: r.targetId }))),
      (since, overlapMs) => collect(readCustomers(since, overlapMs)),
      seenUpTo("customers")
    )
  }

  // AutoLeap's archive names the vehicle's customer: one whose owner is not known is refused here, before the batch.
  const vehicleArchiver = archiver<Vehicle>(
    // Only requests with an owner get here (see archiveVehicles).
    (batch) => client.archiveVehicles(batch.map((r) => ({ vehicleId: r.targetId, customerId: r.ownerId ?? "" }))),
    (since, overlapMs) => collect(readVehicles(since, overlapMs)),
    seenUpTo("vehicles")
  )
  const archiveVehicles: Retirer = {
    verb: "archive",
    retire: (requests) => {
      const known = requests.filter((r) => r.ownerId !== null)
      return Effect.map(vehicleArchiver.retire(known), (archived) => {
        let next = 0
        return requests.map((r): RetireOutcome =>
          r.ownerId === null
            ? { _tag: "Rejected", reason: { code: "REJECTED_BY_TARGET", message: "AutoLeap's archive names the vehicle's customer, and it is not known: archive it by hand" } }
            : archived[next++] ?? { _tag: "Unknown", message: "no outcome" }
        )
      })
    }
  }

  const vehicles: EntityGateway<Vehicle> = {
    read: readVehicles(),
    readChanged: (since, overlapMs) => readVehicles(since, overlapMs),
    write: (requests) => {
      // A vehicle whose owner cannot be named is refused here, before the batch, so it cannot sink the others.
      const items = requests.map((r) => modelVehicleToAutoleap(r.record, r.sidecar, ctx(), () => r.ownerId ?? null))
      const valid = requests.filter((_, i) => Either.isRight(items[i]!))
      const itemOf = new Map(requests.map((r, i) => [r, items[i]!]))
      return bulkWrite<Vehicle, WriteRequest<Vehicle>>(
        {
          send: (batch) => {
            const body = batch.map((r) => Either.getOrThrow(itemOf.get(r)!))
            return batch[0]!.action === "create"
              ? client.createVehicles(body)
              : client.updateVehicles(body.map((item, i) => ({ ...item, vehicleId: batch[i]!.targetId! })))
          },
          readBack: (since, overlapMs) => collect(readVehicles(since, overlapMs)),
          seenUpTo: seenUpTo("vehicles")
        },
        valid
      ).pipe(
        Effect.map((written) => {
          let next = 0
          return items.map((item): WriteOutcome<Vehicle> =>
            Either.isLeft(item) ? { _tag: "Rejected", reason: { code: item.left.code, message: item.left.message } } : written[next++]!
          )
        })
      )
    },
    retire: archiveVehicles
  }

  return {
    system: "autoleap",
    groupSize: 100,
    // Its updates merge (a field left out keeps its value; null is refused), and it has no second phone without a first.
    capabilities: { clearsFields: false, secondaryPhoneAlone: false },
    check: client.checkCompany.pipe(
      Effect.map((company) => `AutoLeap company ${company.companyId} (${company.name}) is reachable`),
      Effect.mapError((e) => (e._tag === "AutoleapCompanyUnavailable" ? new RunAborted({ message: e.message }) : abort(e)))
    ),
    count: (entity) => Effect.mapError(client.count(entity), abort),
    customers,
    vehicles,
    requestCounts: client.requestCounts,
    serverTime: client.serverTime,
    estimate: (work) => {
      const e = client.estimate(clientWorkload(work))
      return Object.entries(e.requests).map(([method, requests]) => ({
        method,
        requests,
        perMinute: client.rateLimits[method as keyof typeof client.rateLimits]
      }))
    }
  }
}
