import { readFileSync } from "node:fs"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { Either, Option, type Schema } from "effect"
import {
  AutogmsCustomerListResponse,
  AutogmsCustomerResponse,
  AutogmsDeleteResponse,
  AutogmsErrorEnvelope,
  AutogmsGarageListResponse,
  AutogmsGarageResponse,
  AutogmsVehicleListResponse,
  AutogmsVehicleResponse,
  AutogmsVinLookupResponse,
  decodeAutogms,
  decodeAutogmsRateLimit,
  decodeAutogmsRetryAfterSeconds,
  isKnownAutogmsErrorCode
} from "../../src/sources/autogms/schema.js"
import { computeVinCheckDigit, withCorrectCheckDigit } from "../../src/domain/vin.js"
import { sandboxAutogmsSeed, startAutogmsSim, type AutogmsSeed, type AutogmsSim } from "../../src/sim/autogms/index.js"

const RW = "agms_pk_test_sandbox_rw"
const RO = "agms_pk_test_sandbox_ro"
const OTHER = "agms_pk_test_other_rw"

/**
 * Replies are read as loose JSON on purpose: this file probes the simulator as an outside caller would, and the
 * assertions (plus the schema-conformance tests) are what check the shapes.
 */
type Json = ReturnType<typeof JSON.parse>

interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly body: Json
}

const call = async (
  sim: AutogmsSim,
  method: string,
  path: string,
  options: { key?: string | null; bearer?: string; body?: unknown; rawBody?: string } = {}
): Promise<Reply> => {
  const headers: Record<string, string> = { "content-type": "application/json" }
  const key = options.key === undefined ? RW : options.key
  if (key !== null) headers["X-API-Key"] = key
  if (options.bearer !== undefined) headers["Authorization"] = `Bearer ${options.bearer}`
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text.length > 0 ? JSON.parse(text) : undefined }
}

const day = (d: string) => `${d}T12:00:00.000Z`

const customer = (n: number, extra: Record<string, unknown> = {}) => ({
  garageId: "garage-1",
  id: `cus_${String(n).padStart(6, "0")}`,
  type: "individual",
  firstName: `First${n}`,
  lastName: `Last${n}`,
  email: `c${n}@example.com`,
  phone: null,
  tags: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...extra
})

const seedWith = (customers: Array<Record<string, unknown>>, vehicles: Array<Record<string, unknown>> = []): AutogmsSeed =>
  ({ ...sandboxAutogmsSeed, customers, vehicles }) as unknown as AutogmsSeed

const G = "/garages/garage-1"
const VALID_VIN = "1HGCM82633A004352"

describe("autoGMS simulator over HTTP", () => {
  let sim: AutogmsSim
  beforeAll(async () => {
    sim = await startAutogmsSim()
  })
  afterAll(async () => {
    await sim.close()
  })
  beforeEach(() => {
    sim.seed(seedWith([customer(1, { phone: "+15551234567" }), customer(2, { type: "business", firstName: null, lastName: null, businessName: "Acme Fleet" })]))
    sim.faults.configure({ seed: 1, serverErrorRate: 0, resetRate: 0, lostResponseRate: 0, latencyMs: 0, latencySpikeRate: 0 })
    sim.faults.resetInjected()
    sim.resetStats()
  })

  describe("auth and scope", () => {
    it("rejects a missing or unknown key with 401, still with rate-limit headers", async () => {
      for (const key of [null, "agms_pk_live_nope"]) {
        const r = await call(sim, "GET", "/garages", { key })
        expect(r.status).toBe(401)
        expect(r.body).toMatchObject({ success: false, error: { type: "AuthenticationError", code: "INVALID_API_KEY" } })
        expect(r.headers.get("ratelimit-limit")).not.toBeNull()
      }
    })

    it("accepts Authorization: Bearer", async () => {
      const r = await call(sim, "GET", "/garages", { key: null, bearer: RW })
      expect(r.status).toBe(200)
    })

    it("refuses writes with a read-only key, allows its reads", async () => {
      expect((await call(sim, "GET", `${G}/customers`, { key: RO })).status).toBe(200)
      const r = await call(sim, "POST", `${G}/customers`, { key: RO, body: { firstName: "A", lastName: "B" } })
      expect(r.status).toBe(403)
      expect(r.body.error).toMatchObject({ type: "ForbiddenError", code: "INSUFFICIENT_PERMISSIONS" })
      expect((await call(sim, "DELETE", `${G}/vehicles/veh_000001`, { key: RO })).status).toBe(403)
    })

    it("scopes garages: another organisation's garage and an unknown one are both 403", async () => {
      const other = await call(sim, "GET", "/garages/garage-2/customers")
      expect(other.status).toBe(403)
      expect(other.body.error.code).toBe("GARAGE_ACCESS_DENIED")
      const unknown = await call(sim, "GET", "/garages/garage-999")
      expect(unknown.status).toBe(403)
      expect(unknown.body.error.code).toBe("GARAGE_ACCESS_DENIED")
      expect((await call(sim, "GET", "/garages/garage-2", { key: OTHER })).status).toBe(200)
    })
  })

  describe("schema conformance", () => {
    it("every answer decodes with the client's wire schemas (src/sources/autogms/schema.ts)", async () => {
      const decodes = <A, I>(schema: Schema.Schema<A, I, never>, reply: Reply) => {
        const result = decodeAutogms(schema)(reply.body)
        expect(Either.isRight(result), Either.isLeft(result) ? result.left.message : "").toBe(true)
        expect(Option.isSome(decodeAutogmsRateLimit(Object.fromEntries(reply.headers)))).toBe(true)
      }
      decodes(AutogmsGarageListResponse, await call(sim, "GET", "/garages"))
      decodes(AutogmsGarageResponse, await call(sim, "GET", G))
      const created = await call(sim, "POST", `${G}/customers`, { body: { firstName: "S", lastName: "C", address: { line1: "x" } } })
      decodes(AutogmsCustomerResponse, created)
      decodes(AutogmsCustomerResponse, await call(sim, "GET", `${G}/customers/${created.body.data.id}`))
      decodes(AutogmsCustomerResponse, await call(sim, "PATCH", `${G}/customers/${created.body.data.id}`, { body: { notes: "n" } }))
      decodes(AutogmsCustomerListResponse, await call(sim, "GET", `${G}/customers?limit=1`))
      decodes(AutogmsCustomerListResponse, await call(sim, "GET", `${G}/customers/search?q=first`))
      const vehicle = await call(sim, "POST", `${G}/vehicles`, { body: { customerId: created.body.data.id, make: "Kia", model: "Rio" } })
      decodes(AutogmsVehicleResponse, vehicle)
      decodes(AutogmsVehicleResponse, await call(sim, "GET", `${G}/vehicles/${vehicle.body.data.id}`))
      decodes(AutogmsVehicleListResponse, await call(sim, "GET", `${G}/vehicles`))
      decodes(AutogmsVehicleListResponse, await call(sim, "GET", `${G}/customers/${created.body.data.id}/vehicles`))
      decodes(AutogmsVinLookupResponse, await call(sim, "GET", `${G}/vehicles/vin-lookup?vin=${VALID_VIN}`))
      decodes(AutogmsDeleteResponse, await call(sim, "DELETE", `${G}/vehicles/${vehicle.body.data.id}`))
      for (const reply of [
        await call(sim, "GET", "/garages", { key: "nope" }),
        await call(sim, "GET", "/garages/garage-2"),
        await call(sim, "GET", `${G}/customers?limit=500`),
        await call(sim, "POST", `${G}/customers`, { body: { firstName: "X", lastName: "Y", email: "c1@example.com" } }),
        await call(sim, "GET", `${G}/nowhere`)
      ]) {
        decodes(AutogmsErrorEnvelope, reply)
        expect(isKnownAutogmsErrorCode(reply.body.error.code)).toBe(true)
      }
    })
  })

  describe("the curated fixture", () => {
    it("loads as given and pages fully at any page size, every page decoding with the wire schemas", async () => {
      const fixture = JSON.parse(readFileSync(new URL("../../fixtures/small/autogms.json", import.meta.url), "utf8")) as AutogmsSeed
      sim.seed(fixture)
      const decodePage = (entity: "customers" | "vehicles", body: unknown) =>
        Either.map(
          entity === "customers" ? decodeAutogms(AutogmsCustomerListResponse)(body) : decodeAutogms(AutogmsVehicleListResponse)(body),
          () => true
        )
      for (const entity of ["customers", "vehicles"] as const) {
        const expected = fixture[entity].filter((r) => r.garageId === "garage-1").map((r) => r.id)
        for (const limit of [7, 100]) {
          const seen: Array<string> = []
          for (let page = 1; ; page++) {
            const r = await call(sim, "GET", `${G}/${entity}?page=${page}&limit=${limit}&sort=updatedAt`)
            const decoded = decodePage(entity, r.body)
            expect(Either.isRight(decoded), Either.isLeft(decoded) ? decoded.left.message : "").toBe(true)
            seen.push(...r.body.data.map((x: { id: string }) => x.id))
            if (!r.body.pagination.hasMore) break
          }
          expect([...seen].sort()).toEqual([...expected].sort())
        }
      }
    })
  })

  describe("garages", () => {
    it("lists the key's garages and shows one", async () => {
      const list = await call(sim, "GET", "/garages")
      expect(list.body.data.map((g: { id: string }) => g.id)).toEqual(["garage-1"])
      expect(list.body.pagination).toEqual({ page: 1, limit: 20, total: 1, totalPages: 1, hasMore: false })
      const one = await call(sim, "GET", "/garages/garage-1")
      expect(one.body).toEqual({
        success: true,
        data: { id: "garage-1", name: "Sandbox Auto Repair", country: "US", timezone: "America/Chicago", currency: "USD", distanceUnit: "mi" }
      })
    })
  })

  describe("envelopes and routing", () => {
    it("answers malformed JSON with 400 VALIDATION_ERROR and an unknown route with 404", async () => {
      const bad = await call(sim, "POST", `${G}/customers`, { rawBody: "{not json" })
      expect(bad.status).toBe(400)
      expect(bad.body.error).toMatchObject({ type: "ValidationError", code: "VALIDATION_ERROR" })
      const missing = await call(sim, "GET", `${G}/bookings-nope`)
      expect(missing.status).toBe(404)
      expect(missing.body).toMatchObject({ success: false, error: { type: "NotFoundError", code: "RESOURCE_NOT_FOUND" } })
    })
  })

  describe("customer listing", () => {
    const many = Array.from({ length: 250 }, (_, i) =>
      customer(i + 1, { createdAt: "2026-01-01T00:00:00.000Z", updatedAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString() })
    )

    it("pages to the end: 250 records at limit 100 are 3 pages, hasMore false on the last", async () => {
      sim.seed(seedWith(many))
      const seen: Array<string> = []
      for (let page = 1; page <= 3; page++) {
        const r = await call(sim, "GET", `${G}/customers?page=${page}&limit=100`)
        expect(r.body.pagination).toEqual({ page, limit: 100, total: 250, totalPages: 3, hasMore: page < 3 })
        seen.push(...r.body.data.map((c: { id: string }) => c.id))
      }
      expect(seen.length).toBe(250)
      expect(new Set(seen).size).toBe(250)
      const past = await call(sim, "GET", `${G}/customers?page=4&limit=100`)
      expect(past.body.data).toEqual([])
      expect(past.body.pagination.hasMore).toBe(false)
      const defaults = await call(sim, "GET", `${G}/customers`)
      expect(defaults.body.pagination).toMatchObject({ page: 1, limit: 20, totalPages: 13 })
      expect(defaults.body.data).toHaveLength(20)
    })

    it("rejects limit over 100, page below 1 and non-numeric paging with details", async () => {
      const over = await call(sim, "GET", `${G}/customers?limit=101`)
      expect(over.status).toBe(400)
      expect(over.body.error.code).toBe("VALIDATION_ERROR")
      expect(over.body.error.details).toEqual([expect.objectContaining({ field: "limit" })])
      for (const q of ["page=0", "page=abc", "limit=0", "limit=ten"]) {
        expect((await call(sim, "GET", `${G}/customers?${q}`)).status).toBe(400)
      }
    })

    it("sorts by createdAt, updatedAt and name, descending with -, ties broken by id", async () => {
      sim.seed(seedWith(many.slice(0, 5)))
      const ids = async (sort: string) => (await call(sim, "GET", `${G}/customers?sort=${sort}`)).body.data.map((c: { id: string }) => c.id)
      const asc = ["cus_000001", "cus_000002", "cus_000003", "cus_000004", "cus_000005"]
      expect(await ids("updatedAt")).toEqual(asc)
      expect(await ids("-updatedAt")).toEqual([...asc].reverse())
      // Every createdAt is equal: the id decides, in the sort's direction.
      expect(await ids("createdAt")).toEqual(asc)
      expect(await ids("-createdAt")).toEqual([...asc].reverse())
      sim.seed(seedWith([customer(1, { lastName: "Zed" }), customer(2, { lastName: "adams" }), customer(3, { lastName: "Miller" })]))
      expect(await ids("name")).toEqual(["cus_000002", "cus_000003", "cus_000001"])
      const unknown = await call(sim, "GET", `${G}/customers?sort=color`)
      expect(unknown.status).toBe(400)
      expect(unknown.body.error.details[0].field).toBe("sort")
    })

    it("filters on updatedAt: a bare dateTo covers its whole day, date-times are exact and inclusive", async () => {
      sim.seed(
        seedWith([
          customer(1, { updatedAt: "2026-01-30T23:59:59.999Z" }),
          customer(2, { updatedAt: "2026-01-31T00:00:00.000Z" }),
          customer(3, { updatedAt: "2026-01-31T23:59:59.999Z" }),
          customer(4, { updatedAt: "2026-02-01T00:00:00.000Z" })
        ])
      )
      const ids = async (q: string) => (await call(sim, "GET", `${G}/customers?${q}`)).body.data.map((c: { id: string }) => c.id)
      expect(await ids("dateFrom=2026-01-31&dateTo=2026-01-31")).toEqual(["cus_000002", "cus_000003"])
      expect(await ids("dateFrom=2026-01-31T23:59:59.999Z")).toEqual(["cus_000003", "cus_000004"])
      expect(await ids("dateTo=2026-01-31T00:00:00.000Z")).toEqual(["cus_000001", "cus_000002"])
      const bad = await call(sim, "GET", `${G}/customers?dateFrom=yesterday`)
      expect(bad.status).toBe(400)
      expect(bad.body.error.details[0].field).toBe("dateFrom")
    })
  })

  describe("customer search", () => {
    it("finds by name and email case-insensitively and by phone ignoring formatting", async () => {
      const ids = async (q: string) =>
        (await call(sim, "GET", `${G}/customers/search?q=${encodeURIComponent(q)}`)).body.data.map((c: { id: string }) => c.id)
      expect(await ids("first1")).toEqual(["cus_000001"])
      expect(await ids("ACME")).toEqual(["cus_000002"])
      expect(await ids("C2@EXAMPLE")).toEqual(["cus_000002"])
      expect(await ids("(555) 123-4567")).toEqual(["cus_000001"])
      expect(await ids("+1 555 123 4567")).toEqual(["cus_000001"])
      expect(await ids("nobody")).toEqual([])
      expect((await call(sim, "GET", `${G}/customers/search`)).status).toBe(400)
    })
  })

  describe("customer writes", () => {
    it("creates with 201 and a new id that does not collide with seeded ones", async () => {
      sim.seed(seedWith([customer(41)]))
      const r = await call(sim, "POST", `${G}/customers`, {
        body: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", address: { line1: "1 Main", city: "X", country: "us" }, id: "ignored" }
      })
      expect(r.status).toBe(201)
      expect(r.body.success).toBe(true)
      expect(r.body.data).toMatchObject({ id: "cus_000042", type: "individual", firstName: "Ada", email: "ada@example.com", tags: [] })
      expect(r.body.data.address.country).toBe("US")
      expect(r.body.data.createdAt).toBe(r.body.data.updatedAt)
      expect((await call(sim, "GET", `${G}/customers/cus_000042`)).body.data.firstName).toBe("Ada")
    })

    it("validates with details: names, business name, email, enums", async () => {
      const cases: Array<[unknown, string]> = [
        [{ firstName: "OnlyFirst" }, "lastName"],
        [{ type: "business", firstName: "A", lastName: "B" }, "businessName"],
        [{ firstName: "A", lastName: "B", email: "not-an-email" }, "email"],
        [{ firstName: "A", lastName: "B", preferredContact: "pigeon" }, "preferredContact"],
        [{ firstName: "A", lastName: "B", type: "government" }, "type"],
        [{ firstName: "A", lastName: "B", tags: "vip" }, "tags"],
        [[1, 2], "body"]
      ]
      for (const [body, field] of cases) {
        const r = await call(sim, "POST", `${G}/customers`, { body })
        expect(r.status, JSON.stringify(body)).toBe(400)
        expect(r.body.error.type).toBe("ValidationError")
        expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field)
      }
      expect((await call(sim, "POST", `${G}/customers`, { body: { type: "business", businessName: "Fleet Co" } })).status).toBe(201)
    })

    it("409 CUSTOMER_EXISTS with existingId on a clashing email (any case) or phone (any format)", async () => {
      const byEmail = await call(sim, "POST", `${G}/customers`, { body: { firstName: "X", lastName: "Y", email: "C1@Example.COM" } })
      expect(byEmail.status).toBe(409)
      expect(byEmail.body.error).toMatchObject({ type: "ConflictError", code: "CUSTOMER_EXISTS", existingId: "cus_000001" })
      const byPhone = await call(sim, "POST", `${G}/customers`, { body: { firstName: "X", lastName: "Y", phone: "(555) 123-4567" } })
      expect(byPhone.status).toBe(409)
      expect(byPhone.body.error.existingId).toBe("cus_000001")
      // The same email in another garage is no clash.
      const elsewhere = await call(sim, "POST", "/garages/garage-2/customers", { key: OTHER, body: { firstName: "X", lastName: "Y", email: "c1@example.com" } })
      expect(elsewhere.status).toBe(201)
    })

    it("PATCH updates only the given fields and bumps updatedAt; taking another's email is 409", async () => {
      const r = await call(sim, "PATCH", `${G}/customers/cus_000001`, { body: { notes: "prefers mornings" } })
      expect(r.status).toBe(200)
      expect(r.body.data).toMatchObject({ id: "cus_000001", notes: "prefers mornings", firstName: "First1", email: "c1@example.com" })
      expect(Date.parse(r.body.data.updatedAt)).toBeGreaterThan(Date.parse("2026-01-01T00:00:00.000Z"))
      const own = await call(sim, "PATCH", `${G}/customers/cus_000001`, { body: { email: "C1@example.com" } })
      expect(own.status).toBe(200)
      const taken = await call(sim, "PATCH", `${G}/customers/cus_000001`, { body: { email: "c2@example.com" } })
      expect(taken.status).toBe(409)
      expect(taken.body.error).toMatchObject({ code: "CUSTOMER_EXISTS", existingId: "cus_000002" })
      // Two customers entered in the app may share an email: re-sending a record's own is no clash, giving it one is.
      sim.seed(seedWith([customer(1, { email: "shared@example.com" }), customer(2, { email: "shared@example.com" }), customer(3)]))
      expect((await call(sim, "PATCH", `${G}/customers/cus_000002`, { body: { email: "shared@example.com", notes: "kept" } })).status).toBe(200)
      expect((await call(sim, "PATCH", `${G}/customers/cus_000003`, { body: { email: "Shared@example.com" } })).body.error).toMatchObject({ code: "CUSTOMER_EXISTS" })
      const cleared = await call(sim, "PATCH", `${G}/customers/cus_000001`, { body: { lastName: "" } })
      expect(cleared.status).toBe(400)
      expect((await call(sim, "PATCH", `${G}/customers/cus_999999`, { body: {} })).status).toBe(404)
    })

    it("lists reflect writes at once (no stale order after a create, a patch or a delete)", async () => {
      const ids = async (q: string) => (await call(sim, "GET", `${G}/${q}`)).body.data.map((c: { id: string }) => c.id)
      expect(await ids("customers?sort=-updatedAt")).toEqual(["cus_000002", "cus_000001"])
      await call(sim, "PATCH", `${G}/customers/cus_000001`, { body: { notes: "x" } })
      expect(await ids("customers?sort=-updatedAt")).toEqual(["cus_000001", "cus_000002"])
      const created = await call(sim, "POST", `${G}/customers`, { body: { firstName: "New", lastName: "One" } })
      expect(await ids("customers?sort=-updatedAt")).toEqual([created.body.data.id, "cus_000001", "cus_000002"])
      const v = await call(sim, "POST", `${G}/vehicles`, { body: { customerId: "cus_000001", make: "Kia", model: "Rio" } })
      expect(await ids("vehicles")).toEqual([v.body.data.id])
      await call(sim, "DELETE", `${G}/vehicles/${v.body.data.id}`)
      expect(await ids("vehicles")).toEqual([])
    })

    it("GET one adds booking stats; lists do not", async () => {
      const one = await call(sim, "GET", `${G}/customers/cus_000001`)
      expect(one.body.data.stats).toEqual({ totalBookings: 0, lastVisitAt: null, totalSpend: 0 })
      const list = await call(sim, "GET", `${G}/customers`)
      expect(list.body.data[0].stats).toBeUndefined()
      expect(list.body.data[0].garageId).toBeUndefined()
      const missing = await call(sim, "GET", `${G}/customers/cus_424242`)
      expect(missing.status).toBe(404)
      expect(missing.body.error.code).toBe("RESOURCE_NOT_FOUND")
    })
  })

  describe("vehicles", () => {
    const create = (body: Record<string, unknown>) => call(sim, "POST", `${G}/vehicles`, { body })

    it("creates with 201, lists by customer, VIN (any form) and plate, moves and deletes", async () => {
      const a = await create({ customerId: "cus_000001", make: "Honda", model: "Accord", vin: "1hgcm8263-3a004352", licensePlate: "ABC-123", mileage: 1000, mileageUnit: "mi", drivetrain: "fwd" })
      expect(a.status).toBe(201)
      expect(a.body.data).toMatchObject({ id: "veh_000001", customerId: "cus_000001", vin: VALID_VIN, year: null, transmission: null })
      const b = await call(sim, "POST", `${G}/customers/cus_000002/vehicles`, { body: { make: "Ford", model: "Transit", customerId: "cus_000001" } })
      expect(b.status).toBe(201)
      expect(b.body.data.customerId).toBe("cus_000002")

      const ids = async (q: string) => (await call(sim, "GET", `${G}/vehicles?${q}`)).body.data.map((v: { id: string }) => v.id)
      expect(await ids("customerId=cus_000002")).toEqual(["veh_000002"])
      expect(await ids(`vin=${VALID_VIN.toLowerCase()}`)).toEqual(["veh_000001"])
      expect(await ids("licensePlate=abc%20123")).toEqual(["veh_000001"])
      expect((await call(sim, "GET", `${G}/customers/cus_000001/vehicles`)).body.data.map((v: { id: string }) => v.id)).toEqual(["veh_000001"])

      const moved = await call(sim, "PATCH", `${G}/vehicles/veh_000001`, { body: { customerId: "cus_000002", mileage: 1200 } })
      expect(moved.status).toBe(200)
      expect(moved.body.data).toMatchObject({ customerId: "cus_000002", mileage: 1200, make: "Honda" })
      expect((await call(sim, "GET", `${G}/customers/cus_000001/vehicles`)).body.data).toEqual([])

      const del = await call(sim, "DELETE", `${G}/vehicles/veh_000001`)
      expect(del).toMatchObject({ status: 200, body: { success: true, data: { id: "veh_000001", deleted: true } } })
      expect((await call(sim, "GET", `${G}/vehicles/veh_000001`)).status).toBe(404)
      expect((await call(sim, "DELETE", `${G}/vehicles/veh_000001`)).status).toBe(404)
    })

    it("validates: customer of this garage, make, model, VIN form, integer mileage, enums", async () => {
      const base = { customerId: "cus_000001", make: "Honda", model: "Civic" }
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ make: "Honda", model: "Civic" }, "customerId"],
        [{ ...base, customerId: "cus_777777" }, "customerId"],
        [{ customerId: "cus_000001", model: "Civic" }, "make"],
        [{ ...base, model: "" }, "model"],
        [{ ...base, vin: "1HGCM82633A00435" }, "vin"],
        [{ ...base, vin: "1HGCM82633A00435O" }, "vin"],
        [{ ...base, mileage: 10.5 }, "mileage"],
        [{ ...base, drivetrain: "6x6" }, "drivetrain"],
        [{ ...base, transmission: "Automatic" }, "transmission"],
        [{ ...base, mileageUnit: "miles" }, "mileageUnit"],
        [{ ...base, year: "2003" }, "year"]
      ]
      for (const [body, field] of cases) {
        const r = await create(body)
        expect(r.status, JSON.stringify(body)).toBe(400)
        expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field)
      }
      const badCheckDigit = VALID_VIN.slice(0, 8) + (computeVinCheckDigit(VALID_VIN) === "1" ? "2" : "1") + VALID_VIN.slice(9)
      expect((await create({ ...base, vin: badCheckDigit })).status).toBe(201)
      expect((await call(sim, "POST", `${G}/customers/cus_777777/vehicles`, { body: base })).status).toBe(404)
      expect((await call(sim, "PATCH", `${G}/vehicles/veh_000001`, { body: { customerId: "cus_777777" } })).status).toBe(400)
    })

    it("409 VEHICLE_EXISTS with existingId when a create or an update would duplicate a VIN", async () => {
      const first = await create({ customerId: "cus_000001", make: "Honda", model: "Accord", vin: VALID_VIN })
      const second = await create({ customerId: "cus_000002", make: "Ford", model: "F-150" })
      const dup = await create({ customerId: "cus_000002", make: "Honda", model: "Accord", vin: VALID_VIN.toLowerCase() })
      expect(dup.status).toBe(409)
      expect(dup.body.error).toMatchObject({ type: "ConflictError", code: "VEHICLE_EXISTS", existingId: first.body.data.id })
      const upd = await call(sim, "PATCH", `${G}/vehicles/${second.body.data.id}`, { body: { vin: VALID_VIN } })
      expect(upd.status).toBe(409)
      expect(upd.body.error.existingId).toBe(first.body.data.id)
      expect((await call(sim, "PATCH", `${G}/vehicles/${first.body.data.id}`, { body: { vin: VALID_VIN } })).status).toBe(200)
      // A VIN two vehicles already share (entered in the app) is no clash for either when re-sent.
      const twin = sim.create("vehicles", "garage-1", { customerId: "cus_000002", make: "Honda", model: "Accord", vin: VALID_VIN })
      expect((await call(sim, "PATCH", `${G}/vehicles/${twin.id}`, { body: { vin: VALID_VIN, notes: "kept" } })).status).toBe(200)
    })
  })

  describe("VIN lookup", () => {
    const lookup = async (vin: string) => (await call(sim, "GET", `${G}/vehicles/vin-lookup?vin=${encodeURIComponent(vin)}`)).body.data

    it("decodes a valid VIN: check digit, model year from position 10, manufacturer from the WMI", async () => {
      expect(await lookup(VALID_VIN)).toEqual({
        vin: VALID_VIN,
        valid: true,
        checkDigitValid: true,
        make: "Honda",
        model: null,
        year: 2003,
        manufacturer: "American Honda Motor Co."
      })
      const tesla = withCorrectCheckDigit("5YJ3E1EA0LF000001")
      expect(await lookup(tesla)).toMatchObject({ checkDigitValid: true, year: 2020, make: "Tesla" })
    })

    it("takes make and model from a vehicle of the garage with that VIN", async () => {
      await call(sim, "POST", `${G}/vehicles`, { body: { customerId: "cus_000001", make: "Honda", model: "Accord EX", vin: VALID_VIN } })
      expect(await lookup(VALID_VIN)).toMatchObject({ make: "Honda", model: "Accord EX" })
    })

    it("reports a bad check digit and a malformed VIN; an unknown WMI decodes to null", async () => {
      const bad = VALID_VIN.slice(0, 8) + "9" + VALID_VIN.slice(9)
      expect(await lookup(bad)).toMatchObject({ valid: true, checkDigitValid: false, year: 2003 })
      expect(await lookup("NOT-A-VIN")).toMatchObject({ valid: false, checkDigitValid: false, make: null, year: null, manufacturer: null })
      const unknownWmi = withCorrectCheckDigit("9ZZZZ11Z0RZ000001")
      expect(await lookup(unknownWmi)).toMatchObject({ valid: true, checkDigitValid: true, make: null, manufacturer: null })
      expect((await call(sim, "GET", `${G}/vehicles/vin-lookup`)).status).toBe(400)
    })
  })

  describe("faults", () => {
    it("a lost response (502 or cut connection) still applies the write, visible in dump", async () => {
      sim.faults.configure({ lostResponseRate: 1, lostAs: "502" })
      const r = await call(sim, "POST", `${G}/customers`, { body: { firstName: "Lost", lastName: "Reply", email: "lost@example.com" } })
      expect(r.status).toBe(502)
      sim.faults.configure({ lostAs: "reset" })
      await expect(call(sim, "POST", `${G}/customers`, { body: { firstName: "Cut", lastName: "Off" } })).rejects.toThrow()
      sim.faults.configure({ lostResponseRate: 0 })
      const names = sim.dump().customers.map((c) => c["firstName"])
      expect(names).toContain("Lost")
      expect(names).toContain("Cut")
      // The retry a careful client makes finds the first write instead of a duplicate.
      const retry = await call(sim, "POST", `${G}/customers`, { body: { firstName: "Lost", lastName: "Reply", email: "lost@example.com" } })
      expect(retry.status).toBe(409)
    })

    it("a 5xx or a reset before handling applies nothing", async () => {
      sim.faults.configure({ serverErrorRate: 1 })
      const failed = await call(sim, "POST", `${G}/customers`, { body: { firstName: "Never", lastName: "Stored" } })
      expect(failed.status).toBe(500)
      expect(failed.body.success).toBe(false)
      expect(failed.headers.get("ratelimit-remaining")).not.toBeNull()
      sim.faults.configure({ serverErrorRate: 0, resetRate: 1 })
      await expect(call(sim, "POST", `${G}/customers`, { body: { firstName: "Never", lastName: "Stored" } })).rejects.toThrow()
      sim.faults.configure({ resetRate: 0 })
      expect(sim.dump().customers.map((c) => c["firstName"])).not.toContain("Never")
      expect(sim.stats().byStatus).toMatchObject({ "500": 1, "0": 1 })
    })

    it("counts what it injected by kind, under GET /__sim/faults; a spike holds the answer of an applied write back", async () => {
      sim.faults.configure({ lostResponseRate: 1, lostAs: "502", latencySpikeRate: 1, latencySpikeMs: 200 })
      const started = Date.now()
      expect((await call(sim, "POST", `${G}/customers`, { body: { firstName: "Late", lastName: "Lost" } })).status).toBe(502)
      expect(Date.now() - started).toBeGreaterThanOrEqual(100)
      expect(sim.dump().customers.map((c) => c["firstName"])).toContain("Late")
      const base = sim.baseUrl.replace("/api/v1", "")
      const faults: Json = await (await fetch(`${base}/__sim/faults`)).json()
      expect(faults.config).toMatchObject({ lostResponseRate: 1, latencySpikeMs: 200 })
      expect(faults.injected).toEqual({ "server-error": 0, reset: 0, "lost-reset": 0, "lost-502": 1, "latency-spike": 1, "token-expiry": 0 })
    })

    it("the same fault seed gives the same faults for the same requests", async () => {
      const run = async () => {
        sim.faults.configure({ seed: 42, serverErrorRate: 0.3 })
        const statuses: Array<number> = []
        for (let i = 0; i < 25; i++) statuses.push((await call(sim, "GET", `${G}/customers`)).status)
        return statuses
      }
      const first = await run()
      expect(first).toContain(500)
      expect(first).toContain(200)
      expect(await run()).toEqual(first)
    })
  })

  describe("test hooks over HTTP", () => {
    it("seed, edit, dump and stats", async () => {
      const base = sim.baseUrl.replace("/api/v1", "")
      const post = (path: string, body: unknown) =>
        fetch(`${base}/__sim${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      expect((await post("/seed", seedWith([customer(7)]))).status).toBe(200)
      const edited: Json = await (await post("/edit/customers/cus_000007", { notes: "edited in the UI" })).json()
      expect(edited.notes).toBe("edited in the UI")
      expect(Date.parse(edited.updatedAt)).toBeGreaterThan(Date.parse("2026-01-01T00:00:00.000Z"))
      expect((await post("/edit/customers/cus_000999", { notes: "x" })).status).toBe(404)
      await call(sim, "GET", `${G}/customers`)
      const dump: Json = await (await fetch(`${base}/__sim/dump`)).json()
      expect(dump.customers).toHaveLength(1)
      expect(dump.customers[0].garageId).toBe("garage-1")
      const stats: Json = await (await fetch(`${base}/__sim/stats`)).json()
      expect(stats.byEndpoint).toEqual({ "GET /garages/:garageId/customers": 1 })
      expect((await post("/stats/reset", {})).status).toBe(200)
      expect(sim.stats().total).toBe(0)
    })
  })
})

describe("autoGMS simulator startup", () => {
  it("rejects, rather than crashing, when the port is taken", async () => {
    const first = await startAutogmsSim()
    try {
      await expect(startAutogmsSim({ port: first.port })).rejects.toMatchObject({ code: "EADDRINUSE" })
    } finally {
      await first.close()
    }
  })
})

describe("autoGMS simulator rate limits and clock", () => {
  let clock = Date.parse(day("2026-03-01"))
  let sim: AutogmsSim
  beforeAll(async () => {
    sim = await startAutogmsSim({ now: () => clock })
  })
  afterAll(async () => {
    await sim.close()
  })

  it("counts RateLimit-Remaining down, then 429 with Retry-After, then a fresh window", async () => {
    sim.configure({ ratePerMinute: { [RO]: 3 }, resetRateLimits: true })
    const reset = Math.ceil((clock + 60_000) / 1000)
    const remaining: Array<string | null> = []
    for (let i = 0; i < 3; i++) {
      const r = await call(sim, "GET", "/garages", { key: RO })
      expect(r.status).toBe(200)
      expect(r.headers.get("ratelimit-limit")).toBe("3")
      expect(r.headers.get("ratelimit-reset")).toBe(String(reset))
      remaining.push(r.headers.get("ratelimit-remaining"))
      clock += 1_000
    }
    expect(remaining).toEqual(["2", "1", "0"])
    const limited = await call(sim, "GET", "/garages", { key: RO })
    expect(limited.status).toBe(429)
    expect(limited.body.error).toMatchObject({ type: "RateLimitError", code: "RATE_LIMIT_EXCEEDED" })
    expect(limited.headers.get("retry-after")).toBe("57")
    expect(decodeAutogmsRetryAfterSeconds(Object.fromEntries(limited.headers), clock)).toEqual(Option.some(57))
    expect(limited.headers.get("ratelimit-remaining")).toBe("0")
    // Another key has its own window.
    expect((await call(sim, "GET", "/garages", { key: RW })).status).toBe(200)
    clock += 57_000
    const fresh = await call(sim, "GET", "/garages", { key: RO })
    expect(fresh.status).toBe(200)
    expect(fresh.headers.get("ratelimit-remaining")).toBe("2")
    expect(sim.stats().throttled).toBe(1)
  })

  it("stamps writes strictly increasing even when the clock stands still", async () => {
    sim.configure({ resetRateLimits: true })
    const a = await call(sim, "POST", `${G}/customers`, { body: { firstName: "A", lastName: "A" } })
    const b = await call(sim, "POST", `${G}/customers`, { body: { firstName: "B", lastName: "B" } })
    const c = await call(sim, "PATCH", `${G}/customers/${a.body.data.id}`, { body: { notes: "n" } })
    const times = [a, b, c].map((r) => Date.parse(r.body.data.updatedAt))
    expect(times).toEqual([clock, clock + 1, clock + 2])
    const edited = sim.edit("customers", b.body.data.id, { lastName: "Bee" })
    expect(Date.parse(edited["updatedAt"] as string)).toBe(clock + 3)
  })
})
