import type { FaultConfig, FaultInjector } from "../common/faults.js"
import type { RequestStats } from "../common/requestLog.js"
import type { AutoleapCustomer, AutoleapVehicle } from "../../sources/autoleap/schema.js"

/** A customer as AutoLeap returns it when read, plus the company it is stored under (never sent back). */
export type AutoleapCustomerSeed = AutoleapCustomer & { readonly companyId: string }
/** A vehicle as AutoLeap returns it when read, plus the company it is stored under (never sent back). */
export type AutoleapVehicleSeed = AutoleapVehicle & { readonly companyId: string }

export interface AutoleapPartnerSeed {
  readonly partnerId: string
  readonly authKey: string
  readonly name: string
  readonly companyIds: ReadonlyArray<string>
}

export interface AutoleapCompanySeed {
  readonly companyId: string
  readonly name: string
  readonly locations: ReadonlyArray<{ readonly locationId: string; readonly name: string }>
}

/**
 * What the simulator holds. Records are stored as given, without strict validation: fixtures deliberately carry the
 * bad data a real shop accumulates (invalid VINs, unknown enum values, missing names).
 */
export interface AutoleapSeed {
  readonly partners: ReadonlyArray<AutoleapPartnerSeed>
  readonly companies: ReadonlyArray<AutoleapCompanySeed>
  readonly customers: ReadonlyArray<AutoleapCustomerSeed>
  readonly vehicles: ReadonlyArray<AutoleapVehicleSeed>
}

export type AutoleapListShape = "wrapped" | "page"
export type AutoleapRateLimitedMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
export type AutoleapEntity = "customers" | "vehicles"

/** The options a running simulator can change (`configure`, `POST /__sim/config`). */
export interface AutoleapSimConfig {
  readonly accessTokenTtlMs: number
  readonly refreshTokenTtlMs: number
  /** Requests per partner account per method per minute. */
  readonly rateLimits: Readonly<Record<AutoleapRateLimitedMethod, number>>
  readonly listShape: AutoleapListShape
}

export interface AutoleapSimConfigPatch {
  readonly accessTokenTtlMs?: number
  readonly refreshTokenTtlMs?: number
  readonly rateLimits?: Partial<Record<AutoleapRateLimitedMethod, number>>
  readonly listShape?: AutoleapListShape
}

export interface AutoleapSimOptions extends AutoleapSimConfigPatch {
  readonly host?: string
  /** 0 (the default) picks any free port. */
  readonly port?: number
  readonly seed?: AutoleapSeed
  readonly faults?: Partial<FaultConfig>
  /** The simulator's clock (ms since epoch); tests pass a fake one to expire tokens or roll rate windows. */
  readonly now?: () => number
}

export interface AutoleapSim {
  /** e.g. "http://127.0.0.1:41234/v2" */
  readonly baseUrl: string
  readonly port: number
  readonly close: () => Promise<void>
  /** Replaces the whole store. */
  readonly seed: (data: AutoleapSeed) => void
  readonly dump: () => AutoleapSeed
  readonly stats: () => RequestStats
  readonly resetStats: () => void
  readonly faults: FaultInjector
  /** Changes a record as a user of AutoLeap would: merges the patch and bumps `updatedDate`; returns it as read. */
  readonly edit: (entity: AutoleapEntity, id: string, patch: Readonly<Record<string, unknown>>) => Record<string, unknown>
  readonly configure: (patch: AutoleapSimConfigPatch) => AutoleapSimConfig
  readonly config: () => AutoleapSimConfig
}

export const defaultAutoleapSimConfig: AutoleapSimConfig = {
  accessTokenTtlMs: 3_600_000,
  refreshTokenTtlMs: 10_800_000,
  rateLimits: { GET: 150, POST: 50, PUT: 50, PATCH: 50, DELETE: 50 },
  listShape: "wrapped"
}
