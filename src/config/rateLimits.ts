import { Config, Either } from "effect"
import { parsedConfig } from "./env.js"

/** Per-minute budget of each AutoLeap method class. */
export interface AutoleapRateLimits {
  readonly GET: number
  readonly POST: number
  readonly PUT: number
  readonly PATCH: number
  readonly DELETE: number
}

/** AutoLeap's documented per-partner limits; PATCH is not listed and assumed equal to PUT (contract/autoleap.md). */
export const defaultAutoleapRateLimits: AutoleapRateLimits = { GET: 150, POST: 50, PUT: 50, PATCH: 50, DELETE: 50 }

const methodClasses: ReadonlyArray<keyof AutoleapRateLimits> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

/**
 * `GET=150,POST=50,PUT=50,PATCH=50` → limits; methods left out keep their defaults. Left: what is wrong, for a message
 * that also names the variable.
 */
export const parseAutoleapRateLimits = (
  text: string,
  defaults: AutoleapRateLimits = defaultAutoleapRateLimits
): Either.Either<AutoleapRateLimits, string> => {
  const limits: Record<keyof AutoleapRateLimits, number> = { ...defaults }
  const seen = new Set<string>()
  for (const raw of text.split(",")) {
    const part = raw.trim()
    if (part.length === 0) continue
    const eq = part.indexOf("=")
    if (eq < 0) return Either.left(`"${part}" is not METHOD=N (expected e.g. GET=150,POST=50,PUT=50,PATCH=50)`)
    const method = part.slice(0, eq).trim().toUpperCase()
    const value = part.slice(eq + 1).trim()
    if (!methodClasses.includes(method as keyof AutoleapRateLimits)) {
      return Either.left(`unknown method "${part.slice(0, eq).trim()}" (known: ${methodClasses.join(", ")})`)
    }
    if (seen.has(method)) return Either.left(`${method} is given twice`)
    seen.add(method)
    if (!/^\d+$/.test(value) || Number(value) < 1) return Either.left(`${method}=${value}: the limit must be a whole number of requests per minute, at least 1`)
    limits[method as keyof AutoleapRateLimits] = Number(value)
  }
  return Either.right(limits)
}

/** `AUTOGMS_RATE_LIMIT`: a whole number of requests per minute, at least 1. */
export const parsePerMinuteLimit = (text: string): Either.Either<number, string> => {
  const value = text.trim()
  return /^\d+$/.test(value) && Number(value) >= 1
    ? Either.right(Number(value))
    : Either.left(`"${text}" is not a whole number of requests per minute, at least 1`)
}

/** The window every documented limit is stated over: one minute. */
export const RATE_WINDOW_MS = 60_000

/**
 * `SHOPBRIDGE_RATE_WINDOW_MS`: how long "a minute" of the rate limits lasts, in milliseconds. For tests and the
 * rate-limit benchmark, against simulators whose minute is shortened the same way; a real API's minute is 60,000.
 * At least a second: autoGMS tells when its window ends in whole seconds, so two windows must not share one.
 */
export const parseRateWindowMs = (text: string): Either.Either<number, string> => {
  const value = text.trim()
  return /^\d+$/.test(value) && Number(value) >= 1_000
    ? Either.right(Number(value))
    : Either.left(`"${text}" is not a whole number of milliseconds, at least 1000 (a real API's minute is 60000)`)
}

export const rateWindowMsConfig: Config.Config<number> = parsedConfig("SHOPBRIDGE_RATE_WINDOW_MS", parseRateWindowMs).pipe(
  Config.withDefault(RATE_WINDOW_MS)
)
