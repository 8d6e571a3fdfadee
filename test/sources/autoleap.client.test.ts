import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Layer, Option, Redacted, Stream, TestClock } from "effect"
import type { AutoleapConfig } from "../../src/config/autoleap.js"
import { defaultAutoleapRateLimits } from "../../src/config/rateLimits.js"
import { layerDispatcher } from "../../src/http/transport.js"
import { AutoleapClient, layer, type AutoleapClientOptions } from "../../src/sources/autoleap/client.js"
import { fakeApi, runWithClock, type FakeReply, type SeenRequest } from "./mockApi.js"

const origin = "http://autoleap.test"
const config: AutoleapConfig = {
  baseUrl: `${origin}/v2`,
  partnerId: "p1",
  authKey: Redacted.make("secret-auth-key"),
  companyId: "c1",
  rateLimits: defaultAutoleapRateLimits
}

const customer = (i: number) => ({
  customerId: `cus-${i}`,
  firstName: `First${i}`,
  lastName: "Last",
  customerStatus: "Active",
  createdDate: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  updatedDate: new Date(Date.UTC(2025, 0, 2, 0, 0, i)).toISOString()
})

const listPage = (items: ReadonlyArray<unknown>, page: number, size: number, total: number, shape: "wrapped" | "page") => {
  const totalPages = Math.max(1, Math.ceil(total / size))
  const last = page >= totalPages
  return shape === "wrapped"
    ? { message: "Customer fetched successfully", results: { content: items, pagination: { page, size, totalCount: total, totalPages, last } } }
    : { content: items, pageable: {}, totalPages, totalCount: total, last, size, number: page, first: page === 1, numberOfElements: items.length, empty: items.length === 0 }
}

/** A small AutoLeap: tokens "a<n>" / "r<n>", a customer list, and hooks to break things. */
const fakeAutoleap = (opts: {
  readonly customers?: ReadonlyArray<ReturnType<typeof customer>>
  readonly shape?: "wrapped" | "page"
  /** Return a reply to override the normal handling of this request. */
  readonly override?: (req: SeenRequest, state: { readonly valid: Set<string>; readonly refresh: Set<string> }) => FakeReply | undefined
}) => {
  let n = 0
  const valid = new Set<string>()
  const refresh = new Set<string>()
  const issue = () => {
    n++
    valid.add(`a${n}`)
    refresh.add(`r${n}`)
    return { success: true, data: { accessToken: `a${n}`, refreshToken: `r${n}` } }
  }
  const all = opts.customers ?? []
  return fakeApi(origin, (req) => {
    const o = opts.override?.(req, { valid, refresh })
    if (o !== undefined) return o
    if (req.path === "/v2/partners/login") {
      const b = req.body as { partnerId: string; authKey: string }
      if (b.partnerId !== "p1" || b.authKey !== "secret-auth-key") return { status: 401, body: { success: false, error: "Invalid partner credentials" } }
      return { status: 200, body: issue() }
    }
    if (req.path === "/v2/partners/generateNewAccessToken") {
      const r = (req.body as { refreshToken: string }).refreshToken
      if (!refresh.delete(r)) return { status: 401, body: { success: false, error: "Invalid refresh token" } }
      return { status: 200, body: issue() }
    }
    const token = req.headers.authorization?.replace("Bearer ", "") ?? ""
    if (!valid.has(token)) return { status: 401, body: { success: false, error: "Unauthorized" } }
    if (req.path === "/v2/partners/profile") {
      return { status: 200, body: { success: true, data: { partnerId: "p1", name: "P", companies: [{ companyId: "c1", name: "Shop", locations: [] }] } } }
    }
    if (req.path === "/v2/customers" && req.method === "GET") {
      const page = Number(req.query.get("page") ?? "1")
      const size = Math.min(100, Number(req.query.get("size") ?? "20"))
      const start = req.query.get("updatedDateStart")
      const matching = start === null ? all : all.filter((c) => c.updatedDate >= start)
      return { status: 200, body: listPage(matching.slice((page - 1) * size, page * size), page, size, matching.length, opts.shape ?? "wrapped") }
    }
    return { status: 404, body: { success: false, error: "Not found" } }
  })
}

const clientLayer = (agent: Parameters<typeof layerDispatcher>[0], options: AutoleapClientOptions = {}) =>
  layer(config, { retry: { baseDelayMs: 100, maxDelayMs: 2_000, maxRetries: 4 }, ...options }).pipe(Layer.provide(layerDispatcher(agent)))

const collect = <A, E>(s: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(s), Chunk.toReadonlyArray)

describe("AutoleapClient reads", () => {
  for (const shape of ["wrapped", "page"] as const) {
    it.effect(`pages a full extract in the ${shape} shape, sorted by createdDate ASC, 100 per page`, () => {
      const customers = Array.from({ length: 250 }, (_, i) => customer(i))
      const { agent, seen } = fakeAutoleap({ customers, shape })
      return Effect.gen(function* () {
        const client = yield* AutoleapClient
        const got = yield* collect(client.customers())
        expect(got.map((c) => c.customerId)).toEqual(customers.map((c) => c.customerId))
        const lists = seen.filter((r) => r.path === "/v2/customers")
        expect(lists.map((r) => r.query.get("page"))).toEqual(["1", "2", "3"])
        expect(lists[0]!.query.get("size")).toBe("100")
        expect(lists[0]!.query.get("sort")).toBe("createdDate")
        expect(lists[0]!.query.get("sortDirection")).toBe("ASC")
        expect(lists[0]!.query.get("companyId")).toBe("c1")
        expect(lists[0]!.headers.authorization).toBe("Bearer a1")
        expect(seen.filter((r) => r.path === "/v2/partners/login")).toHaveLength(1)
      }).pipe(Effect.provide(clientLayer(agent)))
    })
  }

  it.effect("stops on an empty first page without asking for page 2", () => {
    const { agent, seen } = fakeAutoleap({ customers: [] })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      expect(yield* collect(client.customers())).toEqual([])
      expect(seen.filter((r) => r.path === "/v2/customers")).toHaveLength(1)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("an incremental read moves updatedSince back by the overlap and drops records past updatedUntil", () => {
    const customers = Array.from({ length: 5 }, (_, i) => customer(i))
    const { agent, seen } = fakeAutoleap({ customers })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const got = yield* collect(
        client.customers({ updatedSince: new Date("2025-01-02T00:02:01.000Z"), updatedUntil: new Date("2025-01-02T00:00:03.000Z") })
      )
      expect(seen.find((r) => r.path === "/v2/customers")!.query.get("updatedDateStart")).toBe("2025-01-02T00:00:01.000Z")
      expect(seen.find((r) => r.path === "/v2/customers")!.query.get("updatedDateEnd")).toBeNull()
      expect(got.map((c) => c.customerId)).toEqual(["cus-1", "cus-2", "cus-3"])
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a record seen twice while paging (it moved a page) is emitted once", () => {
    const customers = Array.from({ length: 150 }, (_, i) => customer(i))
    // Page 2 starts one record early, as when a record entered the window before our position.
    const { agent } = fakeAutoleap({
      customers,
      override: (req) =>
        req.path === "/v2/customers" && req.query.get("page") === "2"
          ? { status: 200, body: listPage(customers.slice(99, 150), 2, 100, 151, "wrapped") }
          : undefined
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const got = yield* collect(client.customers())
      expect(got).toHaveLength(150)
      expect(new Set(got.map((c) => c.customerId)).size).toBe(150)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("checkCompany finds the configured company in the profile", () => {
    const { agent } = fakeAutoleap({})
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const company = yield* client.checkCompany
      expect(company.companyId).toBe("c1")
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("checkCompany names the reachable companies when the configured one is not", () => {
    const { agent } = fakeAutoleap({})
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const exit = yield* Effect.exit(client.checkCompany)
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutoleapCompanyUnavailable", available: ["c1"] } } })
    }).pipe(Effect.provide(layer({ ...config, companyId: "other" }).pipe(Layer.provide(layerDispatcher(agent)))))
  })

  it.effect("getCustomer answers None on 404", () => {
    const { agent } = fakeAutoleap({})
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      expect(Option.isNone(yield* client.getCustomer("nope"))).toBe(true)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("an error envelope becomes a typed AutoleapApiError with the API's message", () => {
    const { agent } = fakeAutoleap({
      override: (req) => (req.path === "/v2/customers" ? { status: 403, body: { success: false, error: "No access to company c1" } } : undefined)
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const exit = yield* Effect.exit(collect(client.customers()))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutoleapApiError", status: 403, message: "No access to company c1" } } })
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a body that does not match the schema fails with the path that failed", () => {
    const { agent } = fakeAutoleap({
      override: (req) =>
        req.path === "/v2/customers"
          ? { status: 200, body: listPage([customer(0), { ...customer(1), customerId: 42 }], 1, 100, 2, "wrapped") }
          : undefined
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const exit = yield* Effect.exit(collect(client.customers()))
      if (Exit.isSuccess(exit)) throw new Error("expected a decode failure")
      const error = Option.getOrThrow(Exit.causeOption(exit).pipe(Option.flatMap((c) => Option.fromNullable((c as { error?: unknown }).error)))) as {
        _tag: string
        failedPath: string
      }
      expect(error._tag).toBe("DecodeError")
      expect(error.failedPath).toBe("results.content[1].customerId")
    }).pipe(Effect.provide(clientLayer(agent)))
  })
})

describe("AutoleapClient auth", () => {
  it.effect("bad credentials fail with AutoleapAuthError, without retrying the login", () => {
    const { agent, seen } = fakeAutoleap({})
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const exit = yield* Effect.exit(client.profile)
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutoleapAuthError", message: "Invalid partner credentials" } } })
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer({ ...config, authKey: Redacted.make("wrong") }).pipe(Layer.provide(layerDispatcher(agent)))))
  })

  it.effect("refreshes proactively before the access token expires", () => {
    const { agent, seen } = fakeAutoleap({})
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      yield* client.profile
      yield* TestClock.adjust("9500 millis") // lead for a 10 s token is 1 s
      yield* client.profile
      expect(seen.map((r) => r.path)).toEqual([
        "/v2/partners/login",
        "/v2/partners/profile",
        "/v2/partners/generateNewAccessToken",
        "/v2/partners/profile"
      ])
      expect(seen[3]!.headers.authorization).toBe("Bearer a2")
      expect(seen[2]!.body).toEqual({ refreshToken: "r1" })
    }).pipe(Effect.provide(clientLayer(agent, { accessTokenTtlMs: 10_000, refreshTokenTtlMs: 30_000 })))
  })

  it.effect("refreshes once on a 401 and repeats the request", () => {
    let profiles = 0
    const { agent, seen } = fakeAutoleap({
      override: (req, state) => {
        // The server forgets the access token early (as after a server-side revoke); the refresh token still works.
        if (req.path === "/v2/partners/profile" && ++profiles === 2) state.valid.clear()
        return undefined
      }
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      yield* client.profile
      yield* client.profile
      expect(seen.map((r) => r.path)).toEqual([
        "/v2/partners/login",
        "/v2/partners/profile",
        "/v2/partners/profile",
        "/v2/partners/generateNewAccessToken",
        "/v2/partners/profile"
      ])
      expect(seen[4]!.headers.authorization).toBe("Bearer a2")
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a second 401 after a refresh is final: AutoleapAuthError, no loop", () => {
    const { agent, seen } = fakeAutoleap({
      override: (req) => (req.path === "/v2/partners/profile" ? { status: 401, body: { success: false, error: "Token expired" } } : undefined)
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const exit = yield* Effect.exit(client.profile)
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutoleapAuthError", status: 401 } } })
      expect(seen.map((r) => r.path)).toEqual([
        "/v2/partners/login",
        "/v2/partners/profile",
        "/v2/partners/generateNewAccessToken",
        "/v2/partners/profile"
      ])
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("logs in again when the refresh token is dead", () => {
    let revoked = false
    const { agent, seen } = fakeAutoleap({
      override: (req, state) => {
        if (req.path === "/v2/partners/profile" && !revoked && state.valid.has("a1")) {
          revoked = true
          state.valid.clear()
          state.refresh.clear()
        }
        return undefined
      }
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const profile = yield* client.profile
      expect(profile.partnerId).toBe("p1")
      expect(seen.map((r) => r.path)).toEqual([
        "/v2/partners/login",
        "/v2/partners/profile",
        "/v2/partners/generateNewAccessToken",
        "/v2/partners/login",
        "/v2/partners/profile"
      ])
      expect(seen[4]!.headers.authorization).toBe("Bearer a2")
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("logs in again, without trying the refresh token, once it is past its lifetime", () => {
    const { agent, seen } = fakeAutoleap({})
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      yield* client.profile
      yield* TestClock.adjust("31 seconds")
      yield* client.profile
      expect(seen.map((r) => r.path)).toEqual(["/v2/partners/login", "/v2/partners/profile", "/v2/partners/login", "/v2/partners/profile"])
    }).pipe(Effect.provide(clientLayer(agent, { accessTokenTtlMs: 10_000, refreshTokenTtlMs: 30_000 })))
  })

  it.effect("concurrent requests that hit an expired token share one refresh", () => {
    const { agent, seen } = fakeAutoleap({})
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      yield* client.profile
      yield* TestClock.adjust("9500 millis")
      yield* Effect.all([client.profile, client.profile, client.profile, client.profile], { concurrency: "unbounded" })
      expect(seen.filter((r) => r.path === "/v2/partners/generateNewAccessToken")).toHaveLength(1)
      expect(seen.filter((r) => r.path === "/v2/partners/login")).toHaveLength(1)
    }).pipe(Effect.provide(clientLayer(agent, { accessTokenTtlMs: 10_000, refreshTokenTtlMs: 30_000 })))
  })
})

describe("AutoleapClient retries", () => {
  it.effect("retries 5xx and resets with backoff under TestClock, then succeeds", () => {
    const replies: Array<FakeReply> = [{ status: 503, body: { success: false, error: "busy" } }, "reset", { status: 500, body: { success: false, error: "x" } }]
    const { agent, seen } = fakeAutoleap({
      override: (req) => (req.path === "/v2/partners/profile" ? replies.shift() : undefined)
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const profile = yield* runWithClock(client.profile)
      expect(profile.companies[0]!.companyId).toBe("c1")
      expect(seen.filter((r) => r.path === "/v2/partners/profile")).toHaveLength(4)
      const counts = yield* client.requestCounts
      expect(counts).toMatchObject({ total: 5, retried: 3 })
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("gives up after maxRetries with the last error", () => {
    const { agent, seen } = fakeAutoleap({
      override: (req) => (req.path === "/v2/partners/profile" ? { status: 502, body: { success: false, error: "Bad Gateway" } } : undefined)
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const exit = yield* Effect.exit(runWithClock(client.profile, "1 second"))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutoleapApiError", status: 502 } } })
      expect(seen.filter((r) => r.path === "/v2/partners/profile")).toHaveLength(5) // 1 + maxRetries 4
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("backs off on 429 and counts it as throttled", () => {
    const replies: Array<FakeReply> = [{ status: 429, body: { success: false, error: "Too many requests" } }]
    const { agent } = fakeAutoleap({
      override: (req) => (req.path === "/v2/partners/profile" ? replies.shift() : undefined)
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      yield* runWithClock(client.profile)
      expect(yield* client.requestCounts).toMatchObject({ retried: 1, rateLimited: 1, throttled: 1 })
    }).pipe(Effect.provide(clientLayer(agent)))
  })
})

describe("AutoleapClient writes", () => {
  const items = [{ firstName: "A", lastName: "B" }, { firstName: "C", lastName: "D" }]

  it.effect("sends { companyId, customers } once and reports when it started", () => {
    const { agent, seen } = fakeAutoleap({
      override: (req) =>
        req.path === "/v2/customers" && req.method === "POST" ? { status: 200, body: { success: true, message: "Request completed successfully", data: {} } } : undefined
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const result = yield* client.createCustomers(items)
      expect(result).toMatchObject({ count: 2, message: "Request completed successfully" })
      expect(seen.find((r) => r.method === "POST" && r.path === "/v2/customers")!.body).toEqual({ companyId: "c1", customers: items })
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a 400 naming an item is NotApplied with the item's index and field", () => {
    const { agent } = fakeAutoleap({
      override: (req) =>
        req.path === "/v2/customers" && req.method === "POST" ? { status: 400, body: { success: false, error: "customers[1].firstName is required" } } : undefined
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const exit = yield* Effect.exit(client.createCustomers(items))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutoleapWriteNotApplied", status: 400, itemIndex: 1, itemField: "firstName" } } })
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("an item our schema refuses is NotApplied before anything is sent", () => {
    const { agent, seen } = fakeAutoleap({})
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const exit = yield* Effect.exit(client.createCustomers([items[0]!, { firstName: "only" } as never]))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutoleapWriteNotApplied", status: undefined, itemIndex: 1, itemField: "lastName" } } })
      expect(seen).toHaveLength(0)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  for (const [name, reply] of [
    ["a 502", { status: 502, body: { success: false, error: "Bad Gateway" } }],
    ["a 500", { status: 500, body: { success: false, error: "Internal" } }],
    ["a reset after sending", "reset"]
  ] as const) {
    it.effect(`${name} is OutcomeUnknown and is not retried`, () => {
      const { agent, seen } = fakeAutoleap({
        override: (req) => (req.path === "/v2/vehicles" && req.method === "PUT" ? reply : undefined)
      })
      return Effect.gen(function* () {
        const client = yield* AutoleapClient
        const exit = yield* Effect.exit(runWithClock(client.updateVehicles([{ vehicleId: "v1", color: "Red" }])))
        expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutoleapWriteOutcomeUnknown" } } })
        expect(seen.filter((r) => r.method === "PUT")).toHaveLength(1)
      }).pipe(Effect.provide(clientLayer(agent)))
    })
  }

  it.effect("a 429 on a write is retried (nothing was applied)", () => {
    const replies: Array<FakeReply> = [{ status: 429, body: { success: false, error: "Too many" } }, { status: 200, body: { success: true } }]
    const { agent, seen } = fakeAutoleap({
      override: (req) => (req.path === "/v2/customers" && req.method === "PATCH" ? replies.shift() : undefined)
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      yield* runWithClock(client.archiveCustomers([{ customerId: "cus-1" }]))
      expect(seen.filter((r) => r.method === "PATCH")).toHaveLength(2)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("a write whose token could not be obtained is NotApplied, not OutcomeUnknown", () => {
    const { agent, seen } = fakeAutoleap({
      override: (req) => (req.path === "/v2/partners/login" ? { status: 503, body: { success: false, error: "down" } } : undefined)
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      const exit = yield* Effect.exit(runWithClock(client.createCustomers(items), "1 second"))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "AutoleapWriteNotApplied", status: undefined } } })
      expect(seen.filter((r) => r.path === "/v2/customers")).toHaveLength(0)
    }).pipe(Effect.provide(clientLayer(agent)))
  })

  it.effect("logout sends the refresh token with the bearer header, then logs in afresh on the next call", () => {
    const { agent, seen } = fakeAutoleap({
      override: (req) => (req.path === "/v2/partners/logout" ? { status: 200, body: { success: true } } : undefined)
    })
    return Effect.gen(function* () {
      const client = yield* AutoleapClient
      yield* client.profile
      yield* client.logout
      yield* client.profile
      const logout = seen.find((r) => r.path === "/v2/partners/logout")!
      expect(logout.body).toEqual({ refreshToken: "r1" })
      expect(logout.headers.authorization).toBe("Bearer a1")
      expect(seen.filter((r) => r.path === "/v2/partners/login")).toHaveLength(2)
    }).pipe(Effect.provide(clientLayer(agent)))
  })
})
