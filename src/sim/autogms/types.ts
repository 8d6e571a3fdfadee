import type { FaultConfig, FaultInjector } from "../common/faults.js"
import type { RequestStats } from "../common/requestLog.js"
import type { WebhookDelivery, WebhookTiming } from "./webhooks.js"

/** An API key as the simulator knows it. `ratePerMinute` is the key's tier (Standard 60, Premium 300, Enterprise 1,000). */
export interface AutogmsSeedApiKey {
  readonly key: string
  readonly access: "read" | "read_write"
  readonly garageIds: ReadonlyArray<string>
  readonly ratePerMinute: number
}

export interface AutogmsSeedGarage {
  readonly id: string
  readonly name: string
  readonly country: string
  readonly timezone: string
  readonly currency: string
  readonly distanceUnit: "km" | "mi"
}

/**
 * Records are stored exactly as given (seeds hold deliberately bad data); only `garageId` is added to what the API
 * returns, so the fields are loosely typed.
 */
export type AutogmsRecord = { readonly id: string; readonly [field: string]: unknown }
export type AutogmsSeedCustomer = AutogmsRecord & { readonly garageId: string }
export type AutogmsSeedVehicle = AutogmsRecord & { readonly garageId: string; readonly customerId?: unknown }

export interface AutogmsSeed {
  readonly apiKeys: ReadonlyArray<AutogmsSeedApiKey>
  readonly garages: ReadonlyArray<AutogmsSeedGarage>
  readonly customers: ReadonlyArray<AutogmsSeedCustomer>
  readonly vehicles: ReadonlyArray<AutogmsSeedVehicle>
}

/** What `configure` / `POST /__sim/config` may change at run time. */
export interface AutogmsSimConfig {
  /** New per-minute limits by API key (a key's tier changes). */
  readonly ratePerMinute?: Readonly<Record<string, number>>
  /** Forget every rate window (a fresh minute for every key). */
  readonly resetRateLimits?: boolean
  /** Webhook retry delays and per-attempt timeout (tests make them short). */
  readonly webhooks?: Partial<WebhookTiming>
}

export interface AutogmsSimOptions {
  readonly host?: string
  /** 0 (the default) = any free port. */
  readonly port?: number
  readonly seed?: AutogmsSeed
  readonly faults?: Partial<FaultConfig>
  readonly now?: () => number
  /** How long a rate-limit "minute" lasts; default 60 s. Shortened (with the client told the same) to bench pacing in less time. */
  readonly rateWindowMs?: number
  /** Webhook retry delays and per-attempt timeout; default `defaultWebhookTiming`. */
  readonly webhooks?: Partial<WebhookTiming>
}

export type AutogmsEntity = "customers" | "vehicles"

export interface AutogmsSim {
  /** e.g. "http://127.0.0.1:41234/api/v1" */
  readonly baseUrl: string
  readonly port: number
  readonly close: () => Promise<void>
  /** Replaces the whole store (and forgets rate windows, webhook subscriptions and their deliveries). */
  readonly seed: (data: AutogmsSeed) => void
  /** The store as a seed: `seed(dump())` gives the same world back. */
  readonly dump: () => AutogmsSeed
  readonly stats: () => RequestStats
  readonly resetStats: () => void
  readonly faults: FaultInjector
  /** Changes a record as a user of autoGMS would: applies the patch and bumps `updatedAt`. Throws if there is no such record. */
  readonly edit: (entity: AutogmsEntity, id: string, patch: Readonly<Record<string, unknown>>) => AutogmsRecord
  /**
   * Creates a record as a user of autoGMS would in its app (no API validation): defaults filled, stamped; a customer is
   * announced to the garage's webhook subscriptions (`customer.created`). Throws for an unknown garage.
   */
  readonly create: (entity: AutogmsEntity, garageId: string, fields: Readonly<Record<string, unknown>>) => AutogmsRecord
  readonly configure: (patch: AutogmsSimConfig) => void
  /** What the webhook side holds: subscriptions (without secrets) and every delivery with its attempts, oldest first. */
  readonly webhooks: {
    readonly subscriptions: () => ReadonlyArray<{ readonly id: string; readonly url: string; readonly events: ReadonlyArray<string>; readonly active: boolean }>
    readonly deliveries: () => ReadonlyArray<WebhookDelivery>
  }
}
