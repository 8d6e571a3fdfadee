import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { makeServerClock } from "../../../src/http/serverClock.js"

describe("the server's clock, from its answers' Date headers", () => {
  it.effect("keeps the newest time seen; a missing or unreadable header changes nothing", () =>
    Effect.gen(function* () {
      const clock = makeServerClock()
      expect(Option.isNone(yield* clock.latest)).toBe(true)
      clock.saw("Mon, 30 Nov 2026 12:00:05 GMT")
      clock.saw("Mon, 30 Nov 2026 12:00:01 GMT")
      clock.saw(undefined)
      clock.saw("not a date")
      expect(Option.map(yield* clock.latest, (d) => d.toISOString())).toEqual(Option.some("2026-11-30T12:00:05.000Z"))
    }))
})
