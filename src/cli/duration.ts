import { Effect } from "effect"
import { UsageError } from "./exit.js"

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000 }

/** "90s", "2m", "15m", "1h" → milliseconds; anything else is a usage error naming the option. */
export const parseDuration = (option: string, text: string): Effect.Effect<number, UsageError> => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smh])\s*$/.exec(text)
  const amount = match?.[1]
  const unit = match?.[2]
  if (amount === undefined || unit === undefined || Number(amount) <= 0) {
    return Effect.fail(new UsageError({ message: `${option} takes a duration such as 30s, 2m, 15m or 1h, not '${text}'` }))
  }
  return Effect.succeed(Math.round(Number(amount) * (UNITS[unit] ?? 0)))
}
