import { Chunk, Clock, Context, Effect, Layer, Option, ParseResult, Redacted, Schema, Stream, type ConfigError } from "effect"
import { autoleapConfig, type AutoleapConfig } from "../../config/autoleap.js"
import { RATE_WINDOW_MS, type AutoleapRateLimits } from "../../config/rateLimits.js"
import { makeRequestCounter, type RequestCounts } from "../../http/counters.js"
import { makeServerClock } from "../../http/serverClock.js"
import { decodeResponse, formatIssuePath } from "../../http/decode.js"
import { HttpStatusError, NotSent } from "../../http/errors.js"
import { currentHttpLog } from "../../http/log.js"
import { makePacer, paceWindowMs, SlidingWindowGate, type Pacer } from "../../http/pacer.js"
import { dedupByIdAndUpdated, DEFAULT_OVERLAP_MS, pagedStream, updatedAtMost, windowStart } from "../../http/paging.js"
import { makeRequester } from "../../http/requester.js"
import { defaultRetryPolicy, preflightRetryPolicy, type RetryPolicy } from "../../http/retry.js"
import { failureReason } from "../../http/retryNotices.js"
import { SettingRejected, unreachable } from "../../config/settingRejected.js"
import { HttpTransport, type HttpMethod, type HttpRequest, type HttpResponse } from "../../http/transport.js"
import { makeAutoleapAuth, type AuthFailure, type AutoleapTokens } from "./auth.js"
import {
  AutoleapAuthError,
  AutoleapCompanyUnavailable,
  AutoleapWriteNotApplied,
  toAutoleapError,
  toAutoleapWriteError,
  type AutoleapError,
  type AutoleapWriteError
} from "./errors.js"
import { estimateAutoleap, type AutoleapWorkload, type RunEstimate } from "./estimate.js"
import {
  AUTOLEAP_MAX_PAGE_SIZE,
  AutoleapBulkSuccess,
  AutoleapCustomer,
  AutoleapCustomerArchiveBody,
  AutoleapCustomerCreateBody,
  AutoleapCustomerList,
  AutoleapCustomerUpdateBody,
  AutoleapProfileResponse,
  AutoleapVehicle,
  AutoleapVehicleArchiveBody,
  AutoleapVehicleCreateBody,
  AutoleapVehicleList,
  AutoleapVehicleUpdateBody,
  normalizeAutoleapList,
  type AutoleapCompany,
  type AutoleapCustomerArchiveItem,
  type AutoleapCustomerCreateItem,
  type AutoleapCustomerUpdateItem,
  type AutoleapProfile,
  type AutoleapVehicleArchiveItem,
  type AutoleapVehicleCreateItem,
  type AutoleapVehicleUpdateItem
} from "./schema.js"

/** A list read. Without `updatedSince` it is a full extract. */
export interface AutoleapListOptions {
  /** Records updated at or after this instant (minus the overlap) are read. */
  readonly updatedSince?: Date
  /** Applied on our side (see `updatedAtMost`): records updated later belong to the next window. */
  readonly updatedUntil?: Date
  /** 1..100; default 100. */
  readonly pageSize?: number
  /** Overrides the client's overlap for this read. */
  readonly overlapMs?: number
}

export interface AutoleapVehicleListOptions extends AutoleapListOptions {
  /** Only this customer's vehicles. */
  readonly customerId?: string
}

/** A bulk write the server accepted. AutoLeap returns no ids: read them back from `startedAt` (minus the overlap). */
export interface AutoleapWriteResult {
  readonly message: string | undefined
  readonly count: number
  /** Our clock just before sending; created and updated records carry an updatedDate at or after it. */
  readonly startedAt: Date
}

export interface AutoleapClientOptions {
  /** Per request; default 30 s. */
  readonly requestTimeoutMs?: number
  /** Default 1 h (documented). */
  readonly accessTokenTtlMs?: number
  /** Default 3 h (documented). */
  readonly refreshTokenTtlMs?: number
  readonly retry?: Partial<RetryPolicy>
  /** The retry policy of the preflight check (checkCompany); default `preflightRetryPolicy`. */
  readonly preflightRetry?: Partial<RetryPolicy>
  /** Default 100, the API's maximum. */
  readonly pageSize?: number
  /** Overlap of incremental windows; default 2 min. */
  readonly overlapMs?: number
  /** Added to the limits' window (60 s, or SHOPBRIDGE_RATE_WINDOW_MS); default 250 ms a minute (see paceWindowMs). */
  readonly windowMarginMs?: number
}

export interface AutoleapClientService {
  readonly companyId: string
  readonly rateLimits: AutoleapRateLimits
  /** The partner's profile: the companies (and their locations) it may access. */
  readonly profile: Effect.Effect<AutoleapProfile, AutoleapError>
  /**
   * The preflight check: the configured company from the profile, or AutoleapCompanyUnavailable naming those that are
   * reachable, or SettingRejected when nothing answers at the base URL or the credentials are refused (retried within
   * ~15 s, not the mid-run budget).
   */
  readonly checkCompany: Effect.Effect<AutoleapCompany, AutoleapError | AutoleapCompanyUnavailable | SettingRejected>
  /** Every customer (or those in the window), each id once, oldest created first. */
  readonly customers: (query?: AutoleapListOptions) => Stream.Stream<AutoleapCustomer, AutoleapError>
  readonly vehicles: (query?: AutoleapVehicleListOptions) => Stream.Stream<AutoleapVehicle, AutoleapError>
  /** How many records the company holds: one list call of size 1 (for estimates before a full read). */
  readonly count: (entity: "customers" | "vehicles") => Effect.Effect<number, AutoleapError>
  /** None on 404. */
  readonly getCustomer: (customerId: string) => Effect.Effect<Option.Option<AutoleapCustomer>, AutoleapError>
  readonly getVehicle: (vehicleId: string) => Effect.Effect<Option.Option<AutoleapVehicle>, AutoleapError>
  /** Every match of AutoLeap's `search` (name, email or phone for customers; VIN, plate, make/model for vehicles). */
  readonly searchCustomers: (text: string) => Effect.Effect<ReadonlyArray<AutoleapCustomer>, AutoleapError>
  readonly searchVehicles: (text: string) => Effect.Effect<ReadonlyArray<AutoleapVehicle>, AutoleapError>
  /** Bulk writes: 1..100 items, one attempt (retried only on 429 or a connection that never reached the server). */
  readonly createCustomers: (items: ReadonlyArray<AutoleapCustomerCreateItem>) => Effect.Effect<AutoleapWriteResult, AutoleapWriteError>
  readonly updateCustomers: (items: ReadonlyArray<AutoleapCustomerUpdateItem>) => Effect.Effect<AutoleapWriteResult, AutoleapWriteError>
  readonly archiveCustomers: (items: ReadonlyArray<AutoleapCustomerArchiveItem>) => Effect.Effect<AutoleapWriteResult, AutoleapWriteError>
  readonly createVehicles: (items: ReadonlyArray<AutoleapVehicleCreateItem>) => Effect.Effect<AutoleapWriteResult, AutoleapWriteError>
  readonly updateVehicles: (items: ReadonlyArray<AutoleapVehicleUpdateItem>) => Effect.Effect<AutoleapWriteResult, AutoleapWriteError>
  readonly archiveVehicles: (items: ReadonlyArray<AutoleapVehicleArchiveItem>) => Effect.Effect<AutoleapWriteResult, AutoleapWriteError>
  readonly logout: Effect.Effect<void, AutoleapError>
  /** Requests so far, for report.json `requests.autoleap`. */
  readonly requestCounts: Effect.Effect<RequestCounts>
  /** The newest time its answers carried (their `Date` header); none before the first answer. */
  readonly serverTime: Effect.Effect<Option.Option<Date>>
  /** Requests and minutes a workload needs at this client's limits. */
  readonly estimate: (work: AutoleapWorkload) => RunEstimate
}

export class AutoleapClient extends Context.Tag("shopbridge/AutoleapClient")<AutoleapClient, AutoleapClientService>() {}

const methodClasses: ReadonlyArray<HttpMethod> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

/** Either list shape holding items of type A (what AutoleapCustomerList / AutoleapVehicleList decode to). */
type AnyList<A> = Parameters<typeof normalizeAutoleapList<A>>[0]

export const make = (
  config: AutoleapConfig,
  options: AutoleapClientOptions = {}
): Effect.Effect<AutoleapClientService, never, HttpTransport> =>
  Effect.gen(function* () {
    const transport = yield* HttpTransport
    const counter = makeRequestCounter()
    const serverClock = makeServerClock()
    const windowMs = paceWindowMs(config.rateWindowMs ?? RATE_WINDOW_MS, options.windowMarginMs)
    const pacers = new Map<HttpMethod, Pacer>()
    for (const method of methodClasses) {
      pacers.set(method, yield* makePacer({ gates: [new SlidingWindowGate(config.rateLimits[method as keyof AutoleapRateLimits], windowMs)], onWait: counter.paced }))
    }
    const requester = makeRequester({
      api: "autoleap",
      transport,
      counter,
      serverClock,
      pacerFor: (method) => pacers.get(method)!,
      retryPolicy: { ...defaultRetryPolicy, ...options.retry }
    })
    const preflightPolicy: RetryPolicy = { ...preflightRetryPolicy, ...options.preflightRetry }
    const timeoutMs = options.requestTimeoutMs ?? 30_000
    const pageSize = Math.min(AUTOLEAP_MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? AUTOLEAP_MAX_PAGE_SIZE))
    const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS
    const baseUrl = config.baseUrl.replace(/\/+$/, "")
    const auth = yield* makeAutoleapAuth({
      baseUrl,
      partnerId: config.partnerId,
      authKey: config.authKey,
      accessTokenTtlMs: options.accessTokenTtlMs ?? 3_600_000,
      refreshTokenTtlMs: options.refreshTokenTtlMs ?? 10_800_000,
      timeoutMs,
      requester
    })

    const urlOf = (path: string, query: Record<string, string | undefined> = {}): URL => {
      const url = new URL(`${baseUrl}${path}`)
      for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v)
      return url
    }

    const withToken = (req: HttpRequest, tokens: AutoleapTokens): HttpRequest => ({
      ...req,
      headers: { ...req.headers, authorization: `Bearer ${Redacted.value(tokens.accessToken)}` }
    })

    // A 401 with a token we believed valid: renew once (unless another fiber already did) and try again; a second 401 is final.
    // A token that could not be had (login or refresh failed) means the request itself never left: NotSent, which the
    // request's own retry policy may retry (the login does not retry on its own) and a write's loader knows was not applied.
    const tokenOrNotSent = (req: HttpRequest) => (e: AuthFailure): AutoleapAuthError | NotSent =>
      e instanceof AutoleapAuthError ? e : new NotSent({ method: req.method, path: req.url.pathname, cause: e })
    const authedAttempt = (req: HttpRequest) =>
      Effect.flatMap(Effect.mapError(auth.current, tokenOrNotSent(req)), (tokens) =>
        requester.attempt(withToken(req, tokens)).pipe(
          Effect.catchIf(
            (e): e is HttpStatusError => e instanceof HttpStatusError && e.status === 401,
            () => Effect.flatMap(Effect.mapError(auth.renewAfter401(tokens.generation), tokenOrNotSent(req)), (fresh) => requester.attempt(withToken(req, fresh)))
          )
        )
      )

    /** What a failed preflight read says about the settings; undefined when it is not about them. */
    const settingProblem = (e: AutoleapError): SettingRejected | undefined => {
      if (e._tag === "TransportError" || e._tag === "TimeoutError") return unreachable("autoleap", "AUTOLEAP_BASE_URL", baseUrl, failureReason(e))
      if (e._tag === "AutoleapAuthError") {
        return new SettingRejected({
          system: "autoleap",
          variables: ["AUTOLEAP_PARTNER_ID", "AUTOLEAP_AUTH_KEY"],
          message: `AUTOLEAP_PARTNER_ID / AUTOLEAP_AUTH_KEY were refused by AutoLeap (${e.status}: ${e.message}); check the partner id and the auth key`
        })
      }
      if (e._tag === "AutoleapApiError" && e.status === 404) {
        return new SettingRejected({
          system: "autoleap",
          variables: ["AUTOLEAP_BASE_URL"],
          message: `AUTOLEAP_BASE_URL: ${baseUrl} answers, but not as the AutoLeap Partner API v2 (HTTP 404 for ${e.method} ${e.path}); check the URL (it ends in /v2)`
        })
      }
      return undefined
    }

    const read = <A, I>(
      schema: Schema.Schema<A, I, never>,
      path: string,
      query?: Record<string, string | undefined>,
      policy?: RetryPolicy
    ): Effect.Effect<A, AutoleapError> => {
      const req: HttpRequest = { method: "GET", url: urlOf(path, query), timeoutMs }
      return requester.retryRead(authedAttempt(req), `GET ${path}`, policy).pipe(
        Effect.flatMap((response) => decodeResponse(schema, { api: "autoleap", method: "GET", path: req.url.pathname }, response)),
        Effect.mapError(toAutoleapError)
      )
    }

    /** 404 → None; the single-record reads answer in the list shape with one item. */
    const readOne = <A, L extends AnyList<A>, I>(schema: Schema.Schema<L, I, never>, path: string): Effect.Effect<Option.Option<A>, AutoleapError> =>
      read(schema, path, { companyId: config.companyId }).pipe(
        Effect.map((list) => Option.fromNullable(normalizeAutoleapList<A>(list).items[0])),
        Effect.catchIf(
          (e) => e._tag === "AutoleapApiError" && e.status === 404,
          () => Effect.succeed(Option.none<A>())
        )
      )

    const list = <A, L extends AnyList<A>, I>(
      schema: Schema.Schema<L, I, never>,
      path: string,
      idOf: (a: A) => string,
      updatedOf: (a: A) => string,
      query: AutoleapListOptions,
      extra: Record<string, string | undefined>
    ): Stream.Stream<A, AutoleapError> => {
      const size = Math.min(AUTOLEAP_MAX_PAGE_SIZE, Math.max(1, query.pageSize ?? pageSize))
      const since = query.updatedSince === undefined ? undefined : windowStart(query.updatedSince, query.overlapMs ?? overlapMs)
      // createdDate ASC keeps every record's position while others are updated; new records append at the end.
      const params = {
        companyId: config.companyId,
        size: String(size),
        sort: "createdDate",
        sortDirection: "ASC",
        updatedDateStart: since?.toISOString(),
        ...extra
      }
      return pagedStream(size, (page) =>
        Effect.map(read(schema, path, { ...params, page: String(page) }), (raw) => {
          const p = normalizeAutoleapList<A>(raw)
          return { items: p.items, hasMore: !p.last && p.page < p.totalPages }
        })
      ).pipe(updatedAtMost(updatedOf, query.updatedUntil), dedupByIdAndUpdated(idOf, updatedOf))
    }

    const customers = (query: AutoleapListOptions = {}) =>
      list(AutoleapCustomerList, "/customers", (c: AutoleapCustomer) => c.customerId, (c: AutoleapCustomer) => c.updatedDate, query, {})
    const vehicles = (query: AutoleapVehicleListOptions = {}) =>
      list(AutoleapVehicleList, "/vehicles", (v: AutoleapVehicle) => v.vehicleId, (v: AutoleapVehicle) => v.updatedDate, query, { customerId: query.customerId })

    const search = <A, L extends AnyList<A>, I>(schema: Schema.Schema<L, I, never>, path: string, idOf: (a: A) => string, updatedOf: (a: A) => string, text: string) =>
      list(schema, path, idOf, updatedOf, {}, { search: text }).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))

    const profile = read(AutoleapProfileResponse, "/partners/profile").pipe(
      Effect.map((r) => r.data)
    )

    // The first call of a run, with the preflight policy: a wrong URL or refused credentials are told within seconds,
    // naming the variables to fix.
    const checkCompany = read(AutoleapProfileResponse, "/partners/profile", undefined, preflightPolicy).pipe(
      Effect.mapError((e) => settingProblem(e) ?? e),
      Effect.flatMap(({ data: p }) => {
        const company = p.companies.find((c) => c.companyId === config.companyId)
        if (company !== undefined) return Effect.succeed(company)
        const available = p.companies.map((c) => c.companyId)
        return Effect.fail(
          new AutoleapCompanyUnavailable({
            companyId: config.companyId,
            available,
            message: `AUTOLEAP_COMPANY_ID ${config.companyId} is not reachable with this partner account (reachable: ${available.join(", ") || "none"})`
          })
        )
      })
    )

    const bulkWrite = <A, I>(method: "POST" | "PUT" | "PATCH", path: string, bodySchema: Schema.Schema<A, I, never>, entity: "customers" | "vehicles") =>
      (items: ReadonlyArray<unknown>): Effect.Effect<AutoleapWriteResult, AutoleapWriteError> =>
        Effect.gen(function* () {
          const body = { companyId: config.companyId, [entity]: items }
          // Our own check first: a batch the API would refuse as a whole is refused here, naming the item like the API does.
          const encoded = yield* Schema.encodeUnknown(bodySchema, { errors: "all" })(body).pipe(
            Effect.mapError((error: ParseResult.ParseError) => {
              const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
              const where = issue === undefined ? "" : formatIssuePath(issue.path)
              const m = /^(?:customers|vehicles)\[(\d+)\]\.?(.*)$/.exec(where)
              return new AutoleapWriteNotApplied({
                method,
                path: urlOf(path).pathname,
                status: undefined,
                message: `${where || "body"}: ${issue?.message ?? "invalid"}`,
                itemIndex: m === null ? undefined : Number(m[1]),
                itemField: m === null || m[2] === "" ? undefined : m[2]
              })
            })
          )
          const startedAt = new Date(yield* Clock.currentTimeMillis)
          const req: HttpRequest = { method, url: urlOf(path), json: encoded, timeoutMs }
          const response: HttpResponse = yield* requester
            .retryWrite(authedAttempt(req), `${method} ${path}`)
            .pipe(Effect.mapError(toAutoleapWriteError))
          // A 2xx means applied, whatever the body says; an odd body is logged, not turned into a failure.
          const decoded = yield* decodeResponse(AutoleapBulkSuccess, { api: "autoleap", method, path: req.url.pathname }, response).pipe(Effect.option)
          return { message: Option.getOrUndefined(decoded)?.message ?? undefined, count: items.length, startedAt }
        })

    const logout = auth.logout.pipe(Effect.mapError(toAutoleapError))

    yield* Effect.flatMap(currentHttpLog, (log) => log.info("autoleap_client_ready", { baseUrl, companyId: config.companyId, rateLimits: config.rateLimits }))

    return {
      companyId: config.companyId,
      rateLimits: config.rateLimits,
      profile,
      checkCompany,
      customers,
      vehicles,
      count: (entity) => {
        const query = { companyId: config.companyId, page: "1", size: "1" }
        return entity === "customers"
          ? Effect.map(read(AutoleapCustomerList, "/customers", query), (raw) => normalizeAutoleapList<AutoleapCustomer>(raw).totalCount)
          : Effect.map(read(AutoleapVehicleList, "/vehicles", query), (raw) => normalizeAutoleapList<AutoleapVehicle>(raw).totalCount)
      },
      getCustomer: (id) => readOne(AutoleapCustomerList, `/customers/${encodeURIComponent(id)}`),
      getVehicle: (id) => readOne(AutoleapVehicleList, `/vehicles/${encodeURIComponent(id)}`),
      searchCustomers: (text) => search(AutoleapCustomerList, "/customers", (c: AutoleapCustomer) => c.customerId, (c: AutoleapCustomer) => c.updatedDate, text),
      searchVehicles: (text) => search(AutoleapVehicleList, "/vehicles", (v: AutoleapVehicle) => v.vehicleId, (v: AutoleapVehicle) => v.updatedDate, text),
      createCustomers: bulkWrite("POST", "/customers", AutoleapCustomerCreateBody, "customers"),
      updateCustomers: bulkWrite("PUT", "/customers", AutoleapCustomerUpdateBody, "customers"),
      archiveCustomers: bulkWrite("PATCH", "/customers", AutoleapCustomerArchiveBody, "customers"),
      createVehicles: bulkWrite("POST", "/vehicles", AutoleapVehicleCreateBody, "vehicles"),
      updateVehicles: bulkWrite("PUT", "/vehicles", AutoleapVehicleUpdateBody, "vehicles"),
      archiveVehicles: bulkWrite("PATCH", "/vehicles", AutoleapVehicleArchiveBody, "vehicles"),
      logout,
      requestCounts: counter.snapshot,
      serverTime: serverClock.latest,
      estimate: (work) => estimateAutoleap(work, config.rateLimits)
    } satisfies AutoleapClientService
  })

export const layer = (config: AutoleapConfig, options: AutoleapClientOptions = {}): Layer.Layer<AutoleapClient, never, HttpTransport> =>
  Layer.effect(AutoleapClient, make(config, options))

/** From the environment (AUTOLEAP_BASE_URL, _PARTNER_ID, _AUTH_KEY, _COMPANY_ID, _RATE_LIMITS). */
export const layerConfig = (options: AutoleapClientOptions = {}): Layer.Layer<AutoleapClient, ConfigError.ConfigError, HttpTransport> =>
  Layer.effect(AutoleapClient, Effect.flatMap(autoleapConfig, (config) => make(config, options)))
