/**
 * Contract tests for autoGMS: every request and response example of the published docs (fixtures/recorded/autogms/)
 * is decoded with the client's wire schemas AND sent to (or expected from) the simulator, and both must give the same
 * outcome. Booking examples are outside shopbridge: for those the point is that both sides agree on the envelope.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Either, Option, Schema } from "effect"
import { HttpStatusError } from "../../src/http/errors.js"
import { toAutogmsError, toAutogmsWriteError } from "../../src/sources/autogms/errors.js"
import {
  AutogmsCustomer,
  AutogmsCustomerListResponse,
  AutogmsCustomerSearchParams,
  AutogmsErrorEnvelope,
  AutogmsGarageListResponse,
  AutogmsGarageResponse,
  AutogmsList,
  AutogmsListQuery,
  AutogmsSuccess,
  AutogmsVinLookupResponse,
  decodeAutogmsRateLimit
} from "../../src/sources/autogms/schema.js"
import { sandboxAutogmsSeed, startAutogmsSim, type AutogmsSim } from "../../src/sim/autogms/index.js"
import {
  decodeAsClient,
  docsPresent,
  elidedAsEmpty,
  elidedSkeleton,
  notVerbatim,
  queryOf,
  recordedFiles,
  recordedLoader,
  shapeMismatches,
  type Json
} from "./recorded.js"

const recorded = recordedLoader()
const KEY = "agms_pk_test_sandbox_rw"
const G = "/garages/garage-1"

const ahmed = {
  garageId: "garage-1",
  id: "cus_000001",
  type: "individual",
  firstName: "Ahmed",
  lastName: "Khan",
  email: "ahmed@example.com",
  phone: null,
  tags: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-15T00:00:00.000Z"
}

let sim: AutogmsSim
beforeAll(async () => {
  sim = await startAutogmsSim({ seed: { ...sandboxAutogmsSeed, customers: [ahmed], vehicles: [] } })
})
afterAll(async () => {
  await sim.close()
})

interface Reply {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Json
}

const send = async (method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Reply> => {
  const response = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(options.headers ?? { "X-API-Key": KEY }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body)
  })
  const text = await response.text()
  return { status: response.status, headers: Object.fromEntries(response.headers), body: text.length > 0 ? JSON.parse(text) : undefined }
}

/** A doc's path below the API's base with its placeholders filled ("/api/v1/garages/{garageId}/x" → "/garages/garage-1/x"). */
const below = (url: string): string => {
  const parsed = new URL(url, "http://docs.invalid")
  return decodeURIComponent(parsed.pathname).replace(/^\/api\/v1/, "").replace(/\{(garageId|gid)\}/, "garage-1") + parsed.search
}

const rightOf = <A>(result: Either.Either<A, Array<string>>): A => {
  if (Either.isLeft(result)) expect.fail(result.left.join("\n"))
  return Either.getOrThrow(result)
}

const statusError = (status: number, body: unknown) =>
  new HttpStatusError({ method: "POST", path: "/api/v1/garages/garage-1/bookings", status, body, retryAfterMs: undefined })

describe("authentication", () => {
  it("garages.first-request: the doc's header name works on the simulator, whose answer the client decodes; the doc's placeholder key is refused in the error envelope", async () => {
    const doc = recorded.load("autogms/garages.first-request.json")
    const [headerName] = Object.keys(doc.headers ?? {})
    const ok = await send("GET", below(doc.url ?? ""), { headers: { [headerName ?? ""]: KEY } })
    expect(ok.status).toBe(200)
    expect(rightOf(decodeAsClient(AutogmsGarageListResponse, ok.body)).data.map((g) => g.id)).toEqual(["garage-1"])
    const placeholder = await send("GET", below(doc.url ?? ""), { headers: doc.headers ?? {} })
    expect(placeholder.status).toBe(401)
    expect(rightOf(decodeAsClient(AutogmsErrorEnvelope, placeholder.body)).error.code).toBe("INVALID_API_KEY")
  })

  it("bearer-auth.request: Authorization: Bearer <key> reaches the same data as X-API-Key", async () => {
    const doc = recorded.load("autogms/bearer-auth.request.json")
    const [name, value] = Object.entries(doc.headers ?? {})[0] ?? ["", ""]
    const bearer = await send("GET", "/garages", { headers: { [name]: value.replace("<api_key>", KEY) } })
    expect(bearer.status).toBe(200)
    expect(bearer.body).toEqual((await send("GET", "/garages")).body)
    expect((await send("GET", "/garages", { headers: { [name]: value } })).status).toBe(401)
  })
})

describe("envelopes", () => {
  it("envelope.success: the simulator's single-record answers have the doc's shape; the client's envelope takes the doc's", async () => {
    const doc = recorded.load("autogms/envelope.success.json")
    const reply = await send("GET", G)
    expect(shapeMismatches(elidedSkeleton(doc.text ?? ""), reply.body)).toEqual([])
    expect(rightOf(decodeAsClient(AutogmsGarageResponse, reply.body)).data.id).toBe("garage-1")
    expect(Either.isRight(decodeAsClient(AutogmsSuccess(Schema.Struct({})), elidedAsEmpty(doc.text ?? "")))).toBe(true)
  })

  it("envelope.list: the client decodes the doc's list envelope with its pagination as shown; the simulator's lists have the same shape and keys", async () => {
    const doc = recorded.load("autogms/envelope.list.json")
    const decoded = rightOf(decodeAsClient(AutogmsList(AutogmsCustomer), elidedAsEmpty(doc.text ?? "")))
    expect(decoded.pagination).toEqual(elidedSkeleton(doc.text ?? "").pagination)
    const reply = await send("GET", `${G}/customers`)
    expect(shapeMismatches(elidedSkeleton(doc.text ?? ""), reply.body)).toEqual([])
    expect(Object.keys(reply.body.pagination).sort()).toEqual(Object.keys(decoded.pagination).sort())
    expect(rightOf(decodeAsClient(AutogmsCustomerListResponse, reply.body)).data.map((c) => c.id)).toEqual(["cus_000001"])
  })

  it("envelope.error: the client reads the doc's error as a not-found API error; the simulator's not-found is the same type and code", async () => {
    const doc = recorded.load("autogms/envelope.error.json")
    const envelope = rightOf(decodeAsClient(AutogmsErrorEnvelope, doc.example))
    const error = toAutogmsError(statusError(404, doc.example))
    expect(error).toMatchObject({ _tag: "AutogmsApiError", status: 404, type: "NotFoundError", code: "RESOURCE_NOT_FOUND", message: "Booking not found" })
    const reply = await send("GET", `${G}/customers/cus_404404`)
    expect(reply.status).toBe(404)
    expect(shapeMismatches(doc.example, reply.body)).toEqual([])
    expect(reply.body.error).toMatchObject({ type: envelope.error.type, code: envelope.error.code })
  })
})

describe("error codes", () => {
  it("scheduling-error-codes: the client keeps each documented code; a 409 is a conflict and a 400 a write not applied, as the simulator's own 409 is", async () => {
    const doc = recorded.load("autogms/scheduling-error-codes.json")
    const template = recorded.load("autogms/envelope.error.json").example as Json
    const codes = doc.example as Array<{ code: string; status: number }>
    expect(codes).toHaveLength(6)
    for (const { code, status } of codes) {
      const body = { ...template, error: { ...template.error, code } }
      expect(Either.isRight(decodeAsClient(AutogmsErrorEnvelope, body)), code).toBe(true)
      expect(toAutogmsWriteError(statusError(status, body)), code).toMatchObject({
        _tag: status === 409 ? "AutogmsConflict" : "AutogmsWriteNotApplied",
        code
      })
    }
    const duplicate = await send("POST", `${G}/customers`, { body: { firstName: "Other", lastName: "Person", email: ahmed.email } })
    expect(duplicate.status).toBe(409)
    expect(toAutogmsWriteError(statusError(duplicate.status, duplicate.body))).toMatchObject({
      _tag: "AutogmsConflict",
      code: "CUSTOMER_EXISTS",
      existingId: ahmed.id
    })
  })

  it("booking-timeslot.request-body: shopbridge writes no bookings; the simulator says so with a 404 in the documented envelope, which the client reads", async () => {
    const doc = recorded.load("autogms/booking-timeslot.request-body.json")
    const reply = await send("POST", below(doc.path ?? ""), { body: doc.example })
    expect(reply.status).toBe(404)
    expect(shapeMismatches(recorded.load("autogms/envelope.error.json").example, reply.body)).toEqual([])
    expect(toAutogmsWriteError(statusError(reply.status, reply.body))).toMatchObject({ _tag: "AutogmsWriteNotApplied", status: 404 })
  })
})

describe("lists: pagination, sorting, dates, search", () => {
  it("pagination.request: page=2&limit=50 is read the same by the client's query schema and the simulator", async () => {
    const doc = recorded.load("autogms/pagination.request.json")
    const query = queryOf(doc.url ?? "")
    expect(rightOf(decodeAsClient(AutogmsListQuery, query))).toEqual({ page: 2, limit: 50 })
    const reply = await send("GET", `${G}/customers?${new URLSearchParams(query)}`)
    expect(reply.status).toBe(200)
    expect(rightOf(decodeAsClient(AutogmsCustomerListResponse, reply.body)).pagination).toMatchObject({ page: 2, limit: 50, total: 1, hasMore: false })
  })

  it("sorting.query: sort=name is accepted by both; sort=-date (a bookings field) is refused by both", async () => {
    const doc = recorded.load("autogms/sorting.query.json")
    const verdicts = []
    for (const { query } of doc.example as Array<{ query: string }>) {
      const params = Object.fromEntries(new URLSearchParams(query))
      const client = Either.isRight(decodeAsClient(AutogmsListQuery, params))
      const reply = await send("GET", `${G}/customers?${query}`)
      verdicts.push({ query, client, simulator: reply.status === 200 })
      if (reply.status !== 200) expect(reply.body.error).toMatchObject({ code: "VALIDATION_ERROR" })
    }
    expect(verdicts).toEqual([
      { query: "sort=-date", client: false, simulator: false },
      { query: "sort=name", client: true, simulator: true }
    ])
  })

  it("date-filtering.query: bare dates as dateFrom and dateTo are accepted by both, inclusive on the simulator", async () => {
    const doc = recorded.load("autogms/date-filtering.query.json")
    const params = Object.fromEntries((doc.example as Array<{ query: string }>).flatMap(({ query }) => [...new URLSearchParams(query)]))
    expect(rightOf(decodeAsClient(AutogmsListQuery, params))).toEqual({ dateFrom: "2026-01-01", dateTo: "2026-01-31" })
    const reply = await send("GET", `${G}/customers?${new URLSearchParams(params)}`)
    expect(reply.status).toBe(200)
    expect(rightOf(decodeAsClient(AutogmsCustomerListResponse, reply.body)).data.map((c) => c.id)).toEqual(["cus_000001"])
  })

  it("customer-search.request: the client's search parameters take q; the simulator finds the customer by name, in a list the client decodes", async () => {
    const doc = recorded.load("autogms/customer-search.request.json")
    const query = queryOf(doc.url ?? "")
    expect(rightOf(decodeAsClient(AutogmsCustomerSearchParams, query))).toEqual({ q: "ahmed" })
    const reply = await send("GET", below(doc.url ?? ""))
    expect(reply.status).toBe(200)
    expect(rightOf(decodeAsClient(AutogmsCustomerListResponse, reply.body)).data.map((c) => c.id)).toEqual(["cus_000001"])
  })

  it("vin-lookup.request: the simulator decodes the doc's VIN, in an answer the client decodes", async () => {
    const doc = recorded.load("autogms/vin-lookup.request.json")
    const reply = await send("GET", below(doc.url ?? ""))
    expect(reply.status).toBe(200)
    expect(rightOf(decodeAsClient(AutogmsVinLookupResponse, reply.body)).data).toMatchObject({ vin: queryOf(doc.url ?? "")["vin"], valid: true })
  })
})

describe("rate limits", () => {
  it("rate-limit.headers: the client reads the doc's three headers; the simulator sends the same three on every answer", async () => {
    const doc = recorded.load("autogms/rate-limit.headers.json")
    expect(decodeAutogmsRateLimit(doc.example as Record<string, string>)).toEqual(
      Option.some({ limit: 60, remaining: 42, resetAtUnixSeconds: 1706000000 })
    )
    for (const reply of [await send("GET", "/garages"), await send("GET", "/garages", { headers: {} })]) {
      for (const name of Object.keys(doc.example as Record<string, string>)) expect(reply.headers[name.toLowerCase()], name).toMatch(/^\d+$/)
      expect(Option.isSome(decodeAutogmsRateLimit(reply.headers))).toBe(true)
    }
  })
})

describe("the recorded files", () => {
  it.skipIf(!docsPresent)("are verbatim copies of the doc lines they name", () => {
    // A loader of its own: reading every file here must not count as covering it.
    const all = recordedLoader()
    for (const file of recordedFiles("autogms")) expect(notVerbatim(all.load(file)), file).toBeUndefined()
  })

  // Runs last: by then every example test above has loaded the files it covers.
  it("each has a contract test above", () => {
    const covered = new Set(recorded.used())
    expect(recordedFiles("autogms").filter((file) => !covered.has(file))).toEqual([])
  })
})
