/**
 * autoGMS as the pipeline sees it: one request per record, sent concurrently inside the client's pacing. A create answers
 * with the record and its id; a 409 names the record that already holds the natural key. A write whose answer was lost
 * is looked up (search by email / phone / name, vehicles by VIN / plate / owner) before the loader may send it again.
 */
import { Effect, Either, Option, Stream } from "effect"
import type { Customer } from "../domain/customer.js"
import type { Vehicle } from "../domain/vehicle.js"
import {
  autogmsCustomerToModel,
  autogmsVehicleToModel,
  modelCustomerToAutogms,
  modelVehicleToAutogms,
  type Mapped,
  type MappingContext
} from "../mapping/index.js"
import type { AutogmsClientService, AutogmsListOptions } from "../sources/autogms/client.js"
import type { AutogmsError, AutogmsWriteError } from "../sources/autogms/errors.js"
import { abortFrom, type RunAborted } from "../pipeline/errors.js"
import { isProductOf, type ModelRecord } from "../pipeline/plan.js"
import {
  clientWorkload,
  type EntityGateway,
  type Gateway,
  type RetireOutcome,
  type RetireRequest,
  type WriteOutcome,
  type WriteRequest
} from "../pipeline/gateway.js"

/** Requests in flight at once; the client's pacer keeps them inside the rate limit. */
const CONCURRENCY = 8

const describeRefusal = (error: { readonly message: string; readonly details: ReadonlyArray<{ readonly field?: string | undefined; readonly message?: string | undefined }> }) =>
  [error.message, ...error.details.map((d) => [d.field, d.message].filter(Boolean).join(": "))].filter((s) => s !== "").join("; ")

/**
 * One write and what became of it. `lookup` finds the records a lost write may have produced (errors there leave the
 * outcome unknown: the loader tries again, or `resume` settles it).
 */
const writeOne = <R extends ModelRecord, W>(
  request: WriteRequest<R>,
  send: Effect.Effect<W, AutogmsWriteError>,
  toMapped: (written: W) => Mapped<R>,
  lookup: Effect.Effect<ReadonlyArray<Mapped<R>>, RunAborted>
): Effect.Effect<WriteOutcome<R>, RunAborted> =>
  Effect.either(send).pipe(
    Effect.flatMap((result): Effect.Effect<WriteOutcome<R>, RunAborted> => {
      if (Either.isRight(result)) {
        const stored = toMapped(result.right)
        return Effect.succeed({ _tag: "Written", targetId: stored.record.source.id, stored })
      }
      const error = result.left
      switch (error._tag) {
        case "AutogmsAccessDenied":
          return Effect.fail(abortFrom("autogms")(error))
        case "AutogmsConflict":
          return Effect.succeed(
            error.existingId !== undefined && request.action === "create"
              ? { _tag: "Exists", existingId: error.existingId }
              : { _tag: "Rejected", reason: { code: "REJECTED_BY_TARGET", message: `autoGMS refused this record: ${error.message}` } }
          )
        case "AutogmsWriteNotApplied":
          return Effect.succeed({ _tag: "Rejected", reason: { code: "REJECTED_BY_TARGET", message: `autoGMS refused this record: ${describeRefusal(error)}` } })
        case "AutogmsWriteOutcomeUnknown":
          return lookup.pipe(
            Effect.map((candidates): WriteOutcome<R> => {
              const hit = candidates.find((c) => isProductOf(c.record, request))
              return hit === undefined
                ? { _tag: "Unknown", message: error.message }
                : { _tag: "Written", targetId: hit.record.source.id, stored: hit }
            })
          )
      }
    })
  )

export const autogmsGateway = (client: AutogmsClientService, ctx: MappingContext): Gateway => {
  const abort = abortFrom("autogms")
  const toCustomer = (c: Parameters<typeof autogmsCustomerToModel>[0]) => autogmsCustomerToModel(c, ctx)
  const toVehicle = (v: Parameters<typeof autogmsVehicleToModel>[0]) => autogmsVehicleToModel(v, ctx)
  /** A whole read and a windowed one of the same list, mapped to the model. */
  const reads = <W, R extends ModelRecord>(
    list: (query?: AutogmsListOptions) => Stream.Stream<W, AutogmsError>,
    toModel: (wire: W) => Mapped<R>
  ): Pick<EntityGateway<R>, "read" | "readChanged"> => ({
    read: list().pipe(Stream.mapError(abort), Stream.map(toModel)),
    readChanged: (since, overlapMs) =>
      list({ updatedSince: since, ...(overlapMs === undefined ? {} : { overlapMs }) }).pipe(Stream.mapError(abort), Stream.map(toModel))
  })

  /** Candidates for a customer write whose answer was lost: by email or phone, else by name. */
  const customerCandidates = (request: WriteRequest<Customer>): Effect.Effect<ReadonlyArray<Mapped<Customer>>, RunAborted> => {
    if (request.action === "update") {
      return client.getCustomer(request.targetId!).pipe(Effect.map((c) => Option.toArray(Option.map(c, toCustomer))), Effect.mapError(abort))
    }
    const r = request.record
    const [kind, value] = request.lookupKey.split(/:(.*)/s) as [string, string | undefined]
    const q = (kind === "email" || kind === "phone") && value !== undefined ? value : [r.firstName, r.lastName].filter(Boolean).join(" ") || r.businessName || ""
    return client.searchCustomers(q).pipe(Effect.map((list) => list.map(toCustomer)), Effect.mapError(abort))
  }

  /** Candidates for a vehicle write whose answer was lost: by VIN, else plate, else the owner's vehicles. */
  const vehicleCandidates = (request: WriteRequest<Vehicle>): Effect.Effect<ReadonlyArray<Mapped<Vehicle>>, RunAborted> => {
    if (request.action === "update") {
      return client.getVehicle(request.targetId!).pipe(Effect.map((v) => Option.toArray(Option.map(v, toVehicle))), Effect.mapError(abort))
    }
    const r = request.record
    const filter =
      r.vin !== null ? { vin: r.vin } : r.licensePlate !== null ? { licensePlate: r.licensePlate } : { customerId: request.ownerId ?? "" }
    return client.findVehicles(filter).pipe(Effect.map((list) => list.map(toVehicle)), Effect.mapError(abort))
  }

  const customers: EntityGateway<Customer> = {
    ...reads(client.customers, toCustomer),
    write: (requests) =>
      Effect.forEach(
        requests,
        (request) => {
          const body = modelCustomerToAutogms(request.record, request.sidecar, ctx)
          const send = request.action === "create" ? client.createCustomer(body) : client.updateCustomer(request.targetId!, body)
          return writeOne(request, send, toCustomer, customerCandidates(request))
        },
        { concurrency: CONCURRENCY }
      )
  }

  /**
   * A delete whose record is already gone (404) is done. One whose answer was lost is looked up: gone means done;
   * still there leaves it unknown (the loader tries again, or `resume`).
   */
  const deleteVehicle = (request: RetireRequest): Effect.Effect<RetireOutcome, RunAborted> =>
    Effect.either(client.deleteVehicle(request.targetId)).pipe(
      Effect.flatMap((result): Effect.Effect<RetireOutcome, RunAborted> => {
        const done: RetireOutcome = { _tag: "Written", targetId: request.targetId }
        if (Either.isRight(result)) return Effect.succeed(done)
        const error = result.left
        switch (error._tag) {
          case "AutogmsAccessDenied":
            return Effect.fail(abort(error))
          case "AutogmsWriteNotApplied":
            return Effect.succeed(error.status === 404 ? done : { _tag: "Rejected", reason: { code: "REJECTED_BY_TARGET", message: `autoGMS refused the delete: ${describeRefusal(error)}` } })
          case "AutogmsConflict":
            return Effect.succeed({ _tag: "Rejected", reason: { code: "REJECTED_BY_TARGET", message: `autoGMS refused the delete: ${error.message}` } })
          case "AutogmsWriteOutcomeUnknown":
            return client.getVehicle(request.targetId).pipe(
              Effect.mapError(abort),
              Effect.map((found): RetireOutcome => (Option.isNone(found) ? done : { _tag: "Unknown", message: error.message }))
            )
        }
      })
    )

  const vehicles: EntityGateway<Vehicle> = {
    ...reads(client.vehicles, toVehicle),
    write: (requests) =>
      Effect.forEach(
        requests,
        (request): Effect.Effect<WriteOutcome<Vehicle>, RunAborted> => {
          const body = modelVehicleToAutogms(request.record, request.sidecar, ctx, () => request.ownerId ?? null)
          if (Either.isLeft(body)) return Effect.succeed({ _tag: "Rejected", reason: { code: body.left.code, message: body.left.message } })
          const send = request.action === "create" ? client.createVehicle(body.right) : client.updateVehicle(request.targetId!, body.right)
          return writeOne(request, send, toVehicle, vehicleCandidates(request))
        },
        { concurrency: CONCURRENCY }
      ),
    retire: { verb: "delete", retire: (requests) => Effect.forEach(requests, deleteVehicle, { concurrency: CONCURRENCY }) }
  }
  // autoGMS's API cannot delete a customer: `customers` has no `retire`.

  return {
    system: "autogms",
    groupSize: 24,
    capabilities: { clearsFields: true, secondaryPhoneAlone: true },
    check: client.garage.pipe(
      Effect.map(({ garage, distanceUnit }) =>
        `autoGMS garage ${garage.id} (${garage.name}) is reachable; distances in ${distanceUnit ?? "an unknown unit"}`
      ),
      Effect.mapError(abort)
    ),
    count: (entity) => Effect.mapError(client.count(entity), abort),
    customers,
    vehicles,
    customerById: (customerId) =>
      Stream.fromEffect(client.getCustomer(customerId)).pipe(Stream.mapError(abort), Stream.flatMap((found) => Stream.fromIterable(Option.toArray(found))), Stream.map(toCustomer)),
    vehiclesOf: (customerId) =>
      client.customerVehicles(customerId).pipe(
        // The customer is gone (deleted since its webhook): it has no vehicles to copy.
        Stream.catchAll((e) => (e._tag === "AutogmsApiError" && e.status === 404 ? Stream.empty : Stream.fail(abort(e)))),
        Stream.map(toVehicle)
      ),
    requestCounts: client.requestCounts,
    serverTime: client.serverTime,
    estimate: (work) => {
      const e = client.estimate(clientWorkload(work))
      return Object.entries(e.requests).map(([method, requests]) => ({ method, requests, perMinute: client.rateLimit }))
    },
    vinLookup: (vin) =>
      client.vinLookup(vin).pipe(
        Effect.map((lookup) => (lookup.valid ? lookup : null)),
        // A failed lookup only means the vehicle keeps its missing make/model (and is quarantined for it).
        Effect.orElseSucceed(() => null)
      )
  }
}
