import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { StateStore } from "../../../src/state/index.js"

const shopA = { autoleapCompanyId: "co-1", autogmsGarageId: "ga-1" }
const shopB = { autoleapCompanyId: "co-1", autogmsGarageId: "ga-2" }

const delivery = (deliveryId: string) => ({ deliveryId, event: "customer.created", resourceId: "cus_1" })

describe("webhooks in the state store", () => {
  it.effect("keeps a pair's subscriptions with their secrets, Redacted", () =>
    Effect.gen(function* () {
      const store = yield* StateStore
      const a = yield* store.pair(shopA)
      const b = yield* store.pair(shopB)
      yield* a.webhooks.addSubscription({ subscriptionId: "wh_1", url: "http://127.0.0.1:8787/webhooks/autogms", secret: Redacted.make("s3cret-one") })
      yield* a.webhooks.addSubscription({ subscriptionId: "wh_2", url: "http://127.0.0.1:8787/webhooks/autogms", secret: Redacted.make("s3cret-two") })
      const subs = yield* a.webhooks.subscriptions
      expect(subs.map((s) => s.subscriptionId)).toEqual(["wh_1", "wh_2"])
      expect(subs.map((s) => Redacted.value(s.secret))).toEqual(["s3cret-one", "s3cret-two"])
      // Printing or logging a subscription never shows the secret.
      expect(String(subs[0]!.secret)).not.toContain("s3cret")
      expect(JSON.stringify(subs)).not.toContain("s3cret")
      expect(yield* b.webhooks.subscriptions).toEqual([])
    }).pipe(Effect.provide(StateStore.layerMemory)))

  it.effect("a subscription registered again under the same id takes the new secret", () =>
    Effect.gen(function* () {
      const state = yield* (yield* StateStore).pair(shopA)
      yield* state.webhooks.addSubscription({ subscriptionId: "wh_1", url: "http://a/", secret: Redacted.make("old-secret") })
      yield* state.webhooks.addSubscription({ subscriptionId: "wh_1", url: "http://b/", secret: Redacted.make("new-secret") })
      const subs = yield* state.webhooks.subscriptions
      expect(subs).toHaveLength(1)
      expect(subs[0]!.url).toBe("http://b/")
      expect(Redacted.value(subs[0]!.secret)).toBe("new-secret")
    }).pipe(Effect.provide(StateStore.layerMemory)))

  it.effect("de-duplicates deliveries by id, per shop pair", () =>
    Effect.gen(function* () {
      const store = yield* StateStore
      const a = yield* store.pair(shopA)
      const b = yield* store.pair(shopB)
      expect(yield* a.webhooks.recordDelivery(delivery("dlv_1"))).toBe(true)
      expect(yield* a.webhooks.recordDelivery(delivery("dlv_1"))).toBe(false)
      expect(yield* a.webhooks.recordDelivery({ ...delivery("dlv_1"), event: "other" })).toBe(false)
      expect(yield* a.webhooks.recordDelivery(delivery("dlv_2"))).toBe(true)
      // Another shop's delivery ids are its own.
      expect(yield* b.webhooks.recordDelivery(delivery("dlv_1"))).toBe(true)
    }).pipe(Effect.provide(StateStore.layerMemory)))
})
