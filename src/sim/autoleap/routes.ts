import type { FaultInjector } from "../common/faults.js"
import type { RateWindows } from "../common/rateWindow.js"
import type { Route, SimRequest, SimResponse } from "../common/server.js"
import { AutoleapHttpError, badRequest, errorResponse } from "./errors.js"
import { parseListParams, renderPage, selectRecords, viewKey } from "./listing.js"
import type { AutoleapStore, StoredRecord } from "./store.js"
import type { TokenIssuer } from "./tokens.js"
import type { AutoleapEntity, AutoleapRateLimitedMethod, AutoleapSimConfig } from "./types.js"
import {
  bulkItems,
  isObject,
  validateCustomerCreate,
  validateCustomerUpdate,
  validateIdItem,
  validateVehicleCreate,
  validateVehicleUpdate,
  type Item
} from "./validation.js"

export interface AutoleapContext {
  readonly store: AutoleapStore
  readonly tokens: TokenIssuer
  readonly rate: RateWindows
  readonly now: () => number
  readonly config: () => AutoleapSimConfig
  readonly faults: FaultInjector
}

const ok = (body: unknown): SimResponse => ({ status: 200, body })
const BULK_SUCCESS = { success: true, message: "Request completed successfully", data: {} }

/** Turns thrown API errors into AutoLeap's envelope; anything else is a simulator bug and is rethrown. */
const guarded =
  (handler: (req: SimRequest) => SimResponse) =>
  (req: SimRequest): SimResponse => {
    try {
      return handler(req)
    } catch (error) {
      if (error instanceof AutoleapHttpError) return errorResponse(error.status, error.message)
      throw error
    }
  }

const stringField = (body: unknown, key: string): string => {
  const value = isObject(body) ? body[key] : undefined
  if (typeof value !== "string" || value.length === 0) return badRequest(`${key} is required`)
  return value
}

export const autoleapRoutes = (ctx: AutoleapContext): ReadonlyArray<Route> => {
  const { store, tokens } = ctx

  /** Bearer check, then the per-partner, per-method budget: a 401 costs nothing, everything after it counts. */
  const authorized = (req: SimRequest): string => {
    const token = tokens.bearerToken(req.headers.authorization)
    if (token !== undefined && tokens.usedBefore(token) && ctx.faults.expireToken()) tokens.expire(token)
    const partnerId = tokens.authenticate(req.headers.authorization)
    if (!store.partners.has(partnerId)) throw new AutoleapHttpError(401, "Invalid access token")
    const method = req.method as AutoleapRateLimitedMethod
    const limit = ctx.config().rateLimits[method] ?? Number.POSITIVE_INFINITY
    if (!ctx.rate.take(`${partnerId} ${method}`, limit, ctx.now()).allowed) throw new AutoleapHttpError(429, "Too many requests")
    return partnerId
  }

  const company = (partnerId: string, companyId: unknown): string => {
    if (typeof companyId !== "string" || companyId.trim() === "") return badRequest("companyId is required")
    const partner = store.partners.get(partnerId)
    if (partner === undefined || !partner.companyIds.includes(companyId) || !store.companies.has(companyId)) {
      throw new AutoleapHttpError(403, "You do not have access to this company")
    }
    return companyId
  }

  const writeBody = (req: SimRequest, partnerId: string): { companyId: string; body: Item } => {
    if (!isObject(req.body)) return badRequest("Request body is required")
    return { companyId: company(partnerId, req.body["companyId"]), body: req.body }
  }

  const list = (entity: AutoleapEntity) => (req: SimRequest) => {
    const companyId = company(authorized(req), req.query.get("companyId"))
    const params = parseListParams(req.query)
    const query = entity === "vehicles" ? params : { ...params, customerId: undefined }
    const records = store.view(entity, viewKey(companyId, query), () => selectRecords(entity, store.inCompany(entity, companyId), query))
    return ok(renderPage(entity, ctx.config().listShape, records, params.page, params.size))
  }

  /**
   * `GET /vehicles/{vehicleId}` carries only the path parameter in the docs, and customers are assumed to work the same
   * way. A `companyId` sent anyway narrows the lookup to that company (after the usual access check); without one, any
   * company the partner may access will do. A record the partner cannot see is a 404, like one that does not exist.
   */
  const getOne = (entity: AutoleapEntity, label: string) => (req: SimRequest) => {
    const partnerId = authorized(req)
    const id = req.params["id"] ?? ""
    const scope = req.query.get("companyId") === null ? undefined : company(partnerId, req.query.get("companyId"))
    const record = scope === undefined ? store.findForPartner(entity, partnerId, id) : store.find(entity, scope, id)
    if (record === undefined) throw new AutoleapHttpError(404, `${label} not found`)
    return ok(renderPage(entity, ctx.config().listShape, [record], 1, 1))
  }

  /** Looks an item's id up in the company: a 400 naming the item when it is not there. */
  const existing = (entity: AutoleapEntity, companyId: string, id: string, path: string, key: string): StoredRecord => {
    const record = store.find(entity, companyId, id)
    if (record === undefined) return badRequest(`${path}.${key} ${id} was not found`)
    return record
  }

  const customerOfCompany = (companyId: string, customerId: unknown, path: string): void => {
    if (typeof customerId === "string" && store.find("customers", companyId, customerId) === undefined) {
      badRequest(`${path}.customerId is not a customer of this company`)
    }
  }

  /** Applies a validated batch: every item gets its own, strictly later, timestamp. */
  const create = (entity: AutoleapEntity, companyId: string, items: ReadonlyArray<Item>): void => {
    for (const fields of items) store.create(entity, companyId, fields)
  }


  const createCustomers = (req: SimRequest) => {
    const { companyId, body } = writeBody(req, authorized(req))
    const items = bulkItems(body, "customers").map((item, i) => validateCustomerCreate(item, `customers[${i}]`))
    create("customers", companyId, items)
    return ok(BULK_SUCCESS)
  }

  const updateCustomers = (req: SimRequest) => {
    const { companyId, body } = writeBody(req, authorized(req))
    const changes = bulkItems(body, "customers").map((item, i) => {
      const path = `customers[${i}]`
      const fields = validateCustomerUpdate(item, path)
      return { record: existing("customers", companyId, String(item["customerId"]), path, "customerId"), fields }
    })
    for (const { record, fields } of changes) store.update("customers", record, fields)
    return ok(BULK_SUCCESS)
  }

  const archiveCustomers = (req: SimRequest) => {
    const { companyId, body } = writeBody(req, authorized(req))
    const records = bulkItems(body, "customers").map((item, i) => {
      const path = `customers[${i}]`
      return existing("customers", companyId, validateIdItem(item, path, "customerId"), path, "customerId")
    })
    for (const record of records) if (record["customerStatus"] !== "Inactive") store.update("customers", record, { customerStatus: "Inactive" })
    return ok(BULK_SUCCESS)
  }

  const createVehicles = (req: SimRequest) => {
    const { companyId, body } = writeBody(req, authorized(req))
    const items = bulkItems(body, "vehicles").map((item, i) => {
      const path = `vehicles[${i}]`
      const fields = validateVehicleCreate(item, path)
      customerOfCompany(companyId, fields["customerId"], path)
      return fields
    })
    create("vehicles", companyId, items)
    return ok(BULK_SUCCESS)
  }

  const updateVehicles = (req: SimRequest) => {
    const { companyId, body } = writeBody(req, authorized(req))
    const changes = bulkItems(body, "vehicles").map((item, i) => {
      const path = `vehicles[${i}]`
      const fields = validateVehicleUpdate(item, path)
      const record = existing("vehicles", companyId, String(item["vehicleId"]), path, "vehicleId")
      customerOfCompany(companyId, fields["customerId"], path)
      return { record, fields }
    })
    for (const { record, fields } of changes) store.update("vehicles", record, fields)
    return ok(BULK_SUCCESS)
  }

  const archiveVehicles = (req: SimRequest) => {
    const { companyId, body } = writeBody(req, authorized(req))
    const records = bulkItems(body, "vehicles").map((item, i) => {
      const path = `vehicles[${i}]`
      const record = existing("vehicles", companyId, validateIdItem(item, path, "vehicleId"), path, "vehicleId")
      if (validateIdItem(item, path, "customerId") !== record["customerId"]) {
        badRequest(`${path}.customerId does not match the vehicle's customer`)
      }
      return record
    })
    for (const record of records) if (record["vehicleStatus"] !== "Inactive") store.update("vehicles", record, { vehicleStatus: "Inactive" })
    return ok(BULK_SUCCESS)
  }

  const login = (req: SimRequest) => {
    const partnerId = stringField(req.body, "partnerId")
    const authKey = stringField(req.body, "authKey")
    const partner = store.partners.get(partnerId)
    if (partner === undefined || partner.authKey !== authKey) throw new AutoleapHttpError(401, "Invalid partner credentials")
    return ok({ success: true, data: tokens.issue(partnerId) })
  }

  const refresh = (req: SimRequest) => ok({ success: true, data: tokens.rotate(stringField(req.body, "refreshToken")) })

  const logout = (req: SimRequest) => {
    const partnerId = tokens.authenticate(req.headers.authorization)
    const refreshToken = stringField(req.body, "refreshToken")
    tokens.revoke(tokens.bearerToken(req.headers.authorization)!, refreshToken, partnerId)
    return ok({ success: true })
  }

  const profile = (req: SimRequest) => {
    const partner = store.partners.get(authorized(req))!
    const companies = partner.companyIds.map((companyId) => {
      const known = store.companies.get(companyId)
      return { companyId, name: known?.name ?? companyId, locations: structuredClone(known?.locations ?? []) }
    })
    return ok({ success: true, data: { partnerId: partner.partnerId, name: partner.name, companies } })
  }

  const routes: ReadonlyArray<Route> = [
    { method: "POST", pattern: "/partners/login", handler: login },
    { method: "POST", pattern: "/partners/generateNewAccessToken", handler: refresh },
    { method: "POST", pattern: "/partners/logout", handler: logout },
    { method: "GET", pattern: "/partners/profile", handler: profile },
    { method: "GET", pattern: "/customers", handler: list("customers") },
    { method: "GET", pattern: "/customers/:id", handler: getOne("customers", "Customer") },
    { method: "POST", pattern: "/customers", handler: createCustomers },
    { method: "PUT", pattern: "/customers", handler: updateCustomers },
    { method: "PATCH", pattern: "/customers", handler: archiveCustomers },
    { method: "GET", pattern: "/vehicles", handler: list("vehicles") },
    { method: "GET", pattern: "/vehicles/:id", handler: getOne("vehicles", "Vehicle") },
    { method: "POST", pattern: "/vehicles", handler: createVehicles },
    { method: "PUT", pattern: "/vehicles", handler: updateVehicles },
    { method: "PATCH", pattern: "/vehicles", handler: archiveVehicles }
  ]
  return routes.map((route) => ({ ...route, handler: guarded(route.handler) }))
}
