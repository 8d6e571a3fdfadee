import { describe, expect, it } from "@effect/vitest"
import { Chunk, Clock, Effect, Layer, Option, Redacted, Stream } from "effect"
import type { AutogmsConfig } from "../../src/config/autogms.js"
import { layerDispatcher } from "../../src/http/transport.js"
import { AutogmsClient, layer, type AutogmsClientOptions } from "../../src/sources/autogms/client.js"
import { fakeApi, runWithClock, type FakeReply, type SeenRequest } from "./mockApi.js"

const origin = "http://autogms.test"
const config: AutogmsConfig = { baseUrl: `${origin}/api/v1`, apiKey: Redacted.make("agms_pk_test_key"), garageId: "g1", rateLimit: 60 }

const customer = (i: number) => ({
  id: `c${i}`,
  type: "individual",
  firstName: `F${i}`,
  lastName: "L",
  email: `c${i}@example.com`,
  tags: [],
  createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  updatedAt: new Date(Date.UTC(2025, 0, 2, 0, 0, i)).toISOString()
})

const vehicle = { id: "v1", customerId: "c1", vin: "1HGCM82633A004352", make: "Honda", model: "Accord", tags: [], createdAt: "2025-01-01T00:00:00.000Z", updatedAt: "2025-01-01T00:00:00.000Z" }

const err = (status: number, type: string, code: string, message: string, extra: Record<string, unknown> = {}) => ({
  status,
  body: { success: false, error: { type, code, message, ...extra } }
})

const fakeAutogms = (override?: (req: SeenRequest) => FakeReply | undefined, customers = Array.from({ length: 230 }, (_, i) => customer(i))) =>
  fakeApi(origin, (req) => {
    const o = override?.(req)
    if (o !== undefined) return o
    if (req.headers["x-api-key"] !== "agms_pk_test_key") return err(401, "AuthenticationError", "INVALID_API_KEY", "Invalid API key")
    const p = req.path.replace("/api/v1/garages/g1", "")
    if (p === "") return { status: 200, body: { success: true, data: { id: "g1", name: "G", country: "AE", timezone: "Asia/Dubai", currency: "AED", distanceUnit: "km" } } }
    if (p === "/customers" && req.method === "GET") {
      const page = Number(req.query.get("page"))
      const limit = Number(req.query.get("limit"))
      const items = customers.slice((page - 1) * limit, page * limit)
      const totalPages = Math.ceil(customers.length / limit)
      return { status: 200, body: { success: true, data: items, pagination: { page, limit, total: customers.length, totalPages, hasMore: page < totalPages } } }
    }
    return err(404, "NotFoundError", "RESOURCE_NOT_FOUND", "Not found")
  })

const clientLayer = (agent: Parameters<typeof layerDispatcher>[0], options: AutogmsClientOptions = {}, cfg: AutogmsConfig = config) =>
  layer(cfg, { retry: { baseDelayMs: 100, maxDelayMs: 2_000, maxRetries: 4 }, ...options }).pipe(Layer.provide(layerDispatcher(agent)))

const collect = <A, E>(s: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(s), Chunk.toReadonlyArray)

describe("AutogmsClient reads", () => {
  it.effect("pages customers 100 at a time, sorted by createdAt, with the key in X-API-Key", () => {
    const { agent, seen } = fakeAutogms()
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const got = yield* collect(client.customers())
      expect(got).toHaveLength(230)
      expect(new Set(got.map((c) => c.id)).size).toBe(230)
      expect(seen.map((r) => r.query.get("page"))).toEqual(["1", "2", "3"])
      expect(seen[0]!.query.get("limit")).toBe("100")
      expect(seen[0]!.query.get("sort")).toBe("createdAt")
      expect(seen[0]!.headers["x-api-key"]).toBe("agms_pk_test_key")
      expect(seen[0]!.headers.authorization).toBeUndefined()
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("an incremental read sends dateFrom = updatedSince minus the overlap", () => {
    const { agent, seen } = fakeAutogms()
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      yield* collect(client.customers({ updatedSince: new Date("2025-03-01T10:00:00.000Z"), overlapMs: 30_000 }))
      expect(seen[0]!.query.get("dateFrom")).toBe("2025-03-01T09:59:30.000Z")
      expect(seen[0]!.query.get("dateTo")).toBeNull()
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("garage check returns the distance unit", () => {
    const { agent } = fakeAutogms()
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const g = yield* client.garage
      expect(g.distanceUnit).toBe("km")
      expect(g.garage.id).toBe("g1")
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a garage the key cannot reach is a rejected setting naming AUTOGMS_GARAGE_ID and the API's message", () => {
    const { agent } = fakeAutogms((req) => (req.path.endsWith("/garages/g1") ? err(403, "ForbiddenError", "GARAGE_ACCESS_DENIED", "No access to garage g1") : undefined))
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const exit = yield* Effect.exit(client.garage)
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "SettingRejected", variables: ["AUTOGMS_GARAGE_ID", "AUTOGMS_API_KEY"] } } })
      expect(JSON.stringify(exit)).toContain("No access to garage g1")
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a 400 envelope becomes AutogmsApiError with code and details", () => {
    const { agent } = fakeAutogms((req) =>
      req.path.endsWith("/vehicles/vin-lookup") ? err(400, "ValidationError", "VALIDATION_ERROR", "Invalid query", { details: [{ field: "vin", message: "vin is required" }] }) : undefined
    )
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const exit = yield* Effect.exit(client.vinLookup(""))
      expect(exit).toMatchObject({
        _tag: "Failure",
        cause: { error: { _tag: "AutogmsApiError", status: 400, code: "VALIDATION_ERROR", details: [{ field: "vin", message: "vin is required" }] } }
      })
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("getVehicle: the record, or None on 404", () => {
    const { agent } = fakeAutogms((req) => (req.path.endsWith("/vehicles/v1") ? { status: 200, body: { success: true, data: vehicle } } : undefined))
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      expect(Option.getOrThrow(yield* client.getVehicle("v1")).vin).toBe("1HGCM82633A004352")
      expect(Option.isNone(yield* client.getVehicle("v2"))).toBe(true)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("customerVehicles reads GET /customers/{id}/vehicles page by page; an unknown customer is a 404", () => {
    const owned = Array.from({ length: 101 }, (_, i) => ({ ...vehicle, id: `v${i}`, vin: null }))
    const { agent, seen } = fakeAutogms((req) => {
      if (!req.path.endsWith("/customers/c1/vehicles")) return undefined
      const page = Number(req.query.get("page"))
      const limit = Number(req.query.get("limit"))
      const data = owned.slice((page - 1) * limit, page * limit)
      return { status: 200, body: { success: true, data, pagination: { page, limit, total: owned.length, totalPages: 2, hasMore: page < 2 } } }
    })
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      expect((yield* collect(client.customerVehicles("c1"))).map((v) => v.id)).toEqual(owned.map((v) => v.id))
      expect(seen.map((r) => [r.path, r.query.get("page")])).toEqual([
        ["/api/v1/garages/g1/customers/c1/vehicles", "1"],
        ["/api/v1/garages/g1/customers/c1/vehicles", "2"]
      ])
      const gone = yield* Effect.flip(collect(client.customerVehicles("c9")))
      expect(gone).toMatchObject({ _tag: "AutogmsApiError", status: 404 })
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("findVehicles and searchCustomers send their filters", () => {
    const { agent, seen } = fakeAutogms((req) =>
      req.method === "GET" && (req.path.endsWith("/vehicles") || req.path.endsWith("/customers/search"))
        ? { status: 200, body: { success: true, data: [], pagination: { page: 1, limit: 100, total: 0, totalPages: 0, hasMore: false } } }
        : undefined
    )
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      yield* client.findVehicles({ vin: "1HGCM82633A004352" })
      yield* client.searchCustomers("jane@example.com")
      expect(seen[0]!.query.get("vin")).toBe("1HGCM82633A004352")
      expect(seen[0]!.query.has("licensePlate")).toBe(false)
      expect(seen[1]!.path).toBe("/api/v1/garages/g1/customers/search")
      expect(seen[1]!.query.get("q")).toBe("jane@example.com")
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a 429 waits the server's Retry-After, then succeeds", () => {
    const replies: Array<FakeReply> = [{ ...err(429, "RateLimitError", "RATE_LIMIT_EXCEEDED", "Rate limit exceeded"), headers: { "retry-after": "7" } }]
    const { agent } = fakeAutogms((req) => (req.path.endsWith("/garages/g1") ? replies.shift() : undefined))
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const start = yield* Clock.currentTimeMillis
      yield* runWithClock(client.garage, "500 millis")
      expect((yield* Clock.currentTimeMillis) - start).toBeGreaterThanOrEqual(7_000)
      expect(yield* client.requestCounts).toMatchObject({ total: 2, retried: 1, rateLimited: 1 })
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("paces from RateLimit-Remaining / RateLimit-Reset: nothing is sent past Remaining before Reset", () => {
    // The server says 2 left in a window ending at t = 30 s (TestClock starts at 0).
    let remaining = 2
    const { agent, seen } = fakeAutogms((req) => {
      remaining = Math.max(0, remaining - 1)
      return {
        status: 200,
        body: { success: true, data: { ...vehicle, id: req.path.split("/").pop()! } },
        headers: { "ratelimit-limit": "60", "ratelimit-remaining": String(remaining), "ratelimit-reset": "30" }
      }
    })
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const doneAt: Array<number> = []
      const get = (id: string) => Effect.zipRight(client.getVehicle(id), Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => void doneAt.push(t))))
      yield* runWithClock(Effect.forEach(["a", "b", "c", "d"], get, { discard: true }), "1 second")
      expect(seen).toHaveLength(4)
      expect(doneAt[1]).toBeLessThan(1_000)
      expect(doneAt[2]).toBeGreaterThanOrEqual(30_000)
      expect(yield* client.requestCounts).toMatchObject({ rateLimited: 0, paced: 1 })
    }).pipe(Effect.provide(clientLayer(agent)))
  })
})

describe("AutogmsClient writes", () => {
  const newCustomer = { type: "individual" as const, firstName: "Jane", lastName: "Doe", email: "jane@example.com" }

  it.effect("createCustomer returns the created record with its new id", () => {
    const { agent, seen } = fakeAutogms((req) =>
      req.method === "POST" ? { status: 201, body: { success: true, data: { ...customer(9), ...newCustomer, id: "new-1" } } } : undefined
    )
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const created = yield* client.createCustomer(newCustomer)
      expect(created.id).toBe("new-1")
      expect(seen[0]!.body).toEqual(newCustomer)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("409 CUSTOMER_EXISTS is AutogmsConflict carrying existingId", () => {
    const { agent } = fakeAutogms((req) =>
      req.method === "POST" ? err(409, "ConflictError", "CUSTOMER_EXISTS", "A customer with this email exists", { existingId: "c7" }) : undefined
    )
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const exit = yield* Effect.exit(client.createCustomer(newCustomer))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutogmsConflict", code: "CUSTOMER_EXISTS", existingId: "c7" } } })
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("409 VEHICLE_EXISTS on update is AutogmsConflict carrying existingId", () => {
    const { agent } = fakeAutogms((req) =>
      req.method === "PATCH" ? err(409, "ConflictError", "VEHICLE_EXISTS", "VIN taken", { existingId: "v9" }) : undefined
    )
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const exit = yield* Effect.exit(client.updateVehicle("v1", { vin: "1HGCM82633A004352" }))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutogmsConflict", code: "VEHICLE_EXISTS", existingId: "v9" } } })
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a body our schema refuses is NotApplied and nothing is sent", () => {
    const { agent, seen } = fakeAutogms()
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const exit = yield* Effect.exit(client.createVehicle({ customerId: "c1", make: "", model: "X" }))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutogmsWriteNotApplied", status: undefined, code: "VALIDATION_ERROR" } } })
      expect(seen).toHaveLength(0)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  for (const [name, reply] of [
    ["a 502", err(502, "BadGateway", "BAD_GATEWAY", "Bad Gateway")],
    ["a reset after sending", "reset"]
  ] as const) {
    it.effect(`${name} on a create is OutcomeUnknown, sent once`, () => {
      const { agent, seen } = fakeAutogms((req) => (req.method === "POST" ? reply : undefined))
      return Effect.gen(function* () {
        const client = yield* AutogmsClient
        const exit = yield* Effect.exit(runWithClock(client.createCustomer(newCustomer)))
        expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutogmsWriteOutcomeUnknown" } } })
        expect(seen.filter((r) => r.method === "POST")).toHaveLength(1)
      }).pipe(Effect.provide(clientLayer(agent)))
    })
  }

  it.effect("a connection that never reached the server is retried for a write", () => {
    const replies: Array<FakeReply> = ["refused"]
    const { agent, seen } = fakeAutogms((req) =>
      req.method === "DELETE" ? (replies.shift() ?? { status: 200, body: { success: true, data: { id: "v1", deleted: true } } }) : undefined
    )
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const deleted = yield* runWithClock(client.deleteVehicle("v1"))
      expect(deleted).toEqual({ id: "v1", deleted: true })
      expect(seen.filter((r) => r.method === "DELETE")).toHaveLength(2)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a read-only key writing is AutogmsAccessDenied", () => {
    const { agent } = fakeAutogms((req) =>
      req.method === "POST" ? err(403, "ForbiddenError", "INSUFFICIENT_PERMISSIONS", "Read-only key") : undefined
    )
    return Effect.gen(function* () {
      const client = yield* AutogmsClient
      const exit = yield* Effect.exit(client.createCustomer(newCustomer))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutogmsAccessDenied", code: "INSUFFICIENT_PERMISSIONS" } } })
    }).pipe(Effect.provide(clientLayer(agent)))
  })
})
