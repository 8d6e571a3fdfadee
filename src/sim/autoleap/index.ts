import { FaultInjector, noFaults, type FaultConfig } from "../common/faults.js"
import { RateWindows } from "../common/rateWindow.js"
import { RequestLog } from "../common/requestLog.js"
import { startJsonServer, type Route, type SimResponse } from "../common/server.js"
import { errorResponse } from "./errors.js"
import { autoleapRoutes } from "./routes.js"
import { AutoleapStore, asRead } from "./store.js"
import { TokenIssuer } from "./tokens.js"
import {
  defaultAutoleapSimConfig,
  type AutoleapEntity,
  type AutoleapRateLimitedMethod,
  type AutoleapSeed,
  type AutoleapSim,
  type AutoleapSimConfig,
  type AutoleapSimConfigPatch,
  type AutoleapSimOptions
} from "./types.js"

export * from "./types.js"

const emptySeed: AutoleapSeed = { partners: [], companies: [], customers: [], vehicles: [] }

class ConfigRejected extends Error {}

const positiveNumber = (value: unknown, name: string): number => {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new ConfigRejected(`${name} must be a positive number`)
  return value
}

/** Checks a config patch from outside (the HTTP hook) and merges it. */
const mergeConfig = (current: AutoleapSimConfig, patch: AutoleapSimConfigPatch): AutoleapSimConfig => {
  const rateLimits = { ...current.rateLimits }
  for (const [method, limit] of Object.entries(patch.rateLimits ?? {})) {
    rateLimits[method.toUpperCase() as AutoleapRateLimitedMethod] = positiveNumber(limit, `rateLimits.${method}`)
  }
  if (patch.listShape !== undefined && patch.listShape !== "wrapped" && patch.listShape !== "page") {
    throw new ConfigRejected("listShape must be wrapped or page")
  }
  return {
    accessTokenTtlMs: patch.accessTokenTtlMs === undefined ? current.accessTokenTtlMs : positiveNumber(patch.accessTokenTtlMs, "accessTokenTtlMs"),
    refreshTokenTtlMs: patch.refreshTokenTtlMs === undefined ? current.refreshTokenTtlMs : positiveNumber(patch.refreshTokenTtlMs, "refreshTokenTtlMs"),
    rateLimits,
    listShape: patch.listShape ?? current.listShape
  }
}

const entityOf = (raw: string): AutoleapEntity | undefined =>
  raw === "customers" || raw === "customer" ? "customers" : raw === "vehicles" || raw === "vehicle" ? "vehicles" : undefined

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Starts a local AutoLeap Partner API v2 under `/v2`, seeded and with the test hooks under `/__sim`. */
export const startAutoleapSim = async (options: AutoleapSimOptions = {}): Promise<AutoleapSim> => {
  const now = options.now ?? Date.now
  let config = mergeConfig(defaultAutoleapSimConfig, options)
  const store = new AutoleapStore(now)
  store.seed(options.seed ?? emptySeed)
  const faults = new FaultInjector({ ...noFaults, ...options.faults })
  const log = new RequestLog()
  const tokens = new TokenIssuer(now, () => ({ accessMs: config.accessTokenTtlMs, refreshMs: config.refreshTokenTtlMs }))
  const rate = new RateWindows(options.rateWindowMs)

  const configure = (patch: AutoleapSimConfigPatch): AutoleapSimConfig => {
    config = mergeConfig(config, patch)
    return config
  }

  /** A user's edit in AutoLeap's own UI: no validation, ids and scope untouched, updatedDate bumped. */
  const edit = (entity: AutoleapEntity, id: string, patch: Readonly<Record<string, unknown>>): Record<string, unknown> => {
    const record = store.get(entity, id)
    if (record === undefined) throw new RangeError(`no ${entity} record ${id}`)
    const { companyId: _c, customerId, vehicleId: _v, createdDate: _cr, updatedDate: _u, ...rest } = patch
    const fields: Record<string, unknown> = entity === "vehicles" && customerId !== undefined ? { ...rest, customerId } : rest
    store.update(entity, record, structuredClone(fields))
    return asRead(record)
  }

  /** A record a user created in AutoLeap's own UI: no API validation; a vehicle needs a customer of the company. */
  const create = (entity: AutoleapEntity, companyId: string, fields: Readonly<Record<string, unknown>>): Record<string, unknown> => {
    if (!store.companies.has(companyId)) throw new RangeError(`no company ${companyId}`)
    const { companyId: _c, customerId, vehicleId: _v, customerStatus: _cs, vehicleStatus: _vs, createdDate: _cr, updatedDate: _u, ...rest } = fields
    if (entity === "customers") return asRead(store.create(entity, companyId, structuredClone(rest)))
    if (typeof customerId !== "string" || store.find("customers", companyId, customerId) === undefined) {
      throw new RangeError(`no customer ${String(customerId)} in company ${companyId}`)
    }
    return asRead(store.create(entity, companyId, { customerId, ...structuredClone(rest) }))
  }

  const hook = (method: string, pattern: string, handler: (body: unknown, params: Record<string, string>) => unknown): Route => ({
    method,
    pattern,
    handler: (req): SimResponse => {
      try {
        return { status: 200, body: handler(req.body, { ...req.params }) }
      } catch (error) {
        if (error instanceof ConfigRejected) return { status: 400, body: { error: error.message } }
        if (error instanceof RangeError) return { status: 404, body: { error: error.message } }
        throw error
      }
    }
  })

  const hooks: ReadonlyArray<Route> = [
    hook("POST", "/seed", (body) => {
      if (!isRecord(body)) throw new ConfigRejected("a seed object is required")
      // Seeds are stored as given; only the four collections must be there (empty is fine).
      const seed = { ...emptySeed, ...body } as AutoleapSeed
      store.seed(seed)
      return { ok: true, customers: seed.customers.length, vehicles: seed.vehicles.length }
    }),
    hook("GET", "/dump", () => store.dump()),
    hook("GET", "/stats", () => log.stats(options.rateWindowMs)),
    hook("POST", "/stats/reset", () => {
      log.clear()
      return { ok: true }
    }),
    hook("GET", "/faults", () => ({ config: faults.current, injected: faults.injected() })),
    hook("POST", "/faults", (body) => {
      faults.configure(isRecord(body) ? (body as Partial<FaultConfig>) : {})
      return faults.current
    }),
    hook("POST", "/config", (body) => configure(isRecord(body) ? (body as AutoleapSimConfigPatch) : {})),
    hook("POST", "/edit/:entity/:id", (body, params) => {
      const entity = entityOf(params["entity"]!)
      if (entity === undefined) throw new ConfigRejected("entity must be customers or vehicles")
      return edit(entity, params["id"]!, isRecord(body) ? body : {})
    }),
    hook("POST", "/create/:entity", (body, params) => {
      const entity = entityOf(params["entity"]!)
      if (entity === undefined) throw new ConfigRejected("entity must be customers or vehicles")
      if (!isRecord(body) || typeof body["companyId"] !== "string") throw new ConfigRejected("body must be an object with a companyId")
      return create(entity, body["companyId"], body)
    })
  ]

  const server = await startJsonServer(
    {
      basePath: "/v2",
      routes: autoleapRoutes({ store, tokens, rate, now, config: () => config, faults }),
      hooks,
      faults,
      log,
      now,
      badJson: () => errorResponse(400, "Malformed JSON in request body"),
      notFound: (method, path) => errorResponse(404, `Cannot ${method} ${path}`),
      serverError: () => errorResponse(500, "Internal server error")
    },
    { host: options.host ?? "127.0.0.1", port: options.port ?? 0 }
  )

  return {
    baseUrl: server.baseUrl,
    port: server.port,
    close: server.close,
    seed: (data) => store.seed(data),
    dump: () => store.dump(),
    stats: () => log.stats(options.rateWindowMs),
    resetStats: () => log.clear(),
    faults,
    edit,
    create,
    configure,
    config: () => config
  }
}
