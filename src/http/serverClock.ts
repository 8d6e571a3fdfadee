import { Effect, Option } from "effect"

/**
 * The newest time an API's answers have carried in their `Date` header: the server's own clock, never ours. A sync
 * reads it before a change read: every record updated before then (less the overlap that covers late commits) was
 * there to be read, so the next read can start from it even when nothing changed since.
 */
export interface ServerClock {
  readonly saw: (dateHeader: string | undefined) => void
  readonly latest: Effect.Effect<Option.Option<Date>>
}

export const makeServerClock = (): ServerClock => {
  let latestMs: number | undefined
  return {
    saw: (dateHeader) => {
      const ms = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader)
      if (!Number.isNaN(ms) && (latestMs === undefined || ms > latestMs)) latestMs = ms
    },
    latest: Effect.sync(() => Option.map(Option.fromNullable(latestMs), (ms) => new Date(ms)))
  }
}
