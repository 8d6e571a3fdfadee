import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Redacted } from "effect"
import { autoleapConfig } from "../../../src/config/autoleap.js"
import { autogmsConfig } from "../../../src/config/autogms.js"
import { defaultAutoleapRateLimits, parseAutoleapRateLimits, parseRateWindowMs } from "../../../src/config/rateLimits.js"

const env = (vars: Record<string, string>) => Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(vars))))

describe("AUTOLEAP_RATE_LIMITS", () => {
  it("parses all four classes", () => {
    expect(parseAutoleapRateLimits("GET=150,POST=50,PUT=50,PATCH=50")).toEqual(Either.right(defaultAutoleapRateLimits))
  })
  it("keeps the defaults for methods left out, case-insensitively, with spaces", () => {
    expect(parseAutoleapRateLimits(" get = 300 ")).toEqual(Either.right({ ...defaultAutoleapRateLimits, GET: 300 }))
  })
  it("refuses bad values, naming what is wrong", () => {
    expect(Either.getLeft(parseAutoleapRateLimits("GET=fast"))._tag).toBe("Some")
    expect(parseAutoleapRateLimits("GET=0")).toMatchObject({ left: expect.stringContaining("GET=0") })
    expect(parseAutoleapRateLimits("HEAD=3")).toMatchObject({ left: expect.stringContaining("unknown method") })
    expect(parseAutoleapRateLimits("GET150")).toMatchObject({ left: expect.stringContaining("METHOD=N") })
    expect(parseAutoleapRateLimits("GET=1,GET=2")).toMatchObject({ left: expect.stringContaining("twice") })
  })
})

const autoleapEnv = { AUTOLEAP_PARTNER_ID: "p", AUTOLEAP_AUTH_KEY: "k", AUTOLEAP_COMPANY_ID: "c" }

describe("config from the environment", () => {
  it.effect("AutoLeap: documented defaults, secret kept Redacted", () =>
    Effect.gen(function* () {
      const c = yield* autoleapConfig
      expect(c.baseUrl).toBe("https://partnerapi.myautoleap.com/v2")
      expect(c.rateLimits).toEqual(defaultAutoleapRateLimits)
      expect(Redacted.isRedacted(c.authKey)).toBe(true)
      expect(String(c.authKey)).not.toContain("k")
      expect(Redacted.value(c.authKey)).toBe("k")
    }).pipe(env(autoleapEnv))
  )

  it.effect("a bad AUTOLEAP_RATE_LIMITS is a config error naming the variable", () =>
    Effect.gen(function* () {
      const result = yield* Effect.either(autoleapConfig)
      expect(result._tag).toBe("Left")
      expect(String(Either.getLeft(result).pipe((o) => (o._tag === "Some" ? o.value : "")))).toContain("AUTOLEAP_RATE_LIMITS")
    }).pipe(env({ ...autoleapEnv, AUTOLEAP_RATE_LIMITS: "GET=lots" }))
  )

  it.effect("a missing variable is a config error naming it", () =>
    Effect.gen(function* () {
      const result = yield* Effect.either(autoleapConfig)
      expect(String(Either.getLeft(result).pipe((o) => (o._tag === "Some" ? o.value : "")))).toContain("AUTOLEAP_COMPANY_ID")
    }).pipe(env({ AUTOLEAP_PARTNER_ID: "p", AUTOLEAP_AUTH_KEY: "k" }))
  )

  it.effect("autoGMS: default base URL and 60/min, overridable; bad limit named", () =>
    Effect.gen(function* () {
      const c = yield* autogmsConfig.pipe(env({ AUTOGMS_API_KEY: "agms_pk_x", AUTOGMS_GARAGE_ID: "g" }))
      expect(c).toMatchObject({ baseUrl: "https://api.autoGMS.com/api/v1", garageId: "g", rateLimit: 60 })
      const c2 = yield* autogmsConfig.pipe(env({ AUTOGMS_API_KEY: "k", AUTOGMS_GARAGE_ID: "g", AUTOGMS_RATE_LIMIT: "300", AUTOGMS_BASE_URL: "http://127.0.0.1:9/api/v1/" }))
      expect(c2).toMatchObject({ rateLimit: 300, baseUrl: "http://127.0.0.1:9/api/v1" })
      const bad = yield* Effect.either(autogmsConfig.pipe(env({ AUTOGMS_API_KEY: "k", AUTOGMS_GARAGE_ID: "g", AUTOGMS_RATE_LIMIT: "-1" })))
      expect(String(Either.getLeft(bad).pipe((o) => (o._tag === "Some" ? o.value : "")))).toContain("AUTOGMS_RATE_LIMIT")
    })
  )
})

describe("SHOPBRIDGE_RATE_WINDOW_MS", () => {
  it("takes whole milliseconds from one second up", () => {
    expect(parseRateWindowMs("3000")).toEqual(Either.right(3000))
    expect(parseRateWindowMs(" 60000 ")).toEqual(Either.right(60_000))
    expect(Either.isLeft(parseRateWindowMs("999"))).toBe(true)
    expect(Either.isLeft(parseRateWindowMs("3s"))).toBe(true)
  })

  it.effect("both APIs' limits last a minute unless it is set, and a bad value is named", () =>
    Effect.gen(function* () {
      const gms = { AUTOGMS_API_KEY: "k", AUTOGMS_GARAGE_ID: "g" }
      expect((yield* autogmsConfig.pipe(env(gms))).rateWindowMs).toBe(60_000)
      expect((yield* autoleapConfig.pipe(env(autoleapEnv))).rateWindowMs).toBe(60_000)
      expect((yield* autogmsConfig.pipe(env({ ...gms, SHOPBRIDGE_RATE_WINDOW_MS: "3000" }))).rateWindowMs).toBe(3000)
      expect((yield* autoleapConfig.pipe(env({ ...autoleapEnv, SHOPBRIDGE_RATE_WINDOW_MS: "3000" }))).rateWindowMs).toBe(3000)
      const bad = yield* Effect.either(autoleapConfig.pipe(env({ ...autoleapEnv, SHOPBRIDGE_RATE_WINDOW_MS: "fast" })))
      expect(String(Either.getLeft(bad).pipe((o) => (o._tag === "Some" ? o.value : "")))).toContain("SHOPBRIDGE_RATE_WINDOW_MS")
    })
  )
})
