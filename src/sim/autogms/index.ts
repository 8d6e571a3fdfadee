import type { IncomingHttpHeaders } from "node:http"
import { FaultInjector, noFaults, type FaultConfig } from "../common/faults.js"
import { RateWindows } from "../common/rateWindow.js"
import { RequestLog } from "../common/requestLog.js"
import { startJsonServer, type Route, type SimResponse } from "../common/server.js"
import * as R from "./responses.js"
import { apiKeyOf, makeRoutes, type Gate } from "./routes.js"
import { sandboxAutogmsSeed } from "./sandboxSeed.js"
import { AutogmsStore, toWire, type StoredRecord } from "./store.js"
import { customerDefaults, vehicleDefaults } from "./validate.js"
import { deliveryWire, subscriptionWire, WebhookDispatcher } from "./webhooks.js"
import type { AutogmsEntity, AutogmsRecord, AutogmsSeed, AutogmsSim, AutogmsSimConfig, AutogmsSimOptions } from "./types.js"

export type * from "./types.js"
export { sandboxAutogmsSeed } from "./sandboxSeed.js"
export { lookupVin, modelYearOf, WMI_TABLE } from "./vinDecode.js"
export { AUTOGMS_WEBHOOK_EVENTS, defaultWebhookTiming } from "./webhooks.js"
export type { DeliveryAttempt, WebhookDelivery, WebhookTiming } from "./webhooks.js"

export const AUTOGMS_BASE_PATH = "/api/v1"

/** Requests with no known key still carry RateLimit-* headers, from a shared Standard-tier window; they are never throttled. */
const UNAUTHENTICATED_LIMIT = 60

const entityOf = (raw: string): AutogmsEntity | undefined =>
  raw === "customers" || raw === "customer" ? "customers" : raw === "vehicles" || raw === "vehicle" ? "vehicles" : undefined

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Starts the autoGMS simulator (Public API v1 under `/api/v1`). With no seed it holds the sandbox keys and garages
 * and no customers or vehicles.
 */
export const startAutogmsSim = async (options: AutogmsSimOptions = {}): Promise<AutogmsSim> => {
  const now = options.now ?? Date.now
  const store = new AutogmsStore(now)
  store.load(options.seed ?? sandboxAutogmsSeed)
  const faults = new FaultInjector({ ...noFaults, ...options.faults })
  const log = new RequestLog()
  const rates = new RateWindows(options.rateWindowMs)
  const webhooks = new WebhookDispatcher(now, options.webhooks)
  const anonymousRates = new RateWindows(options.rateWindowMs)
  // The gate runs when a request arrives, before the shared server reads its body; handlers find it by the headers object.
  const gates = new WeakMap<IncomingHttpHeaders, Gate>()

  const decide = (headers: IncomingHttpHeaders): Gate => {
    const key = apiKeyOf(headers)
    const apiKey = key === undefined ? undefined : store.apiKeys.get(key)
    return apiKey === undefined
      ? { apiKey, decision: anonymousRates.take("anonymous", UNAUTHENTICATED_LIMIT, now()) }
      : { apiKey, decision: rates.take(apiKey.key, apiKey.ratePerMinute, now()) }
  }

  const edit = (entity: AutogmsEntity, id: string, patch: Readonly<Record<string, unknown>>): AutogmsRecord => {
    const current = store.records[entity].get(id)
    if (current === undefined) throw new Error(`no ${entity} record ${id}`)
    const { id: _id, garageId: _garageId, ...changes } = patch
    // A test may pin updatedAt to stage a conflict; otherwise the edit is stamped like any write.
    const updatedAt = typeof changes["updatedAt"] === "string" ? changes["updatedAt"] : store.stamp()
    const next: StoredRecord = { ...current, ...changes, id: current.id, garageId: current.garageId, updatedAt }
    return structuredClone(store.put(entity, next))
  }

  /** A record a user of autoGMS created in its app: defaults filled, stamped, announced like an API create. */
  const create = (entity: AutogmsEntity, garageId: string, fields: Readonly<Record<string, unknown>>): AutogmsRecord => {
    if (!store.garages.has(garageId)) throw new Error(`no garage ${garageId}`)
    const { id: _id, garageId: _garageId, createdAt: _createdAt, updatedAt: _updatedAt, ...given } = fields
    const at = store.stamp()
    const defaults = entity === "customers" ? customerDefaults : vehicleDefaults
    const record: StoredRecord = { id: store.nextId(entity), ...defaults, tags: [], ...given, createdAt: at, updatedAt: at, garageId }
    const created = toWire(store.put(entity, record))
    // autoGMS v1 has no vehicle events: vehicles are found by polling.
    if (entity === "customers") webhooks.emit(garageId, "customer.created", created, at)
    return structuredClone(created)
  }

  const configure = (patch: AutogmsSimConfig): void => {
    for (const [key, rate] of Object.entries(patch.ratePerMinute ?? {})) {
      const known = store.apiKeys.get(key)
      if (known !== undefined) store.apiKeys.set(key, { ...known, ratePerMinute: rate })
    }
    if (patch.resetRateLimits === true) rates.reset()
    if (patch.webhooks !== undefined) webhooks.configure(patch.webhooks)
  }

  const seed = (data: AutogmsSeed): void => {
    store.load(data)
    webhooks.reset()
    rates.reset()
    anonymousRates.reset()
  }

  const done = (body: unknown = { ok: true }): SimResponse => ({ status: 200, body })
  const hooks: ReadonlyArray<Route> = [
    {
      method: "POST",
      pattern: "/seed",
      handler: (req) => {
        if (!isObject(req.body)) return { status: 400, body: { error: "body must be an AutogmsSeed" } }
        seed(req.body as unknown as AutogmsSeed)
        return done()
      }
    },
    { method: "GET", pattern: "/dump", handler: () => done(store.dump()) },
    { method: "GET", pattern: "/stats", handler: () => done(log.stats(options.rateWindowMs)) },
    { method: "POST", pattern: "/stats/reset", handler: () => (log.clear(), done()) },
    { method: "GET", pattern: "/faults", handler: () => done({ config: faults.current, injected: faults.injected() }) },
    {
      method: "POST",
      pattern: "/faults",
      handler: (req) => (isObject(req.body) ? (faults.configure(req.body as Partial<FaultConfig>), done(faults.current)) : { status: 400, body: { error: "body must be a FaultConfig patch" } })
    },
    {
      method: "POST",
      pattern: "/config",
      handler: (req) => (isObject(req.body) ? (configure(req.body as AutogmsSimConfig), done()) : { status: 400, body: { error: "body must be an object" } })
    },
    {
      method: "POST",
      pattern: "/edit/:entity/:id",
      handler: (req) => {
        const entity = entityOf(req.params["entity"] ?? "")
        if (entity === undefined) return { status: 400, body: { error: "entity must be customers or vehicles" } }
        if (!isObject(req.body)) return { status: 400, body: { error: "body must be a patch object" } }
        if (!store.records[entity].has(req.params["id"]!)) return { status: 404, body: { error: `no ${entity} record ${req.params["id"]}` } }
        return done(edit(entity, req.params["id"]!, req.body))
      }
    },
    {
      method: "POST",
      pattern: "/create/:entity",
      handler: (req) => {
        const entity = entityOf(req.params["entity"] ?? "")
        if (entity === undefined) return { status: 400, body: { error: "entity must be customers or vehicles" } }
        if (!isObject(req.body) || typeof req.body["garageId"] !== "string") return { status: 400, body: { error: "body must be an object with a garageId" } }
        if (!store.garages.has(req.body["garageId"])) return { status: 404, body: { error: `no garage ${req.body["garageId"]}` } }
        return done(create(entity, req.body["garageId"], req.body))
      }
    },
    { method: "GET", pattern: "/webhooks", handler: () => done([...webhooks.subscriptions.values()].map(subscriptionWire)) },
    { method: "GET", pattern: "/webhooks/deliveries", handler: () => done(webhooks.deliveries.map(deliveryWire)) }
  ]

  const running = await startJsonServer(
    {
      basePath: AUTOGMS_BASE_PATH,
      routes: makeRoutes({ store, now, gateOf: (headers) => gates.get(headers), webhooks }),
      hooks,
      faults,
      log,
      now,
      badJson: () => R.validationError([{ field: "body", message: "body is not valid JSON" }], "Malformed JSON body"),
      notFound: (method, path) => ({ ...R.notFound(`Route ${method} ${path}`) }),
      serverError: R.internalError
    },
    { host: options.host, port: options.port ?? 0 }
  )

  // Runs before the shared server's handler (same 'request' event), so every API response — errors, faults and
  // 404s included — carries the RateLimit-* headers of the window this request was counted in.
  running.server.prependListener("request", (req, res) => {
    if ((req.url ?? "").startsWith("/__sim")) return
    const gate = decide(req.headers)
    gates.set(req.headers, gate)
    res.setHeader("RateLimit-Limit", String(gate.decision.limit))
    res.setHeader("RateLimit-Remaining", String(gate.decision.remaining))
    res.setHeader("RateLimit-Reset", String(Math.ceil(gate.decision.resetAt / 1000)))
  })

  return {
    baseUrl: running.baseUrl,
    port: running.port,
    close: () => {
      webhooks.close()
      return running.close()
    },
    seed,
    dump: () => store.dump(),
    stats: () => log.stats(options.rateWindowMs),
    resetStats: () => log.clear(),
    faults,
    edit,
    create,
    configure,
    webhooks: {
      subscriptions: () => [...webhooks.subscriptions.values()].map(subscriptionWire),
      deliveries: () => webhooks.deliveries.map(deliveryWire)
    }
  }
}
