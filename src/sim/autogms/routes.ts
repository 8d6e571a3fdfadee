import type { IncomingHttpHeaders } from "node:http"
import type { RateDecision } from "../common/rateWindow.js"
import type { Route, SimRequest, SimResponse } from "../common/server.js"
import { listPage, parseListQuery, sortKeyOf, sortRecords } from "./listing.js"
import { digitsOf, emailKey, phoneKey, plateKey, vinKey } from "./normalize.js"
import * as R from "./responses.js"
import { toWire, type AutogmsStore, type StoredRecord } from "./store.js"
import type { AutogmsSeedApiKey, AutogmsSeedGarage } from "./types.js"
import {
  customerDefaults,
  customerNameIssues,
  customerRules,
  validateBody,
  vehicleDefaults,
  vehicleRules
} from "./validate.js"
import { lookupVin } from "./vinDecode.js"
import { webhookRoutes } from "./webhookRoutes.js"
import type { WebhookDispatcher } from "./webhooks.js"

/** What the gate decided for one request before any handler ran: the caller's key (if known) and its rate window. */
export interface Gate {
  readonly apiKey: AutogmsSeedApiKey | undefined
  readonly decision: RateDecision
}

export interface RouteContext {
  readonly store: AutogmsStore
  readonly now: () => number
  readonly gateOf: (headers: IncomingHttpHeaders) => Gate | undefined
  /** Subscriptions and deliveries; a customer created through the API is announced as `customer.created`. */
  readonly webhooks: WebhookDispatcher
}

/** `X-API-Key`, else `Authorization: Bearer <key>`. */
export const apiKeyOf = (headers: IncomingHttpHeaders): string | undefined => {
  const direct = headers["x-api-key"]
  const value = Array.isArray(direct) ? direct[0] : direct
  if (value !== undefined && value.trim().length > 0) return value.trim()
  const auth = headers["authorization"]
  const bearer = auth === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(auth)
  return bearer?.[1]?.trim()
}

interface Call {
  readonly req: SimRequest
  readonly apiKey: AutogmsSeedApiKey
  readonly garage: AutogmsSeedGarage
}

export const makeRoutes = (ctx: RouteContext): ReadonlyArray<Route> => {
  const { store } = ctx
  const currentYear = () => new Date(ctx.now()).getUTCFullYear()

  /**
   * Auth, rate limit, permission and garage scope, in that order. A garage the key does not list is 403 whether or not
   * it exists, so a key cannot probe other organisations' garage ids.
   */
  const authorised =
    (write: boolean, handler: (call: Omit<Call, "garage"> & { garage: AutogmsSeedGarage | undefined }) => SimResponse) =>
    (req: SimRequest): SimResponse => {
      const gate = ctx.gateOf(req.headers)
      if (gate?.apiKey === undefined) return R.invalidApiKey()
      if (!gate.decision.allowed)
        return R.rateLimited(Math.max(1, Math.ceil((gate.decision.resetAt - ctx.now()) / 1000)))
      if (write && gate.apiKey.access !== "read_write") return R.insufficientPermissions()
      const garageId = req.params["garageId"]
      if (garageId === undefined) return handler({ req, apiKey: gate.apiKey, garage: undefined })
      if (!gate.apiKey.garageIds.includes(garageId)) return R.garageAccessDenied(garageId)
      const garage = store.garages.get(garageId)
      if (garage === undefined) return R.notFound("Garage")
      return handler({ req, apiKey: gate.apiKey, garage })
    }

  const inGarage = (write: boolean, handler: (call: Call) => SimResponse) =>
    authorised(write, (call) => (call.garage === undefined ? R.notFound("Garage") : handler({ ...call, garage: call.garage })))

  /** `memoKey` names a record set that only changes with the store (a whole garage), so its sort orders can be reused. */
  const listed = (
    entity: "customers" | "vehicles",
    records: ReadonlyArray<StoredRecord>,
    query: URLSearchParams,
    memoKey?: string
  ): SimResponse => {
    const parsed = parseListQuery(query)
    if ("issues" in parsed) return R.validationError(parsed.issues, "Invalid query parameters")
    const sorted =
      memoKey === undefined
        ? undefined
        : (sort: Parameters<typeof sortKeyOf>[0]) =>
            store.memo(`${memoKey}:${sortKeyOf(sort)}`, () => sortRecords(entity, records, sort))
    const { items, pagination } = listPage(entity, records, parsed.query, sorted)
    return R.okList(items.map((r) => toWire(r)), pagination)
  }

  // --- customers ----------------------------------------------------------------------------------------------------

  // Comparison keys per record version (a write stores a new object), so a create scans cheap keys, not raw phones.
  const matchKeys = new WeakMap<StoredRecord, { email?: string; phone?: string; vin?: string }>()
  const keysOf = (record: StoredRecord, country: string) => {
    let keys = matchKeys.get(record)
    if (keys === undefined) {
      keys = { email: emailKey(record["email"]), phone: phoneKey(record["phone"], country), vin: vinKey(record["vin"]) }
      matchKeys.set(record, keys)
    }
    return keys
  }

  /** The first other customer of the garage holding this email, else this phone (E.164 / digits). */
  const customerClash = (garage: AutogmsSeedGarage, fields: Record<string, unknown>, exceptId?: string): string | undefined => {
    const holder = (name: "email" | "phone", key: string | undefined) =>
      key === undefined
        ? undefined
        : store.idsByKey("customers", garage.id, name, (c) => keysOf(c, garage.country)[name], key).find((id) => id !== exceptId)
    return holder("email", emailKey(fields["email"])) ?? holder("phone", phoneKey(fields["phone"], garage.country))
  }

  const matchesSearch = (c: StoredRecord, q: string, country: string): boolean => {
    const needle = q.trim().toLowerCase()
    const texts = [c["firstName"], c["lastName"], c["businessName"], `${c["firstName"] ?? ""} ${c["lastName"] ?? ""}`, c["email"]]
    if (texts.some((t) => typeof t === "string" && t.toLowerCase().includes(needle))) return true
    const qDigits = digitsOf(q)
    if (qDigits.length < 3 || /[a-z]/i.test(q)) return false
    const qPhone = phoneKey(q, country)
    if (qPhone !== undefined && keysOf(c, country).phone === qPhone) return true
    return [c["phone"], c["secondaryPhone"]].some(
      (p) => digitsOf(p).includes(qDigits) || (qPhone !== undefined && p !== c["phone"] && phoneKey(p, country) === qPhone)
    )
  }

  const createCustomer = ({ req, garage }: Call): SimResponse => {
    const checked = validateBody(req.body, customerRules, [])
    if ("issues" in checked) return R.validationError(checked.issues)
    const draft = { ...customerDefaults, ...checked.fields }
    const nameIssues = customerNameIssues(draft)
    if (nameIssues.length > 0) return R.validationError(nameIssues)
    const existingId = customerClash(garage, draft)
    if (existingId !== undefined)
      return R.conflict("CUSTOMER_EXISTS", "A customer with this email or phone already exists", existingId)
    const at = store.stamp()
    const record: StoredRecord = { id: store.nextId("customers"), ...draft, createdAt: at, updatedAt: at, garageId: garage.id }
    const created = toWire(store.put("customers", record))
    ctx.webhooks.emit(garage.id, "customer.created", created, at)
    return R.ok(created, 201)
  }

  const patchCustomer = ({ req, garage }: Call): SimResponse => {
    const current = store.get("customers", garage.id, req.params["customerId"]!)
    if (current === undefined) return R.notFound("Customer")
    const checked = validateBody(req.body, customerRules, [])
    if ("issues" in checked) return R.validationError(checked.issues)
    const next = { ...current, ...checked.fields }
    // Only a patch that touches the name fields is held to the name rule: old records may lack names.
    const touchesName = ["type", "firstName", "lastName", "businessName"].some((f) => f in checked.fields)
    const nameIssues = touchesName ? customerNameIssues(next) : []
    if (nameIssues.length > 0) return R.validationError(nameIssues)
    // Only a value the patch gives the record can clash (contract: a create, or an update that "would give" one): two
    // customers entered in the app may already share one, and re-sending the record's own is no conflict.
    const given = (name: "email" | "phone", key: (v: unknown) => string | undefined) =>
      key(checked.fields[name]) === key(current[name]) ? undefined : checked.fields[name]
    const contact = { email: given("email", emailKey), phone: given("phone", (v) => phoneKey(v, garage.country)) }
    const existingId = customerClash(garage, contact, current.id)
    if (existingId !== undefined)
      return R.conflict("CUSTOMER_EXISTS", "Another customer already has this email or phone", existingId)
    return R.ok(toWire(store.put("customers", { ...next, updatedAt: store.stamp() })))
  }

  // --- vehicles -----------------------------------------------------------------------------------------------------

  const vinClash = (garage: AutogmsSeedGarage, vin: unknown, exceptId?: string): string | undefined => {
    const key = vinKey(vin)
    if (key === undefined) return undefined
    return store.idsByKey("vehicles", garage.id, "vin", (v) => keysOf(v, garage.country).vin, key).find((id) => id !== exceptId)
  }

  const createVehicle = (garage: AutogmsSeedGarage, body: unknown): SimResponse => {
    const checked = validateBody(body, vehicleRules(currentYear()), ["customerId", "make", "model"])
    if ("issues" in checked) return R.validationError(checked.issues)
    const customerId = checked.fields["customerId"] as string
    if (store.get("customers", garage.id, customerId) === undefined)
      return R.validationError([{ field: "customerId", message: `customer ${customerId} does not exist in this garage` }])
    const existingId = vinClash(garage, checked.fields["vin"])
    if (existingId !== undefined) return R.conflict("VEHICLE_EXISTS", "A vehicle with this VIN already exists", existingId)
    const at = store.stamp()
    const { customerId: _c, make, model, ...rest } = checked.fields
    const record: StoredRecord = {
      id: store.nextId("vehicles"),
      customerId,
      make,
      model,
      ...vehicleDefaults,
      ...rest,
      createdAt: at,
      updatedAt: at,
      garageId: garage.id
    }
    return R.ok(toWire(store.put("vehicles", record)), 201)
  }

  const patchVehicle = ({ req, garage }: Call): SimResponse => {
    const current = store.get("vehicles", garage.id, req.params["vehicleId"]!)
    if (current === undefined) return R.notFound("Vehicle")
    const checked = validateBody(req.body, vehicleRules(currentYear()), [])
    if ("issues" in checked) return R.validationError(checked.issues)
    const customerId = checked.fields["customerId"]
    if (typeof customerId === "string" && store.get("customers", garage.id, customerId) === undefined)
      return R.validationError([{ field: "customerId", message: `customer ${customerId} does not exist in this garage` }])
    const givesVin = vinKey(checked.fields["vin"]) !== vinKey(current["vin"])
    const existingId = givesVin ? vinClash(garage, checked.fields["vin"], current.id) : undefined
    if (existingId !== undefined) return R.conflict("VEHICLE_EXISTS", "Another vehicle already has this VIN", existingId)
    return R.ok(toWire(store.put("vehicles", { ...current, ...checked.fields, updatedAt: store.stamp() })))
  }

  const vehicleFilters = (query: URLSearchParams) => {
    const customerId = query.get("customerId")
    const vin = query.get("vin")
    const plate = query.get("licensePlate")
    return (v: StoredRecord): boolean =>
      (customerId === null || v["customerId"] === customerId) &&
      (vin === null || vinKey(v["vin"]) === vinKey(vin)) &&
      (plate === null || plateKey(v["licensePlate"]) === plateKey(plate))
  }

  return [
    {
      method: "GET",
      pattern: "/garages",
      handler: authorised(false, ({ req, apiKey }) => {
        const parsed = parseListQuery(req.query)
        if ("issues" in parsed) return R.validationError(parsed.issues, "Invalid query parameters")
        const { page, limit } = parsed.query
        const garages = apiKey.garageIds.flatMap((id) => store.garages.get(id) ?? [])
        const totalPages = Math.ceil(garages.length / limit)
        return R.okList(garages.slice((page - 1) * limit, page * limit), {
          page,
          limit,
          total: garages.length,
          totalPages,
          hasMore: page < totalPages
        })
      })
    },
    { method: "GET", pattern: "/garages/:garageId", handler: inGarage(false, ({ garage }) => R.ok(garage)) },

    {
      method: "GET",
      pattern: "/garages/:garageId/customers",
      handler: inGarage(false, ({ req, garage }) =>
        listed("customers", store.inGarage("customers", garage.id), req.query, `customers:${garage.id}`)
      )
    },
    {
      method: "GET",
      pattern: "/garages/:garageId/customers/search",
      handler: inGarage(false, ({ req, garage }) => {
        const q = req.query.get("q")
        if (q === null || q.trim().length === 0) return R.validationError([{ field: "q", message: "q is required" }])
        const hits = store.inGarage("customers", garage.id).filter((c) => matchesSearch(c, q, garage.country))
        return listed("customers", hits, req.query)
      })
    },
    { method: "POST", pattern: "/garages/:garageId/customers", handler: inGarage(true, createCustomer) },
    {
      method: "GET",
      pattern: "/garages/:garageId/customers/:customerId",
      handler: inGarage(false, ({ req, garage }) => {
        const c = store.get("customers", garage.id, req.params["customerId"]!)
        return c === undefined ? R.notFound("Customer") : R.ok(toWire(c, true))
      })
    },
    { method: "PATCH", pattern: "/garages/:garageId/customers/:customerId", handler: inGarage(true, patchCustomer) },
    {
      method: "GET",
      pattern: "/garages/:garageId/customers/:customerId/vehicles",
      handler: inGarage(false, ({ req, garage }) => {
        const customerId = req.params["customerId"]!
        if (store.get("customers", garage.id, customerId) === undefined) return R.notFound("Customer")
        const owned = store.inGarage("vehicles", garage.id).filter((v) => v["customerId"] === customerId)
        return listed("vehicles", owned, req.query)
      })
    },
    {
      method: "POST",
      pattern: "/garages/:garageId/customers/:customerId/vehicles",
      handler: inGarage(true, ({ req, garage }) => {
        const customerId = req.params["customerId"]!
        if (store.get("customers", garage.id, customerId) === undefined) return R.notFound("Customer")
        // The path names the owner; a customerId in the body is overridden by it.
        const body = typeof req.body === "object" && req.body !== null && !Array.isArray(req.body) ? { ...req.body, customerId } : req.body
        return createVehicle(garage, body)
      })
    },

    {
      method: "GET",
      pattern: "/garages/:garageId/vehicles",
      handler: inGarage(false, ({ req, garage }) => {
        const all = store.inGarage("vehicles", garage.id)
        const filtered = ["customerId", "vin", "licensePlate"].some((f) => req.query.has(f))
        return filtered
          ? listed("vehicles", all.filter(vehicleFilters(req.query)), req.query)
          : listed("vehicles", all, req.query, `vehicles:${garage.id}`)
      })
    },
    { method: "POST", pattern: "/garages/:garageId/vehicles", handler: inGarage(true, ({ req, garage }) => createVehicle(garage, req.body)) },
    {
      method: "GET",
      pattern: "/garages/:garageId/vehicles/vin-lookup",
      handler: inGarage(false, ({ req, garage }) => {
        const vin = req.query.get("vin")
        if (vin === null || vin.trim().length === 0) return R.validationError([{ field: "vin", message: "vin is required" }])
        const key = vinKey(vin)
        const known = store.inGarage("vehicles", garage.id).find((v) => vinKey(v["vin"]) === key)
        return R.ok(lookupVin(vin, currentYear(), known))
      })
    },
    {
      method: "GET",
      pattern: "/garages/:garageId/vehicles/:vehicleId",
      handler: inGarage(false, ({ req, garage }) => {
        const v = store.get("vehicles", garage.id, req.params["vehicleId"]!)
        return v === undefined ? R.notFound("Vehicle") : R.ok(toWire(v))
      })
    },
    { method: "PATCH", pattern: "/garages/:garageId/vehicles/:vehicleId", handler: inGarage(true, patchVehicle) },
    {
      method: "DELETE",
      pattern: "/garages/:garageId/vehicles/:vehicleId",
      handler: inGarage(true, ({ req, garage }) => {
        const v = store.get("vehicles", garage.id, req.params["vehicleId"]!)
        if (v === undefined) return R.notFound("Vehicle")
        store.remove("vehicles", v.id)
        return R.ok({ id: v.id, deleted: true })
      })
    },
    ...webhookRoutes(inGarage, ctx.webhooks)
  ]
}
