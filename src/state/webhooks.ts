import type Database from "better-sqlite3"
import { Effect, Redacted } from "effect"
import type { StateError } from "./errors.js"

/** An autoGMS webhook subscription of a shop pair. The secret stays Redacted until a signature is checked with it. */
export interface WebhookSubscription {
  readonly subscriptionId: string
  readonly url: string
  readonly secret: Redacted.Redacted<string>
  readonly createdAt: string
}

export interface WebhookSubscriptionInput {
  readonly subscriptionId: string
  readonly url: string
  readonly secret: Redacted.Redacted<string>
}

/** A delivery as received: its `X-AutoGMS-Delivery` id, its event, and the record it is about (when it names one). */
export interface WebhookDeliveryInput {
  readonly deliveryId: string
  readonly event: string
  readonly resourceId: string | null
}

interface SubscriptionRow {
  readonly subscription_id: string
  readonly url: string
  readonly secret: string
  readonly created_at: string
}

/** webhook_subscriptions and webhook_deliveries (schema v3). */
export const webhooksTable = (db: Database.Database) => {
  const insertSubscription = db.prepare<[number, string, string, string, string]>(
    `INSERT INTO webhook_subscriptions (pair_id, subscription_id, url, secret, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (pair_id, subscription_id) DO UPDATE SET url = excluded.url, secret = excluded.secret`
  )
  const subscriptions = db.prepare<[number], SubscriptionRow>(
    `SELECT subscription_id, url, secret, created_at FROM webhook_subscriptions WHERE pair_id = ? ORDER BY created_at, subscription_id`
  )
  const insertDelivery = db.prepare<[number, string, string, string | null, string]>(
    `INSERT INTO webhook_deliveries (pair_id, delivery_id, event, resource_id, received_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (pair_id, delivery_id) DO NOTHING`
  )

  return {
    /** A subscription registered again under the same id (autoGMS re-issued it) gets the new secret. */
    addSubscription: (pairId: number, input: WebhookSubscriptionInput, now: string): void =>
      void insertSubscription.run(pairId, input.subscriptionId, input.url, Redacted.value(input.secret), now),
    subscriptions: (pairId: number): ReadonlyArray<WebhookSubscription> =>
      subscriptions.all(pairId).map((r) => ({
        subscriptionId: r.subscription_id,
        url: r.url,
        secret: Redacted.make(r.secret),
        createdAt: r.created_at
      })),
    /**
     * True the first time a delivery id is seen; false for a replay. The primary key decides, so two processes (or two
     * retries racing) cannot both take the same delivery.
     */
    recordDelivery: (pairId: number, input: WebhookDeliveryInput, now: string): boolean =>
      insertDelivery.run(pairId, input.deliveryId, input.event, input.resourceId, now).changes === 1
  }
}

/** PairState's `webhooks` group: one shop pair's subscriptions and received deliveries. */
export interface PairWebhooks {
  readonly addSubscription: (input: WebhookSubscriptionInput) => Effect.Effect<void, StateError>
  /** Oldest first; a pair may hold several (registered again after a URL change). */
  readonly subscriptions: Effect.Effect<ReadonlyArray<WebhookSubscription>, StateError>
  /** Persists the delivery id; true when it is new, false for a replay (which must then do nothing). */
  readonly recordDelivery: (input: WebhookDeliveryInput) => Effect.Effect<boolean, StateError>
}

/** The store's own wrappers (StateError on failure, IMMEDIATE transactions for writes, the Clock's time). */
export interface StoreAccess {
  readonly read: <A>(operation: string, f: () => A) => Effect.Effect<A, StateError>
  readonly write: <A>(operation: string, f: () => A) => Effect.Effect<A, StateError>
  readonly now: Effect.Effect<string>
}

export const pairWebhooks = (table: ReturnType<typeof webhooksTable>, pairId: number, store: StoreAccess): PairWebhooks => ({
  addSubscription: (input) =>
    Effect.flatMap(store.now, (now) => store.write("record webhook subscription", () => table.addSubscription(pairId, input, now))),
  subscriptions: store.read("read webhook subscriptions", () => table.subscriptions(pairId)),
  recordDelivery: (input) =>
    Effect.flatMap(store.now, (now) => store.write("record webhook delivery", () => table.recordDelivery(pairId, input, now)))
})
