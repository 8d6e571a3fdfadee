import type { FaultConfig, FaultInjector } from "../common/faults.js"
import type { RequestStats } from "../common/requestLog.js"

/*
 * Records as AutoLeap returns them when read, written from contract/autoleap.md. Every field but the id and the
 * timestamps may be missing or null, and enum-like fields are plain strings: seeds hold what a real shop accumulated.
 */

export interface AutoleapTagAsRead {
  readonly name: string
  readonly color?: string | null
}

export interface AutoleapPhoneAsRead {
  readonly number?: string | null
  readonly label?: string | null
  /** mobile | landline */
  readonly type?: string | null
  readonly primary?: boolean | null
  readonly active?: boolean | null
}

export interface AutoleapEmailAsRead {
  readonly emailAddress?: string | null
  readonly label?: string | null
  readonly primary?: boolean | null
  readonly active?: boolean | null
}

export interface AutoleapAddressAsRead {
  readonly address?: string | null
  readonly city?: string | null
  readonly state?: string | null
  readonly zip?: string | null
  readonly country?: string | null
}

export interface AutoleapCustomerAsRead {
  readonly customerId: string
  /** Active | Inactive [assumed] */
  readonly customerStatus?: string | null
  readonly createdDate: string
  readonly updatedDate: string
  /** regular | fleet, any case */
  readonly customerType?: string | null
  readonly firstName?: string | null
  readonly lastName?: string | null
  readonly displayName?: string | null
  readonly companyName?: string | null
  readonly phones?: ReadonlyArray<AutoleapPhoneAsRead> | null
  readonly emails?: ReadonlyArray<AutoleapEmailAsRead> | null
  /** mobile | email */
  readonly communicationPreference?: string | null
  readonly notes?: string | null
  readonly mainAddress?: AutoleapAddressAsRead | null
  readonly taxExempt?: boolean | null
  readonly tags?: ReadonlyArray<AutoleapTagAsRead> | null
  readonly chargeAccount?: boolean | null
  readonly preferredLocationID?: string | null
  readonly languagePreference?: string | null
  readonly okForMarketing?: boolean | null
}

export interface AutoleapVehicleAsRead {
  readonly vehicleId: string
  readonly customerId?: string | null
  /** Active | Inactive [assumed] */
  readonly vehicleStatus?: string | null
  readonly createdDate: string
  readonly updatedDate: string
  readonly year?: number | null
  readonly make?: string | null
  readonly model?: string | null
  readonly vehicleName?: string | null
  readonly engine?: string | null
  readonly color?: string | null
  readonly licensePlate?: string | null
  /** The plate's state. */
  readonly state?: string | null
  readonly vin?: string | null
  readonly imgUrl?: string | null
  readonly notes?: string | null
  readonly tags?: ReadonlyArray<AutoleapTagAsRead> | null
  readonly driveType?: string | null
  readonly transmission?: string | null
  readonly mileage?: number | null
  /** Miles | KM */
  readonly mileageUnit?: string | null
}

/** A customer as read, plus the company it is stored under (never sent back). */
export type AutoleapCustomerSeed = AutoleapCustomerAsRead & { readonly companyId: string }
/** A vehicle as read, plus the company it is stored under (never sent back). */
export type AutoleapVehicleSeed = AutoleapVehicleAsRead & { readonly companyId: string }

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
  /** How long a rate-limit "minute" lasts; default 60 s. Shortened (with the client told the same) to bench pacing in less time. */
  readonly rateWindowMs?: number
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
  /**
   * Creates a record as a user of AutoLeap would in its app (no API validation): a fresh id, active, stamped; returns it
   * as read. Throws RangeError for an unknown company, or a vehicle without a customer of that company.
   */
  readonly create: (entity: AutoleapEntity, companyId: string, fields: Readonly<Record<string, unknown>>) => Record<string, unknown>
  readonly configure: (patch: AutoleapSimConfigPatch) => AutoleapSimConfig
  readonly config: () => AutoleapSimConfig
}

export const defaultAutoleapSimConfig: AutoleapSimConfig = {
  accessTokenTtlMs: 3_600_000,
  refreshTokenTtlMs: 10_800_000,
  rateLimits: { GET: 150, POST: 50, PUT: 50, PATCH: 50, DELETE: 50 },
  listShape: "wrapped"
}
