import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, TestClock } from "effect"
import { makeSyncTrigger, type Hint } from "../../../src/cli/webhooks/trigger.js"

const hint = (n: number): Hint => ({ deliveryId: `dlv_${n}`, resourceId: `cus_${n}` })

describe("sync trigger (debounce)", () => {
  it.scoped("hints within the settle time share one sync, which starts only when the settle time is over", () =>
    Effect.gen(function* () {
      const rounds: Array<ReadonlyArray<string>> = []
      const trigger = yield* makeSyncTrigger("3 seconds", (hints) => Effect.sync(() => void rounds.push(hints.map((h) => h.deliveryId))))
      yield* trigger.hint(hint(1))
      yield* TestClock.adjust("1 second")
      yield* trigger.hint(hint(2))
      yield* TestClock.adjust("1 second")
      yield* trigger.hint(hint(3))
      expect(rounds).toEqual([])
      yield* TestClock.adjust("1 second")
      expect(rounds).toEqual([["dlv_1", "dlv_2", "dlv_3"]])
      yield* TestClock.adjust("1 minute")
      expect(rounds).toHaveLength(1)
    }))

  it.scoped("a hint during a sync starts one more round after it, never a sync alongside it", () =>
    Effect.gen(function* () {
      const rounds: Array<ReadonlyArray<string>> = []
      const release = yield* Deferred.make<void>()
      let running = 0
      let overlapped = false
      const trigger = yield* makeSyncTrigger("3 seconds", (hints) =>
        Effect.gen(function* () {
          running++
          overlapped ||= running > 1
          rounds.push(hints.map((h) => h.deliveryId))
          if (rounds.length === 1) yield* Deferred.await(release)
          running--
        })
      )
      yield* trigger.hint(hint(1))
      yield* TestClock.adjust("3 seconds")
      expect(rounds).toEqual([["dlv_1"]])
      // The first sync is still running: these wait for it, then for their own settle time.
      yield* trigger.hint(hint(2))
      yield* trigger.hint(hint(3))
      yield* TestClock.adjust("10 seconds")
      expect(rounds).toHaveLength(1)
      yield* Deferred.succeed(release, undefined)
      yield* Effect.yieldNow()
      yield* TestClock.adjust("3 seconds")
      expect(rounds).toEqual([["dlv_1"], ["dlv_2", "dlv_3"]])
      expect(overlapped).toBe(false)
    }))
})
