import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Fiber, TestClock } from "effect"
import { makePacer, paceWindowMs, ServerWindowGate, SlidingWindowGate } from "../../../src/http/pacer.js"
import type { HttpResponse } from "../../../src/http/transport.js"

const ok = (headers: Record<string, string> = {}): HttpResponse => ({ status: 200, headers, body: undefined, text: "" })

/** The most timestamps in any window of `windowMs` (the simulators' own measure). */
const maxInWindow = (times: ReadonlyArray<number>, windowMs: number): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  let start = 0
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++
    best = Math.max(best, end - start + 1)
  }
  return best
}

/** Fires `count` sends through the pacer from `concurrency` fibers and returns when each left. */
const fire = (pacer: Effect.Effect.Success<ReturnType<typeof makePacer>>, count: number, concurrency: number, reply: () => HttpResponse = () => ok()) =>
  Effect.gen(function* () {
    const sentAt: Array<number> = []
    const fiber = yield* Effect.fork(
      Effect.forEach(
        Array.from({ length: count }),
        () => pacer.paced(Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => (sentAt.push(t), reply())))),
        { concurrency, discard: true }
      )
    )
    for (let i = 0; i < 10_000 && fiber.unsafePoll() === null; i++) yield* TestClock.adjust("1 second")
    yield* Fiber.join(fiber)
    return sentAt
  })

describe("SlidingWindowGate under TestClock", () => {
  it.effect("never lets more than the limit into any rolling minute, and keeps up with the limit", () =>
    Effect.gen(function* () {
      let waits = 0
      const pacer = yield* makePacer({ gates: [new SlidingWindowGate(10, 60_000)], onWait: () => waits++ })
      const sentAt = yield* fire(pacer, 35, 35)
      expect(sentAt).toHaveLength(35)
      expect(maxInWindow(sentAt, 60_000)).toBe(10)
      // 35 sends at 10/min: the first 10 at once, then 10 more each minute → last ones after 3 minutes, not later.
      expect(Math.max(...sentAt)).toBeGreaterThanOrEqual(180_000)
      expect(Math.max(...sentAt)).toBeLessThan(181_000)
      expect(waits).toBe(25)
    })
  )

  it.effect("counts a send from when its answer arrived", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ gates: [new SlidingWindowGate(1, 60_000)] })
      const slow = pacer.paced(Effect.zipRight(Effect.sleep("5 seconds"), Effect.succeed(ok())))
      const times: Array<number> = []
      const fiber = yield* Effect.fork(
        Effect.zipRight(slow, pacer.paced(Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => (times.push(t), ok())))))
      )
      for (let i = 0; i < 1000 && fiber.unsafePoll() === null; i++) yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(times[0]).toBe(65_000)
    })
  )
})

describe("ServerWindowGate (RateLimit-* headers)", () => {
  it.effect("sends no more than RateLimit-Remaining before RateLimit-Reset, then resumes after the reset", () =>
    Effect.gen(function* () {
      // The server says: 3 left in a window that resets at t = 20 s.
      const gate = new ServerWindowGate(1_000, 60_000)
      const pacer = yield* makePacer({ gates: [gate, new SlidingWindowGate(1_000, 60_000)] })
      let remaining = 4
      const sentAt = yield* fire(pacer, 6, 1, () => {
        remaining = Math.max(0, remaining - 1)
        return ok({ "ratelimit-limit": "60", "ratelimit-remaining": String(remaining), "ratelimit-reset": "20" })
      })
      const before = sentAt.filter((t) => t < 21_000)
      expect(before).toHaveLength(4)
      expect(sentAt.slice(4).every((t) => t >= 21_000)).toBe(true)
    })
  )

  it.effect("the configured limit still applies when the server allows more", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ gates: [new ServerWindowGate(1_000, 60_000), new SlidingWindowGate(5, 60_000)] })
      const sentAt = yield* fire(pacer, 12, 4, () => ok({ "ratelimit-limit": "1000", "ratelimit-remaining": "990", "ratelimit-reset": "60" }))
      expect(maxInWindow(sentAt, 60_000)).toBe(5)
    })
  )

  it.effect("subtracts requests still in flight from what the header says remains", () =>
    Effect.gen(function* () {
      const gate = new ServerWindowGate(1_000, 60_000)
      const done1 = gate.commit(0)
      gate.commit(0) // a second request is still in flight
      done1(10, ok({ "ratelimit-limit": "60", "ratelimit-remaining": "1", "ratelimit-reset": "30" }))
      // The server saw only the first: 1 left, but the in-flight one may take it.
      expect(gate.waitMs(20)).toBe(30_000 + 1_000 - 20)
    })
  )

  it.effect("a 429 empties the window until its reset", () =>
    Effect.gen(function* () {
      const gate = new ServerWindowGate(500, 60_000)
      const done = gate.commit(0)
      done(5, { status: 429, headers: { "ratelimit-limit": "60", "ratelimit-remaining": "3", "ratelimit-reset": "10" }, body: undefined, text: "" })
      expect(gate.waitMs(100)).toBe(10_000 + 500 - 100)
      expect(gate.waitMs(10_600)).toBe(0)
    })
  )
})

describe("the window's end, when RateLimit-Reset rounds it up to a whole second", () => {
  // A 3 s window that began when our request reached the server at 1,200 ms ends at 4,200; the header says 5 (s).
  const headers = (remaining: number) => ({ "ratelimit-limit": "3", "ratelimit-remaining": String(remaining), "ratelimit-reset": "5" })

  it.effect("ends no later than one window after the first answer that showed it", () =>
    Effect.gen(function* () {
      const gate = new ServerWindowGate(500, 3_000)
      gate.commit(1_190)(1_210, ok(headers(0)))
      expect(gate.waitMs(1_300)).toBe(4_210 - 1_300)
      expect(gate.waitMs(4_210)).toBe(0)
    })
  )

  it.effect("later answers in the same window do not push its end back", () =>
    Effect.gen(function* () {
      const gate = new ServerWindowGate(500, 3_000)
      gate.commit(1_190)(1_210, ok(headers(1)))
      gate.commit(2_000)(2_900, ok(headers(0)))
      expect(gate.waitMs(3_000)).toBe(4_210 - 3_000)
    })
  )

  it.effect("a late answer from the window that ended does not empty the next one", () =>
    Effect.gen(function* () {
      const gate = new ServerWindowGate(500, 3_000)
      const first = gate.commit(1_190)
      const straggler = gate.commit(1_195)
      first(1_210, ok(headers(1)))
      // The window is over at 4,210; the next send starts the server's next window.
      expect(gate.waitMs(4_300)).toBe(0)
      gate.commit(4_300)
      // Still before the reset the header named (5 s): the old window's last answer, which left it nothing.
      straggler(4_400, ok(headers(0)))
      expect(gate.waitMs(4_410)).toBe(0)
    })
  )

  it.effect("the header still wins when it says the window ends sooner", () =>
    Effect.gen(function* () {
      const gate = new ServerWindowGate(500, 60_000)
      gate.commit(1_190)(1_210, ok(headers(0)))
      expect(gate.waitMs(1_300)).toBe(5_500 - 1_300)
    })
  )
})

describe("paceWindowMs", () => {
  it("adds 250 ms to a minute, and as much in proportion to a shortened one", () => {
    expect(paceWindowMs(60_000)).toBe(60_250)
    expect(paceWindowMs(3_000)).toBe(3_012.5)
    expect(paceWindowMs(3_000, 100)).toBe(3_100)
  })
})

describe("Pacer pause (429 Retry-After)", () => {
  it.effect("holds every send until the pause ends", () =>
    Effect.gen(function* () {
      const pacer = yield* makePacer({ gates: [new SlidingWindowGate(100, 60_000)] })
      yield* pacer.pause(7_000)
      const sentAt = yield* fire(pacer, 3, 3)
      expect(Math.min(...sentAt)).toBeGreaterThanOrEqual(7_000)
    })
  )
})
