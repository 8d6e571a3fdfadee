import { Chunk, Effect, Option, Stream } from "effect"

/** One page as a client sees it, whatever the API's shape. */
export interface PageOf<A> {
  readonly items: ReadonlyArray<A>
  /** What the API says: `last: false` / `hasMore: true`. */
  readonly hasMore: boolean
}

/**
 * Pages 1, 2, … as one stream. Stops when the API says there is no more, or on a short or empty page (the contract's
 * rule, and a guard against an API that never says `last`). Pages are read one after another: a page's answer decides
 * whether there is a next one.
 */
export const pagedStream = <A, E, R>(
  pageSize: number,
  fetchPage: (page: number) => Effect.Effect<PageOf<A>, E, R>
): Stream.Stream<A, E, R> =>
  Stream.paginateChunkEffect(1, (page: number) =>
    Effect.map(fetchPage(page), (p) => {
      const more = p.hasMore && p.items.length >= pageSize && p.items.length > 0
      return [Chunk.fromIterable(p.items), more ? Option.some(page + 1) : Option.none<number>()] as const
    })
  )

/** Default overlap of incremental windows: records written around the previous checkpoint are read again, not missed. */
export const DEFAULT_OVERLAP_MS = 2 * 60_000

/** The lower bound actually sent to the API: `updatedSince` moved back by the overlap. */
export const windowStart = (updatedSince: Date, overlapMs: number): Date => new Date(updatedSince.getTime() - Math.max(0, overlapMs))

const timeOf = (value: string): number => {
  const t = Date.parse(value)
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t
}

/**
 * How many of the latest ids a paged read remembers. A record comes twice only when records before it moved while we
 * paged (it shifts back across a page boundary), so a repeat follows its first time within about as many records as
 * moved; remembering every id of a 150,000-record read held ~15 MB for nothing. A repeat that slips past is harmless:
 * the snapshot keeps one row per id.
 */
export const REMEMBERED_IDS = 10_000

/**
 * Drops a record already emitted by this stream with the same or a newer updated timestamp; a newer version of a record
 * already seen is emitted again (it supersedes the earlier one). State lives per stream run, for the latest `remember` ids.
 */
export const dedupByIdAndUpdated =
  <A>(idOf: (a: A) => string, updatedOf: (a: A) => string, remember: number = REMEMBERED_IDS) =>
  <E, R>(stream: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
    Stream.suspend(() => {
      // A Map iterates in insertion order: its first key is the id seen longest ago.
      const seen = new Map<string, number>()
      return Stream.filter(stream, (a) => {
        const id = idOf(a)
        const updated = timeOf(updatedOf(a))
        const before = seen.get(id)
        if (before !== undefined && updated <= before) return false
        seen.delete(id)
        seen.set(id, updated)
        if (seen.size > remember) {
          const oldest = seen.keys().next()
          if (oldest.done !== true) seen.delete(oldest.value)
        }
        return true
      })
    })

/**
 * The upper bound of a window is applied here, not sent to the API: a record updated while we page would leave a
 * server-side window and shift later records back by one, so one of them would be skipped. Filtering here only drops
 * records whose newest version belongs to the next window, which the next run reads.
 */
export const updatedAtMost =
  <A>(updatedOf: (a: A) => string, until: Date | undefined) =>
  <E, R>(stream: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
    until === undefined ? stream : Stream.filter(stream, (a) => timeOf(updatedOf(a)) <= until.getTime())
