import { Chunk, Context, Effect, Layer, Option, ParseResult, Redacted, Schema, Stream, type ConfigError } from "effect"
import { autogmsConfig, type AutogmsConfig } from "../../config/autogms.js"
import { RATE_WINDOW_MS } from "../../config/rateLimits.js"
import { makeRequestCounter, type RequestCounts } from "../../http/counters.js"
import { makeServerClock } from "../../http/serverClock.js"
import { decodeResponse, formatIssuePath } from "../../http/decode.js"
import { currentHttpLog } from "../../http/log.js"
import { makePacer, paceWindowMs, ServerWindowGate, SlidingWindowGate } from "../../http/pacer.js"
import { dedupByIdAndUpdated, DEFAULT_OVERLAP_MS, pagedStream, updatedAtMost, windowStart } from "../../http/paging.js"
import { makeRequester } from "../../http/requester.js"
import { defaultRetryPolicy, preflightRetryPolicy, type RetryPolicy } from "../../http/retry.js"
import { failureReason } from "../../http/retryNotices.js"
import { SettingRejected, unreachable } from "../../config/settingRejected.js"
import { HttpTransport, type HttpMethod, type HttpRequest } from "../../http/transport.js"
import {
  AutogmsWriteNotApplied,
  AutogmsWriteOutcomeUnknown,
  toAutogmsError,
  toAutogmsWriteError,
  type AutogmsError,
  type AutogmsWriteError
} from "./errors.js"
import { estimateAutogms, type AutogmsRunEstimate, type AutogmsWorkload } from "./estimate.js"
import {
  AUTOGMS_MAX_LIMIT,
  AutogmsCustomerCreate,
  AutogmsCustomerListResponse,
  AutogmsCustomerPatch,
  AutogmsCustomerResponse,
  AutogmsDeleteResponse,
  AutogmsGarageResponse,
  AutogmsVehicleCreate,
  AutogmsVehicleListResponse,
  AutogmsVehiclePatch,
  AutogmsVehicleResponse,
  AutogmsVinLookupResponse,
  isKnownAutogmsDistanceUnit,
  type AutogmsCustomer,
  type AutogmsDeleted,
  type AutogmsDistanceUnit,
  type AutogmsGarage,
  type AutogmsPagination,
  type AutogmsVehicle,
  type AutogmsVinLookup
} from "./schema.js"

export interface AutogmsListOptions {
  /** Records updated at or after this instant (minus the overlap) are read (`dateFrom` on updatedAt). */
  readonly updatedSince?: Date
  /** Applied on our side (see `updatedAtMost`), not sent as `dateTo`. */
  readonly updatedUntil?: Date
  /** 1..100; default 100. */
  readonly pageSize?: number
  readonly overlapMs?: number
}

export interface AutogmsVehicleFilter {
  readonly vin?: string
  readonly licensePlate?: string
  readonly customerId?: string
}

export interface AutogmsGarageCheck {
  readonly garage: AutogmsGarage
  /** The garage's distance unit when it is one we know ("km" | "mi"); undefined otherwise (report it). */
  readonly distanceUnit: AutogmsDistanceUnit | undefined
}

export interface AutogmsClientOptions {
  /** Per request; default 30 s. */
  readonly requestTimeoutMs?: number
  readonly retry?: Partial<RetryPolicy>
  /** The retry policy of the preflight check (garage); default `preflightRetryPolicy`. */
  readonly preflightRetry?: Partial<RetryPolicy>
  readonly pageSize?: number
  /** Overlap of incremental windows; default 2 min. */
  readonly overlapMs?: number
  /** Added to the limit's window (60 s, or SHOPBRIDGE_RATE_WINDOW_MS); default 250 ms a minute (see paceWindowMs). */
  readonly windowMarginMs?: number
  /** Waited past `RateLimit-Reset` (whole seconds) before the next window's first send; default 500 ms. */
  readonly resetMarginMs?: number
}

export interface AutogmsClientService {
  readonly garageId: string
  /** The configured per-minute ceiling (AUTOGMS_RATE_LIMIT). */
  readonly rateLimit: number
  /**
   * The preflight check, GET /garages/{id}: reachable with this key, and its distance unit; SettingRejected when nothing
   * answers at the base URL, the key is refused or the garage is not open to it (retried within ~15 s).
   */
  readonly garage: Effect.Effect<AutogmsGarageCheck, AutogmsError | SettingRejected>
  /** Every customer (or those in the window), each id once, oldest created first. */
  readonly customers: (query?: AutogmsListOptions) => Stream.Stream<AutogmsCustomer, AutogmsError>
  readonly vehicles: (query?: AutogmsListOptions) => Stream.Stream<AutogmsVehicle, AutogmsError>
  /** How many records the garage holds: one list call with limit 1 (for estimates before a full read). */
  readonly count: (entity: "customers" | "vehicles") => Effect.Effect<number, AutogmsError>
  /** None on 404. */
  readonly getCustomer: (id: string) => Effect.Effect<Option.Option<AutogmsCustomer>, AutogmsError>
  readonly getVehicle: (id: string) => Effect.Effect<Option.Option<AutogmsVehicle>, AutogmsError>
  /** `GET /customers/search?q=` (name, email or phone), every page. */
  readonly searchCustomers: (q: string) => Effect.Effect<ReadonlyArray<AutogmsCustomer>, AutogmsError>
  /** `GET /customers/{id}/vehicles`: the customer's vehicles, every page (an unknown customer fails with a 404). */
  readonly customerVehicles: (customerId: string) => Stream.Stream<AutogmsVehicle, AutogmsError>
  /** `GET /vehicles` filtered by VIN, plate and/or customer, every page. */
  readonly findVehicles: (filter: AutogmsVehicleFilter) => Effect.Effect<ReadonlyArray<AutogmsVehicle>, AutogmsError>
  readonly vinLookup: (vin: string) => Effect.Effect<AutogmsVinLookup, AutogmsError>
  /** Writes: one attempt (retried only on 429 or a connection that never reached the server). */
  readonly createCustomer: (body: AutogmsCustomerCreate) => Effect.Effect<AutogmsCustomer, AutogmsWriteError>
  readonly updateCustomer: (id: string, patch: AutogmsCustomerPatch) => Effect.Effect<AutogmsCustomer, AutogmsWriteError>
  readonly createVehicle: (body: AutogmsVehicleCreate) => Effect.Effect<AutogmsVehicle, AutogmsWriteError>
  readonly updateVehicle: (id: string, patch: AutogmsVehiclePatch) => Effect.Effect<AutogmsVehicle, AutogmsWriteError>
  readonly deleteVehicle: (id: string) => Effect.Effect<AutogmsDeleted, AutogmsWriteError>
  /** Requests so far, for report.json `requests.autogms`. */
  readonly requestCounts: Effect.Effect<RequestCounts>
  /** The newest time its answers carried (their `Date` header); none before the first answer. */
  readonly serverTime: Effect.Effect<Option.Option<Date>>
  readonly estimate: (work: AutogmsWorkload) => AutogmsRunEstimate
}

export class AutogmsClient extends Context.Tag("shopbridge/AutogmsClient")<AutogmsClient, AutogmsClientService>() {}

interface ListEnvelope {
  readonly data: ReadonlyArray<unknown>
  readonly pagination: AutogmsPagination
}
interface RecordListEnvelope extends ListEnvelope {
  readonly data: ReadonlyArray<{ readonly id: string; readonly updatedAt: string }>
}
type ItemOf<L extends ListEnvelope> = L["data"][number]

export const make = (config: AutogmsConfig, options: AutogmsClientOptions = {}): Effect.Effect<AutogmsClientService, never, HttpTransport> =>
  Effect.gen(function* () {
    const transport = yield* HttpTransport
    const counter = makeRequestCounter()
    const serverClock = makeServerClock()
    const windowMs = paceWindowMs(config.rateWindowMs ?? RATE_WINDOW_MS, options.windowMarginMs)
    // One budget per key for every method: the server's window from its headers, and never above the configured limit.
    const pacer = yield* makePacer({
      gates: [new ServerWindowGate(options.resetMarginMs ?? 500, windowMs), new SlidingWindowGate(config.rateLimit, windowMs)],
      onWait: counter.paced
    })
    const requester = makeRequester({
      api: "autogms",
      transport,
      counter,
      serverClock,
      pacerFor: () => pacer,
      retryPolicy: { ...defaultRetryPolicy, ...options.retry }
    })
    const preflightPolicy: RetryPolicy = { ...preflightRetryPolicy, ...options.preflightRetry }
    const timeoutMs = options.requestTimeoutMs ?? 30_000
    const pageSize = Math.min(AUTOGMS_MAX_LIMIT, Math.max(1, options.pageSize ?? AUTOGMS_MAX_LIMIT))
    const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS
    const baseUrl = config.baseUrl.replace(/\/+$/, "")
    const base = `${baseUrl}/garages/${encodeURIComponent(config.garageId)}`

    const urlOf = (path: string, query: Record<string, string | undefined> = {}): URL => {
      const url = new URL(`${base}${path}`)
      for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v)
      return url
    }
    const request = (method: HttpMethod, url: URL, json?: unknown): HttpRequest => ({
      method,
      url,
      headers: { "x-api-key": Redacted.value(config.apiKey) },
      timeoutMs,
      ...(json === undefined ? {} : { json })
    })

    const read = <A, I>(
      schema: Schema.Schema<A, I, never>,
      path: string,
      query?: Record<string, string | undefined>,
      policy?: RetryPolicy
    ): Effect.Effect<A, AutogmsError> => {
      const req = request("GET", urlOf(path, query))
      return requester.retryRead(requester.attempt(req), `GET ${path || "/garages/{id}"}`, policy).pipe(
        Effect.flatMap((response) => decodeResponse(schema, { api: "autogms", method: "GET", path: req.url.pathname }, response)),
        Effect.mapError(toAutogmsError)
      )
    }

    const readOne = <D extends { readonly data: unknown }, I>(schema: Schema.Schema<D, I, never>, path: string): Effect.Effect<Option.Option<D["data"]>, AutogmsError> =>
      read(schema, path).pipe(
        Effect.map((r) => Option.some(r.data)),
        Effect.catchIf(
          (e) => e._tag === "AutogmsApiError" && e.status === 404,
          () => Effect.succeed(Option.none<D["data"]>())
        )
      )

    const pages = <L extends ListEnvelope, I>(
      schema: Schema.Schema<L, I, never>,
      path: string,
      params: Record<string, string | undefined>,
      size: number
    ): Stream.Stream<ItemOf<L>, AutogmsError> =>
      pagedStream(size, (page) =>
        Effect.map(read(schema, path, { ...params, page: String(page), limit: String(size) }), (r) => ({
          items: r.data as ReadonlyArray<ItemOf<L>>,
          hasMore: r.pagination.hasMore
        }))
      )

    const list = <L extends RecordListEnvelope, I>(
      schema: Schema.Schema<L, I, never>,
      path: string,
      query: AutogmsListOptions
    ): Stream.Stream<ItemOf<L>, AutogmsError> => {
      type A = ItemOf<L>
      const size = Math.min(AUTOGMS_MAX_LIMIT, Math.max(1, query.pageSize ?? pageSize))
      const since = query.updatedSince === undefined ? undefined : windowStart(query.updatedSince, query.overlapMs ?? overlapMs)
      // createdAt ascending keeps every record's position while others are updated; new records append at the end.
      return pages(schema, path, { sort: "createdAt", dateFrom: since?.toISOString() }, size).pipe(
        updatedAtMost((a: A) => a.updatedAt, query.updatedUntil),
        dedupByIdAndUpdated(
          (a: A) => a.id,
          (a: A) => a.updatedAt
        )
      )
    }

    const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

    /** What a failed preflight read says about the settings; undefined when it is not about them. */
    const settingProblem = (e: AutogmsError): SettingRejected | undefined => {
      if (e._tag === "TransportError" || e._tag === "TimeoutError") return unreachable("autogms", "AUTOGMS_BASE_URL", baseUrl, failureReason(e))
      if (e._tag === "AutogmsAccessDenied" && e.status === 401) {
        return new SettingRejected({
          system: "autogms",
          variables: ["AUTOGMS_API_KEY"],
          message: `AUTOGMS_API_KEY was refused by autoGMS (401: ${e.message}); check the key (a Public API key of this garage, agms_pk_…)`
        })
      }
      if (e._tag === "AutogmsAccessDenied") {
        return new SettingRejected({
          system: "autogms",
          variables: ["AUTOGMS_GARAGE_ID", "AUTOGMS_API_KEY"],
          message: `AUTOGMS_GARAGE_ID ${config.garageId} is not open to this AUTOGMS_API_KEY (${e.status}: ${e.message}); check the garage id, or use a key issued for that garage`
        })
      }
      if (e._tag === "AutogmsApiError" && e.status === 404) {
        // autoGMS's own envelope means the API answered and the garage is unknown; anything else is not autoGMS at all.
        return e.type === "Unknown"
          ? new SettingRejected({
              system: "autogms",
              variables: ["AUTOGMS_BASE_URL"],
              message: `AUTOGMS_BASE_URL: ${baseUrl} answers, but not as the autoGMS Public API v1 (HTTP 404 for ${e.method} ${e.path}); check the URL (it ends in /api/v1)`
            })
          : new SettingRejected({
              system: "autogms",
              variables: ["AUTOGMS_GARAGE_ID"],
              message: `AUTOGMS_GARAGE_ID ${config.garageId}: autoGMS has no such garage (404: ${e.message}); check the garage id`
            })
      }
      return undefined
    }

    // The first call of a run, with the preflight policy: a wrong URL or a refused key is told within seconds, naming
    // the variables to fix.
    const garage = read(AutogmsGarageResponse, "", undefined, preflightPolicy).pipe(
      Effect.mapError((e) => settingProblem(e) ?? e),
      Effect.map((r) => ({ garage: r.data, distanceUnit: isKnownAutogmsDistanceUnit(r.data.distanceUnit) ? r.data.distanceUnit : undefined }))
    )

    /** Validates the body with its schema (nothing is sent if it fails), sends once, decodes the answer. */
    const write = <D extends { readonly data: unknown }, I, B, J>(
      method: "POST" | "PATCH" | "DELETE",
      path: string,
      bodySchema: Schema.Schema<B, J, never> | undefined,
      body: unknown,
      responseSchema: Schema.Schema<D, I, never>
    ): Effect.Effect<D["data"], AutogmsWriteError> =>
      Effect.gen(function* () {
        const url = urlOf(path)
        const encoded =
          bodySchema === undefined
            ? undefined
            : yield* Schema.encodeUnknown(bodySchema, { errors: "all" })(body).pipe(
                Effect.mapError((error: ParseResult.ParseError) => {
                  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
                  return new AutogmsWriteNotApplied({
                    method,
                    path: url.pathname,
                    status: undefined,
                    code: "VALIDATION_ERROR",
                    message: issues.map((i) => `${formatIssuePath(i.path) || "body"}: ${i.message}`).join("; "),
                    details: issues.map((i) => ({ field: formatIssuePath(i.path), message: i.message }))
                  })
                })
              )
        const req = request(method, url, encoded)
        const response = yield* requester.retryWrite(requester.attempt(req), `${method} ${path}`).pipe(Effect.mapError(toAutogmsWriteError))
        // A 2xx means applied, but an unreadable answer gives us no record (and no new id): that is "outcome unknown"
        // for the loader, which settles it by lookup like a lost answer.
        return yield* decodeResponse(responseSchema, { api: "autogms", method, path: url.pathname }, response).pipe(
          Effect.map((r) => r.data),
          Effect.mapError(
            (e) =>
              new AutogmsWriteOutcomeUnknown({
                method,
                path: url.pathname,
                status: response.status,
                message: `applied (HTTP ${response.status}) but the answer did not decode at ${e.failedPath}: ${e.message}`
              })
          )
        )
      })

    yield* Effect.flatMap(currentHttpLog, (log) => log.info("autogms_client_ready", { baseUrl: config.baseUrl, garageId: config.garageId, rateLimit: config.rateLimit }))

    return {
      garageId: config.garageId,
      rateLimit: config.rateLimit,
      garage,
      customers: (query = {}) => list(AutogmsCustomerListResponse, "/customers", query),
      vehicles: (query = {}) => list(AutogmsVehicleListResponse, "/vehicles", query),
      count: (entity) =>
        Effect.map(
          entity === "customers"
            ? read(AutogmsCustomerListResponse, "/customers", { page: "1", limit: "1" })
            : read(AutogmsVehicleListResponse, "/vehicles", { page: "1", limit: "1" }),
          (r) => r.pagination.total
        ),
      getCustomer: (id) => readOne(AutogmsCustomerResponse, `/customers/${encodeURIComponent(id)}`),
      getVehicle: (id) => readOne(AutogmsVehicleResponse, `/vehicles/${encodeURIComponent(id)}`),
      customerVehicles: (customerId) => pages(AutogmsVehicleListResponse, `/customers/${encodeURIComponent(customerId)}/vehicles`, {}, pageSize),
      searchCustomers: (q) => collect(pages(AutogmsCustomerListResponse, "/customers/search", { q }, pageSize)),
      findVehicles: (filter) =>
        collect(pages(AutogmsVehicleListResponse, "/vehicles", { vin: filter.vin, licensePlate: filter.licensePlate, customerId: filter.customerId }, pageSize)),
      vinLookup: (vin) => Effect.map(read(AutogmsVinLookupResponse, "/vehicles/vin-lookup", { vin }), (r) => r.data),
      createCustomer: (body) => write("POST", "/customers", AutogmsCustomerCreate, body, AutogmsCustomerResponse),
      updateCustomer: (id, patch) => write("PATCH", `/customers/${encodeURIComponent(id)}`, AutogmsCustomerPatch, patch, AutogmsCustomerResponse),
      createVehicle: (body) => write("POST", "/vehicles", AutogmsVehicleCreate, body, AutogmsVehicleResponse),
      updateVehicle: (id, patch) => write("PATCH", `/vehicles/${encodeURIComponent(id)}`, AutogmsVehiclePatch, patch, AutogmsVehicleResponse),
      deleteVehicle: (id) => write("DELETE", `/vehicles/${encodeURIComponent(id)}`, undefined, undefined, AutogmsDeleteResponse),
      requestCounts: counter.snapshot,
      serverTime: serverClock.latest,
      estimate: (work) => estimateAutogms(work, config.rateLimit)
    } satisfies AutogmsClientService
  })

export const layer = (config: AutogmsConfig, options: AutogmsClientOptions = {}): Layer.Layer<AutogmsClient, never, HttpTransport> =>
  Layer.effect(AutogmsClient, make(config, options))

/** From the environment (AUTOGMS_BASE_URL, _API_KEY, _GARAGE_ID, _RATE_LIMIT). */
export const layerConfig = (options: AutogmsClientOptions = {}): Layer.Layer<AutogmsClient, ConfigError.ConfigError, HttpTransport> =>
  Layer.effect(AutogmsClient, Effect.flatMap(autogmsConfig, (config) => make(config, options)))
