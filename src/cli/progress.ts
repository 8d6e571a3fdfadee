import { MultiBar, type SingleBar } from "cli-progress"
import { Clock, Duration, Effect, Layer, Schedule } from "effect"

import { Progress, type ProgressService } from "../pipeline/progress.js"

export { Progress, type ProgressService }

interface EntityState {
  total: number
  done: number
  readonly startedAt: number
  lastLineAt: number
  lastLineDone: number
}

const formatCount = (n: number): string => n.toLocaleString("en-US")

export const formatEta = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return "unknown"
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const minutes = Math.ceil(s / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
}

/** Records per second since the entity started. */
export const ratePerSecond = (done: number, elapsedMs: number): number => (elapsedMs <= 0 ? 0 : (done * 1000) / elapsedMs)

const formatRate = (rate: number): string => (rate >= 10 ? rate.toFixed(0) : rate.toFixed(1))

/** The plain line for an entity at a moment: "customers: 1,500/10,000 (15%), 42/s, about 3 min left". */
export const progressLine = (entity: string, state: { readonly total: number; readonly done: number; readonly startedAt: number }, now: number): string => {
  const elapsed = now - state.startedAt
  const rate = ratePerSecond(state.done, elapsed)
  const percent = state.total > 0 ? ` (${Math.floor((Math.min(state.done, state.total) * 100) / state.total)}%)` : ""
  const of = state.total > 0 ? `/${formatCount(state.total)}` : ""
  const eta = state.total > 0 && rate > 0 ? `, about ${formatEta((state.total - state.done) / rate)} left` : ""
  return `${entity}: ${formatCount(state.done)}${of}${percent}, ${formatRate(rate)}/s${eta}`
}

/** Control characters (ANSI escapes, carriage returns) never reach a log file from shop data or from us. */
const plainText = (line: string): string => line.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")

export interface PlainProgressOptions {
  /** Receives one line at a time, without its newline. */
  readonly write: (line: string) => void
  /** A line at least every this many records… */
  readonly everyRecords?: number
  /** …or when this much time has passed since the last line, whichever comes first. */
  readonly everyMs?: number
}

/** Plain log lines; time comes from Effect's Clock, so tests drive it with TestClock. */
export const makePlainProgress = (options: PlainProgressOptions): ProgressService => {
  const write = (line: string): void => options.write(plainText(line))
  const everyRecords = options.everyRecords ?? 1000
  const everyMs = options.everyMs ?? 10_000
  const states = new Map<string, EntityState>()
  const stateOf = (entity: string, now: number): EntityState => {
    let state = states.get(entity)
    if (state === undefined) {
      state = { total: 0, done: 0, startedAt: now, lastLineAt: now, lastLineDone: 0 }
      states.set(entity, state)
    }
    return state
  }
  return {
    start: (entity, total) =>
      Clock.currentTimeMillis.pipe(
        Effect.map((now) => {
          const known = states.has(entity)
          const state = stateOf(entity, now)
          state.total = total
          // 0 is "not known yet" (extract starts before the first page says how many there are).
          if (!known) write(total > 0 ? `${entity}: starting, ${formatCount(total)} to go` : `${entity}: starting`)
        })
      ),
    advance: (entity, n) =>
      Clock.currentTimeMillis.pipe(
        Effect.map((now) => {
          const state = stateOf(entity, now)
          state.done += n
          if (state.done - state.lastLineDone >= everyRecords || now - state.lastLineAt >= everyMs) {
            state.lastLineAt = now
            state.lastLineDone = state.done
            write(progressLine(entity, state, now))
          }
        })
      ),
    finish: (entity) =>
      Clock.currentTimeMillis.pipe(
        Effect.map((now) => {
          const state = stateOf(entity, now)
          const elapsed = now - state.startedAt
          write(
            `${entity}: done, ${formatCount(state.done)} in ${formatEta(elapsed / 1000)} (${formatRate(ratePerSecond(state.done, elapsed))}/s)`
          )
          states.delete(entity)
        })
      ),
    log: (line) => Effect.sync(() => write(line))
  }
}

export const layerPlain = (options: Partial<PlainProgressOptions> = {}): Layer.Layer<Progress> =>
  Layer.sync(Progress, () =>
    makePlainProgress({
      ...options,
      write: options.write ?? ((line) => void process.stderr.write(`${line}\n`))
    })
  )

/** What one bar shows; `total` 0 means not known yet. */
export interface BarState {
  readonly entity: string
  readonly done: number
  readonly total: number
  readonly startedAt: number
  /** Set once the entity is finished: the bar then says how long it took instead of what is left. */
  readonly finishedAt: number | null
}

const BAR_WIDTH = 24

/** The bar itself: filled to the fraction done, or empty while the total is unknown (a full bar would say "done"). */
export const barGraphic = (done: number, total: number, width: number = BAR_WIDTH): string => {
  const filled = total > 0 ? Math.min(width, Math.floor((Math.min(done, total) * width) / total)) : 0
  return "\u2588".repeat(filled) + "\u2591".repeat(width - filled)
}

/**
 * One bar's line at a moment, e.g. "customers from autoleap |████░░░░| 1,200/5,000 (24%) | 42/s | about 2 min left".
 * The rate is over the entity's whole time so far, so while the client waits for its rate limit the rate falls and the
 * time left grows: the line keeps telling the truth between records. Without a total it shows the count alone.
 */
export const barLine = (bar: BarState, now: number, nameWidth: number = bar.entity.length): string => {
  const end = bar.finishedAt ?? now
  const rate = ratePerSecond(bar.done, end - bar.startedAt)
  const count =
    bar.total > 0
      ? `${formatCount(bar.done)}/${formatCount(bar.total)} (${Math.floor((Math.min(bar.done, bar.total) * 100) / bar.total)}%)`
      : `${formatCount(bar.done)} so far`
  const tail =
    bar.finishedAt !== null
      ? `done in ${formatEta((bar.finishedAt - bar.startedAt) / 1000)}`
      : bar.total > 0 && rate > 0
        ? `about ${formatEta((bar.total - bar.done) / rate)} left`
        : bar.total > 0
          ? "time left not known yet"
          : "total not known yet"
  return `${plainText(bar.entity).padEnd(nameWidth)} |${barGraphic(bar.done, bar.total)}| ${count} | ${formatRate(rate)}/s | ${tail}`
}

/** How often the bars are recomputed when no record moves (a paced client can wait seconds between records). */
const TICK = Duration.seconds(1)

/**
 * One bar per entity on a terminal. Lines given to `log` are printed above the bars (the MultiBar redraws below them),
 * so messages do not tear the bars. The MultiBar is stopped (cursor restored) when the layer's scope closes.
 */
export const layerTty = (stream: NodeJS.WritableStream = process.stderr): Layer.Layer<Progress> =>
  Layer.scoped(
    Progress,
    Effect.gen(function* () {
      const entries = new Map<string, { state: BarState; readonly bar: SingleBar }>()
      const nameWidth = (): number => Math.max(0, ...[...entries.keys()].map((name) => plainText(name).length))
      // Our own formatter: the line is computed in `barLine`, from our counts and Effect's clock, not cli-progress's.
      const multi = new MultiBar({
        stream,
        format: (_options, _params, payload: { readonly line?: string }) => payload.line ?? "",
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false
      })
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          // Lines logged since the last redraw are still buffered: one last redraw prints them above the bars.
          if (entries.size > 0) multi.update()
          multi.stop()
        })
      )
      const redraw = (entity: string, now: number): void => {
        const entry = entries.get(entity)
        if (entry === undefined) return
        entry.bar.setTotal(Math.max(entry.state.total, 1))
        entry.bar.update(entry.state.done, { line: barLine(entry.state, now, nameWidth()) })
      }
      const redrawAll = (now: number): void => {
        for (const [entity, entry] of entries) if (entry.state.finishedAt === null) redraw(entity, now)
      }
      const withNow = (f: (now: number) => void) => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => f(now)))
      yield* withNow(redrawAll).pipe(Effect.repeat(Schedule.spaced(TICK)), Effect.delay(TICK), Effect.forkScoped)
      return Progress.of({
        start: (entity, total) =>
          withNow((now) => {
            const existing = entries.get(entity)
            if (existing !== undefined) existing.state = { ...existing.state, total }
            else {
              const state: BarState = { entity, done: 0, total, startedAt: now, finishedAt: null }
              entries.set(entity, { state, bar: multi.create(Math.max(total, 1), 0, { line: barLine(state, now, nameWidth()) }) })
            }
            redrawAll(now)
          }),
        advance: (entity, n) =>
          withNow((now) => {
            const entry = entries.get(entity)
            if (entry === undefined) return
            entry.state = { ...entry.state, done: entry.state.done + n }
            redraw(entity, now)
          }),
        finish: (entity) =>
          withNow((now) => {
            const entry = entries.get(entity)
            if (entry === undefined) return
            // An entity whose total was never known ends at what was done: a full bar, not an empty one.
            const total = entry.state.total > 0 && entry.state.total >= entry.state.done ? entry.state.total : entry.state.done
            entry.state = { ...entry.state, total, finishedAt: now }
            redraw(entity, now)
            entry.bar.stop()
          }),
        log: (line) =>
          Effect.sync(() => {
            // Before the first bar there is nothing to draw around, and the MultiBar would hold the line until one appears.
            if (entries.size === 0) stream.write(`${plainText(line)}\n`)
            else multi.log(`${plainText(line)}\n`)
          })
      })
    })
  )

/** Bars on a terminal, plain lines otherwise: the choice is made by whether stderr is a TTY. */
export const layer: Layer.Layer<Progress> = Layer.unwrapEffect(
  Effect.sync(() => (process.stderr.isTTY ? layerTty(process.stderr) : layerPlain()))
)

export const layerNone: Layer.Layer<Progress> = Layer.succeed(
  Progress,
  Progress.of({ start: () => Effect.void, advance: () => Effect.void, finish: () => Effect.void, log: () => Effect.void })
)

export type ProgressEvent =
  | { readonly _tag: "start"; readonly entity: string; readonly total: number }
  | { readonly _tag: "advance"; readonly entity: string; readonly n: number }
  | { readonly _tag: "finish"; readonly entity: string }
  | { readonly _tag: "log"; readonly line: string }

/** For tests of the pipeline: a layer that records every call, and a way to read them. */
export const makeRecording = (): { readonly layer: Layer.Layer<Progress>; readonly events: () => ReadonlyArray<ProgressEvent> } => {
  const events: Array<ProgressEvent> = []
  const push = (event: ProgressEvent) => Effect.sync(() => void events.push(event))
  return {
    layer: Layer.succeed(
      Progress,
      Progress.of({
        start: (entity, total) => push({ _tag: "start", entity, total }),
        advance: (entity, n) => push({ _tag: "advance", entity, n }),
        finish: (entity) => push({ _tag: "finish", entity }),
        log: (line) => push({ _tag: "log", line })
      })
    ),
    events: () => [...events]
  }
}
