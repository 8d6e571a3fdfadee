import { Config, Redacted } from "effect"
import { baseUrlConfig, parsedConfig, requiredString } from "./env.js"
import { defaultAutoleapRateLimits, parseAutoleapRateLimits, rateWindowMsConfig, type AutoleapRateLimits } from "./rateLimits.js"

export const AUTOLEAP_DEFAULT_BASE_URL = "https://partnerapi.myautoleap.com/v2"

/** What the AutoLeap client needs from the environment (names as in contract/cli.md). */
export interface AutoleapConfig {
  readonly baseUrl: string
  readonly partnerId: string
  readonly authKey: Redacted.Redacted<string>
  readonly companyId: string
  readonly rateLimits: AutoleapRateLimits
  /** How long the limits' minute lasts (SHOPBRIDGE_RATE_WINDOW_MS); absent: 60 s. */
  readonly rateWindowMs?: number
}

export const autoleapConfig: Config.Config<AutoleapConfig> = Config.all({
  baseUrl: baseUrlConfig("AUTOLEAP_BASE_URL", AUTOLEAP_DEFAULT_BASE_URL),
  partnerId: requiredString("AUTOLEAP_PARTNER_ID"),
  authKey: Config.redacted("AUTOLEAP_AUTH_KEY"),
  companyId: requiredString("AUTOLEAP_COMPANY_ID"),
  rateLimits: parsedConfig("AUTOLEAP_RATE_LIMITS", (text) => parseAutoleapRateLimits(text)).pipe(
    Config.withDefault(defaultAutoleapRateLimits)
  ),
  rateWindowMs: rateWindowMsConfig
})
