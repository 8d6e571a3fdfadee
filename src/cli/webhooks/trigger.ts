/**
 * Webhooks as a hint: a delivery says "something new in autoGMS", not what to copy. After the first hint the trigger
 * waits `settle` (the customer's vehicles are added right after the customer, and autoGMS sends no vehicle events),
 * then runs one sync for every hint that came in meanwhile. Hints that arrive while that sync runs start the next round.
 * Syncs never overlap here; across processes the shop pair's lock keeps them apart.
 */
import { Duration, Effect, Queue, type Scope } from "effect"

export interface Hint {
  readonly deliveryId: string
  readonly resourceId: string | null
}

export interface SyncTrigger {
  /** Never waits for the sync: the receiver answers autoGMS at once. */
  readonly hint: (hint: Hint) => Effect.Effect<void>
}

/**
 * `runSync` gets the hints it answers; it must not fail (a failed sync is told and left to the next hint or the
 * scheduled sweep, which is the truth).
 */
export const makeSyncTrigger = (
  settle: Duration.DurationInput,
  runSync: (hints: ReadonlyArray<Hint>) => Effect.Effect<void>
): Effect.Effect<SyncTrigger, never, Scope.Scope> =>
  Effect.gen(function* () {
    const hints = yield* Effect.acquireRelease(Queue.unbounded<Hint>(), Queue.shutdown)
    const round = Effect.gen(function* () {
      const first = yield* Queue.take(hints)
      yield* Effect.sleep(settle)
      const more = yield* Queue.takeAll(hints)
      yield* runSync([first, ...more])
    })
    yield* Effect.forkScoped(Effect.forever(round))
    return { hint: (hint) => Effect.asVoid(Queue.offer(hints, hint)) }
  })
