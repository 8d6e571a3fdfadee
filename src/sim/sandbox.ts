import type { FaultConfig } from "./common/faults.js"
import type { AutogmsSeed, AutogmsSim } from "./autogms/index.js"
import type { AutoleapSeed, AutoleapSim } from "./autoleap/index.js"
import { loadDataset } from "./fixtures/load.js"
import { SANDBOX_AUTOGMS, SANDBOX_AUTOLEAP } from "./fixtures/sandboxAccounts.js"
import type { Dataset } from "./fixtures/seedTypes.js"

export interface SandboxOptions {
  /** `small` (default), `large`, a dataset folder, or a dataset already in memory. */
  readonly seed?: string | Dataset
  /** 0 (the default) = any free port. */
  readonly autoleapPort?: number
  readonly autogmsPort?: number
  readonly host?: string
  /** The same faults for both simulators; each simulator's own injector can be changed afterwards. */
  readonly faults?: Partial<FaultConfig>
  /** How long both simulators' rate-limit "minute" lasts; default 60 s (see SHOPBRIDGE_RATE_WINDOW_MS for the client). */
  readonly rateWindowMs?: number
}

export interface Sandbox {
  readonly autoleap: AutoleapSim
  readonly autogms: AutogmsSim
  /** What shopbridge needs to reach both simulators: base URLs, credentials, rate limits (cli.md variable names). */
  readonly env: Readonly<Record<string, string>>
  readonly close: () => Promise<void>
}

/**
 * The AutoLeap account the printed credentials use: the sandbox partner when the dataset has it, else the first
 * partner with a company, so `--seed DIR` with other accounts still prints credentials that work.
 */
const autoleapAccount = (seed: AutoleapSeed): { partnerId: string; authKey: string; companyId: string } => {
  const partner =
    seed.partners.find((p) => p.partnerId === SANDBOX_AUTOLEAP.partnerId && p.companyIds.length > 0) ??
    seed.partners.find((p) => p.companyIds.length > 0)
  if (partner === undefined) return { partnerId: SANDBOX_AUTOLEAP.partnerId, authKey: SANDBOX_AUTOLEAP.authKey, companyId: SANDBOX_AUTOLEAP.companyId }
  const companyId = partner.companyIds.includes(SANDBOX_AUTOLEAP.companyId) ? SANDBOX_AUTOLEAP.companyId : partner.companyIds[0]!
  return { partnerId: partner.partnerId, authKey: partner.authKey, companyId }
}

/** The autoGMS key the printed credentials use: the sandbox read-write key when present, else the first read-write key. */
const autogmsAccount = (seed: AutogmsSeed): { key: string; garageId: string; ratePerMinute: number } => {
  const key =
    seed.apiKeys.find((k) => k.key === SANDBOX_AUTOGMS.readWriteKey && k.garageIds.length > 0) ??
    seed.apiKeys.find((k) => k.access === "read_write" && k.garageIds.length > 0)
  if (key === undefined) {
    return { key: SANDBOX_AUTOGMS.readWriteKey, garageId: SANDBOX_AUTOGMS.garageId, ratePerMinute: SANDBOX_AUTOGMS.readWriteRatePerMinute }
  }
  const garageId = key.garageIds.includes(SANDBOX_AUTOGMS.garageId) ? SANDBOX_AUTOGMS.garageId : key.garageIds[0]!
  return { key: key.key, garageId, ratePerMinute: key.ratePerMinute }
}

/** `GET=150,POST=50,...` in the order AUTOLEAP_RATE_LIMITS is documented. */
const formatRateLimits = (limits: Readonly<Record<string, number>>): string =>
  ["GET", "POST", "PUT", "PATCH", "DELETE"]
    .filter((method) => limits[method] !== undefined)
    .map((method) => `${method}=${limits[method]}`)
    .join(",")

/**
 * Starts both simulators seeded with one dataset, in this process. Rejects with `DatasetLoadError` for a bad seed,
 * or with the listen error (e.g. EADDRINUSE) when a port is taken; nothing is left running either way.
 */
export const startSandbox = async (options: SandboxOptions = {}): Promise<Sandbox> => {
  // Loaded here, not at the top: every CLI command imports this module (for `sandbox` and `demo`), and the others
  // should not carry both simulators in their memory.
  const [{ startAutoleapSim }, { startAutogmsSim }] = await Promise.all([import("./autoleap/index.js"), import("./autogms/index.js")])
  const dataset = typeof options.seed === "object" ? options.seed : await loadDataset(options.seed ?? "small")
  const autoleapSeed = dataset.autoleap
  const autogmsSeed = dataset.autogms
  const host = options.host ?? "127.0.0.1"
  const autoleap = await startAutoleapSim({ host, port: options.autoleapPort ?? 0, seed: autoleapSeed, faults: options.faults, rateWindowMs: options.rateWindowMs })
  let autogms: AutogmsSim
  try {
    autogms = await startAutogmsSim({ host, port: options.autogmsPort ?? 0, seed: autogmsSeed, faults: options.faults, rateWindowMs: options.rateWindowMs })
  } catch (error) {
    await autoleap.close()
    throw error
  }
  const al = autoleapAccount(autoleapSeed)
  const gms = autogmsAccount(autogmsSeed)
  const env: Record<string, string> = {
    AUTOLEAP_BASE_URL: autoleap.baseUrl,
    AUTOLEAP_PARTNER_ID: al.partnerId,
    AUTOLEAP_AUTH_KEY: al.authKey,
    AUTOLEAP_COMPANY_ID: al.companyId,
    AUTOLEAP_RATE_LIMITS: formatRateLimits(autoleap.config().rateLimits),
    AUTOGMS_BASE_URL: autogms.baseUrl,
    AUTOGMS_API_KEY: gms.key,
    AUTOGMS_GARAGE_ID: gms.garageId,
    AUTOGMS_RATE_LIMIT: String(gms.ratePerMinute)
  }
  let closing: Promise<void> | undefined
  return {
    autoleap,
    autogms,
    env,
    close: () => (closing ??= Promise.all([autoleap.close(), autogms.close()]).then(() => undefined))
  }
}

/** A value as a POSIX shell word: bare when it is safe, else single-quoted. */
export const shellQuote = (value: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`

/** `export NAME=value` lines for `eval "$(shopbridge sandbox)"`-style use. */
export const exportLines = (env: Readonly<Record<string, string>>): string =>
  Object.entries(env)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join("\n")
