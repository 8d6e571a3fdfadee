import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Fiber, TestClock } from "effect"
import { HttpStatusError, TimeoutError, TransportError } from "../../../src/http/errors.js"
import { fullJitterDelayMs, isTransientHttpError, parseRetryAfterMs, preflightRetryPolicy, retrySchedule } from "../../../src/http/retry.js"

const policy = { maxRetries: 5, baseDelayMs: 1_000, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 }
const status = (s: number, retryAfterMs?: number) => new HttpStatusError({ method: "GET", path: "/x", status: s, body: undefined, retryAfterMs })

describe("retry policy", () => {
  it("full jitter stays within [0, min(cap, base × 2^n)]", () => {
    expect(fullJitterDelayMs(policy, 0, 0.999)).toBe(999)
    expect(fullJitterDelayMs(policy, 2, 0.5)).toBe(2_000)
    expect(fullJitterDelayMs(policy, 10, 0.999)).toBe(7_992) // capped at 8 s
    expect(fullJitterDelayMs(policy, 3, 0)).toBe(0)
  })

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfterMs("3", 0)).toBe(3_000)
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000)
    expect(parseRetryAfterMs(undefined, 0)).toBeUndefined()
    expect(parseRetryAfterMs("soon", 0)).toBeUndefined()
  })

  it("retries 429, 5xx, resets and timeouts; not 4xx", () => {
    expect(isTransientHttpError(status(429))).toBe(true)
    expect(isTransientHttpError(status(503))).toBe(true)
    expect(isTransientHttpError(new TransportError({ method: "GET", path: "/", code: "UND_ERR_SOCKET", message: "", sent: true }))).toBe(true)
    expect(isTransientHttpError(new TimeoutError({ method: "GET", path: "/", timeoutMs: 1 }))).toBe(true)
    expect(isTransientHttpError(status(400))).toBe(false)
    expect(isTransientHttpError(status(404))).toBe(false)
  })

  it.effect("waits Retry-After on a 429, backs off on 5xx within the cap, and stops after maxRetries", () =>
    Effect.gen(function* () {
      const errors = [status(429, 4_000), status(503), status(503), status(503), status(503), status(503), status(503)]
      const attemptsAt: Array<number> = []
      const delays: Array<number> = []
      const attempt = Effect.flatMap(Clock.currentTimeMillis, (t) => {
        attemptsAt.push(t)
        return Effect.fail(errors.shift()!)
      })
      const schedule = retrySchedule(policy, {
        isRetryable: isTransientHttpError,
        retryAfterMs: (e: HttpStatusError) => e.retryAfterMs,
        onRetry: (_e, d) => Effect.sync(() => void delays.push(d))
      })
      const fiber = yield* Effect.fork(Effect.either(Effect.retry(attempt, schedule)))
      for (let i = 0; i < 1_000 && fiber.unsafePoll() === null; i++) yield* TestClock.adjust("100 millis")
      const result = yield* Fiber.join(fiber)
      expect(result._tag).toBe("Left")
      expect(attemptsAt).toHaveLength(6) // 1 + maxRetries
      expect(delays[0]).toBe(4_000) // the server's Retry-After, not the backoff
      expect(attemptsAt[1]! - attemptsAt[0]!).toBeGreaterThanOrEqual(4_000)
      delays.slice(1).forEach((d, i) => {
        expect(d).toBeGreaterThanOrEqual(0)
        expect(d).toBeLessThanOrEqual(Math.min(8_000, 1_000 * 2 ** (i + 1)))
      })
    })
  )

  it.effect("does not retry an error that is an answer (404)", () =>
    Effect.gen(function* () {
      let attempts = 0
      const schedule = retrySchedule(policy, { isRetryable: isTransientHttpError, retryAfterMs: () => undefined, onRetry: () => Effect.void })
      const result = yield* Effect.either(Effect.retry(Effect.suspend(() => (attempts++, Effect.fail(status(404)))), schedule))
      expect(result._tag).toBe("Left")
      expect(attempts).toBe(1)
    })
  )

  it.effect("with maxElapsedMs no retry starts past the budget, and the last wait is cut to end by it", () =>
    Effect.gen(function* () {
      const budgeted = { maxRetries: 100, baseDelayMs: 1_000, maxDelayMs: 4_000, maxRetryAfterMs: 60_000, maxElapsedMs: 10_000 }
      const attemptsAt: Array<number> = []
      const attempt = Effect.flatMap(Clock.currentTimeMillis, (t) => {
        attemptsAt.push(t)
        return Effect.fail(status(503, 4_000))
      })
      const start = yield* Clock.currentTimeMillis
      const schedule = retrySchedule(budgeted, { isRetryable: isTransientHttpError, retryAfterMs: (e: HttpStatusError) => e.retryAfterMs, onRetry: () => Effect.void }, start)
      const fiber = yield* Effect.fork(Effect.either(Effect.retry(attempt, schedule)))
      for (let i = 0; i < 1_000 && fiber.unsafePoll() === null; i++) yield* TestClock.adjust("100 millis")
      expect((yield* Fiber.join(fiber))._tag).toBe("Left")
      // Waits of 4 s from t = 0: attempts at 0, 4, 8, and one at 10 s (the wait cut from 4 s to 2 s); none after.
      expect(attemptsAt.map((t) => t - start)).toEqual([0, 4_000, 8_000, 10_000])
    })
  )

  it.effect("a 429 without Retry-After is outside the budget: the preflight waits out another run's minute instead of failing", () =>
    Effect.gen(function* () {
      const attemptsAt: Array<number> = []
      const limitedFor = 45_000
      const start = yield* Clock.currentTimeMillis
      const attempt = Effect.flatMap(Clock.currentTimeMillis, (t) => {
        attemptsAt.push(t - start)
        return t - start < limitedFor ? Effect.fail(status(429)) : Effect.succeed("answered")
      })
      const schedule = retrySchedule(
        preflightRetryPolicy,
        { isRetryable: isTransientHttpError, retryAfterMs: (e: HttpStatusError) => e.retryAfterMs, isRateLimited: (e: HttpStatusError) => e.status === 429, onRetry: () => Effect.void },
        start
      )
      const fiber = yield* Effect.fork(Effect.either(Effect.retry(attempt, schedule)))
      for (let i = 0; i < 1_000 && fiber.unsafePoll() === null; i++) yield* TestClock.adjust("500 millis")
      const result = yield* Fiber.join(fiber)
      expect(result._tag).toBe("Right")
      // Past the 15 s budget, 10 s apart, until the window frees.
      expect(attemptsAt).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000])
    })
  )
})
