/**
 * The clients' preflight checks (AutoLeap checkCompany, autoGMS garage): a URL where nothing listens or refused
 * credentials end within the preflight budget as a SettingRejected naming the variables to fix, every retry is shown as
 * it happens, and an AutoLeap login is retried by the request it serves, never inside each of that request's retries.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Layer, Redacted } from "effect"
import type { AutogmsConfig } from "../../src/config/autogms.js"
import type { AutoleapConfig } from "../../src/config/autoleap.js"
import { defaultAutoleapRateLimits } from "../../src/config/rateLimits.js"
import { RetryNotices, type RetryNotice } from "../../src/http/retryNotices.js"
import { layerDispatcher } from "../../src/http/transport.js"
import * as Autogms from "../../src/sources/autogms/client.js"
import * as Autoleap from "../../src/sources/autoleap/client.js"
import { fakeApi, runWithClock, type FakeReply, type SeenRequest } from "./mockApi.js"

const alOrigin = "http://autoleap.test"
const gmsOrigin = "http://autogms.test"
const alConfig: AutoleapConfig = { baseUrl: `${alOrigin}/v2`, partnerId: "p1", authKey: Redacted.make("k"), companyId: "c1", rateLimits: defaultAutoleapRateLimits }
const gmsConfig: AutogmsConfig = { baseUrl: `${gmsOrigin}/api/v1`, apiKey: Redacted.make("agms_pk_test_key"), garageId: "g1", rateLimit: 60 }

const profile = { success: true, data: { partnerId: "p1", name: "P", companies: [{ companyId: "c1", name: "Shop", locations: [] }] } }
const tokens = { success: true, data: { accessToken: "a1", refreshToken: "r1" } }

/** AutoLeap whose login answers `login` (a reply, or a function of the attempt number). */
const autoleap = (login: (attempt: number) => FakeReply) => {
  let logins = 0
  return fakeApi(alOrigin, (req: SeenRequest) => {
    if (req.path === "/v2/partners/login") return login(++logins)
    if (req.path === "/v2/partners/profile") return { status: 200, body: profile }
    if (req.path === "/v2/customers" && req.method === "POST") return { status: 200, body: { success: true, message: "ok" } }
    return { status: 404, body: { success: false, error: "Not found" } }
  })
}

const notices = () => {
  const seen: Array<RetryNotice> = []
  return { seen, layer: Layer.succeed(RetryNotices, { notice: (n) => Effect.sync(() => void seen.push(n)) }) }
}

const alClient = (agent: Parameters<typeof layerDispatcher>[0], options: Autoleap.AutoleapClientOptions = {}) =>
  Autoleap.layer(alConfig, options).pipe(Layer.provide(layerDispatcher(agent)))
const gmsClient = (agent: Parameters<typeof layerDispatcher>[0]) => Autogms.layer(gmsConfig).pipe(Layer.provide(layerDispatcher(agent)))

describe("preflight: nothing answers", () => {
  it.effect("AutoLeap: one retry policy for the request and its login (7 logins, not 7 × 9), gives up within 15 s naming AUTOLEAP_BASE_URL", () => {
    const { agent, seen } = autoleap(() => "refused")
    const shown = notices()
    return Effect.gen(function* () {
      const client = yield* Autoleap.AutoleapClient
      const start = yield* Clock.currentTimeMillis
      const exit = yield* Effect.exit(runWithClock(client.checkCompany, "100 millis"))
      const elapsed = (yield* Clock.currentTimeMillis) - start
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "SettingRejected", variables: ["AUTOLEAP_BASE_URL"] } } })
      const message = exit._tag === "Failure" ? JSON.stringify(exit.cause) : ""
      expect(message).toContain(`nothing answers at ${alOrigin}/v2`)
      expect(message).toContain("ECONNREFUSED")
      expect(elapsed).toBeLessThanOrEqual(15_000)
      const logins = seen.filter((r) => r.path === "/v2/partners/login").length
      expect(logins).toBeLessThanOrEqual(7)
      expect(logins).toBeGreaterThan(1)
      // Every retry was shown before its wait, numbered, with the reason.
      expect(shown.seen).toHaveLength(logins - 1)
      expect(shown.seen.map((n) => n.retry)).toEqual(Array.from({ length: logins - 1 }, (_, i) => i + 1))
      expect(shown.seen[0]).toMatchObject({ api: "autoleap", request: "GET /partners/profile", maxRetries: 6 })
      expect(shown.seen[0]!.reason).toContain("ECONNREFUSED")
    }).pipe(Effect.provide(Layer.merge(alClient(agent), shown.layer)))
  })

  it.effect("autoGMS: gives up within 15 s naming AUTOGMS_BASE_URL and the URL", () => {
    const { agent, seen } = fakeApi(gmsOrigin, () => "refused")
    return Effect.gen(function* () {
      const client = yield* Autogms.AutogmsClient
      const start = yield* Clock.currentTimeMillis
      const exit = yield* Effect.exit(runWithClock(client.garage, "100 millis"))
      expect((yield* Clock.currentTimeMillis) - start).toBeLessThanOrEqual(15_000)
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "SettingRejected", variables: ["AUTOGMS_BASE_URL"] } } })
      expect(JSON.stringify(exit)).toContain(`nothing answers at ${gmsOrigin}/api/v1`)
      expect(seen.length).toBeLessThanOrEqual(7)
    }).pipe(Effect.provide(gmsClient(agent)))
  })

  it.effect("a login that fails once (503) is retried by the data request, which then succeeds", () => {
    const { agent, seen } = autoleap((n) => (n === 1 ? { status: 503, body: { success: false, error: "busy" } } : { status: 200, body: tokens }))
    return Effect.gen(function* () {
      const client = yield* Autoleap.AutoleapClient
      const company = yield* runWithClock(client.checkCompany)
      expect(company.companyId).toBe("c1")
      expect(seen.filter((r) => r.path === "/v2/partners/login")).toHaveLength(2)
    }).pipe(Effect.provide(alClient(agent)))
  })

  it.effect("a write whose login fails transiently is retried (it was never sent), then sent once", () => {
    const { agent, seen } = autoleap((n) => (n === 1 ? { status: 502, body: "bad gateway" } : { status: 200, body: tokens }))
    return Effect.gen(function* () {
      const client = yield* Autoleap.AutoleapClient
      const result = yield* runWithClock(client.createCustomers([{ firstName: "Jane", lastName: "Doe" }]))
      expect(result.count).toBe(1)
      expect(seen.filter((r) => r.path === "/v2/customers" && r.method === "POST")).toHaveLength(1)
    }).pipe(Effect.provide(alClient(agent)))
  })
})

describe("preflight: refused credentials name what to fix", () => {
  it.effect("AutoLeap 401 at login: AUTOLEAP_PARTNER_ID / AUTOLEAP_AUTH_KEY, with the API's message, no retry", () => {
    const { agent, seen } = autoleap(() => ({ status: 401, body: { success: false, error: "Invalid partner credentials" } }))
    return Effect.gen(function* () {
      const client = yield* Autoleap.AutoleapClient
      const exit = yield* Effect.exit(client.checkCompany)
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "SettingRejected", variables: ["AUTOLEAP_PARTNER_ID", "AUTOLEAP_AUTH_KEY"] } } })
      expect(JSON.stringify(exit)).toContain("were refused by AutoLeap (401: Invalid partner credentials)")
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(alClient(agent)))
  })

  it.effect("autoGMS 401: 'AUTOGMS_API_KEY was refused by autoGMS (401…): check the key'", () => {
    const { agent } = fakeApi(gmsOrigin, () => ({ status: 401, body: { success: false, error: { type: "AuthenticationError", code: "INVALID_API_KEY", message: "Invalid API key" } } }))
    return Effect.gen(function* () {
      const client = yield* Autogms.AutogmsClient
      const exit = yield* Effect.exit(client.garage)
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "SettingRejected", variables: ["AUTOGMS_API_KEY"] } } })
      expect(JSON.stringify(exit)).toContain("AUTOGMS_API_KEY was refused by autoGMS (401: Invalid API key); check the key")
    }).pipe(Effect.provide(gmsClient(agent)))
  })

  it.effect("a base URL that answers 404 without autoGMS's envelope is named as the wrong URL", () => {
    const { agent } = fakeApi(gmsOrigin, () => ({ status: 404, body: "<html>Not Found</html>" }))
    return Effect.gen(function* () {
      const client = yield* Autogms.AutogmsClient
      const exit = yield* Effect.exit(client.garage)
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "SettingRejected", variables: ["AUTOGMS_BASE_URL"] } } })
    }).pipe(Effect.provide(gmsClient(agent)))
  })
})
