import { Config, Redacted } from "effect"
import { baseUrlConfig, parsedConfig, requiredString } from "./env.js"
import { parsePerMinuteLimit, rateWindowMsConfig } from "./rateLimits.js"

export const AUTOGMS_DEFAULT_BASE_URL = "https://api.autoGMS.com/api/v1"
/** The Standard tier; used until the API's RateLimit-* headers say more. */
export const AUTOGMS_DEFAULT_RATE_LIMIT = 60

/** What the autoGMS client needs from the environment (names as in contract/cli.md). */
export interface AutogmsConfig {
  readonly baseUrl: string
  readonly apiKey: Redacted.Redacted<string>
  readonly garageId: string
  /** Requests per minute; also a ceiling once headers are seen (the smaller wins). */
  readonly rateLimit: number
  /** How long the limit's minute lasts (SHOPBRIDGE_RATE_WINDOW_MS); absent: 60 s. */
  readonly rateWindowMs?: number
}

export const autogmsConfig: Config.Config<AutogmsConfig> = Config.all({
  baseUrl: baseUrlConfig("AUTOGMS_BASE_URL", AUTOGMS_DEFAULT_BASE_URL),
  apiKey: Config.redacted("AUTOGMS_API_KEY"),
  garageId: requiredString("AUTOGMS_GARAGE_ID"),
  rateLimit: parsedConfig("AUTOGMS_RATE_LIMIT", parsePerMinuteLimit).pipe(Config.withDefault(AUTOGMS_DEFAULT_RATE_LIMIT)),
  rateWindowMs: rateWindowMsConfig
})
