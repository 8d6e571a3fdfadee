import { MultiBar, type SingleBar } from "cli-progress"
import { Clock, Effect, Layer } from "effect"

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
          if (!known) write(`${entity}: starting, ${formatCount(total)} to go`)
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

/** One bar per entity on a terminal. The MultiBar is stopped (cursor restored) when the layer's scope closes. */
export const layerTty = (stream: NodeJS.WritableStream = process.stderr): Layer.Layer<Progress> =>
  Layer.scoped(
    Progress,
    Effect.gen(function* () {
      const multi = yield* Effect.acquireRelease(
        Effect.sync(
          () =>
            new MultiBar({
              stream,
              format: " {entity} |{bar}| {value}/{total} | {rate}/s | ETA {eta_formatted}",
              barCompleteChar: "\u2588",
              barIncompleteChar: "\u2591",
              hideCursor: true,
              clearOnComplete: false,
              stopOnComplete: false,
              etaBuffer: 100,
              autopadding: true
            })
        ),
        (bars) => Effect.sync(() => bars.stop())
      )
      const bars = new Map<string, { readonly bar: SingleBar; readonly startedAt: number; done: number }>()
      const rate = (entry: { readonly startedAt: number; readonly done: number }, now: number): string =>
        formatRate(ratePerSecond(entry.done, now - entry.startedAt))
      return Progress.of({
        start: (entity, total) =>
          Clock.currentTimeMillis.pipe(
            Effect.map((now) => {
              const existing = bars.get(entity)
              if (existing !== undefined) existing.bar.setTotal(total)
              else bars.set(entity, { bar: multi.create(total, 0, { entity, rate: "0" }), startedAt: now, done: 0 })
            })
          ),
        advance: (entity, n) =>
          Clock.currentTimeMillis.pipe(
            Effect.map((now) => {
              const entry = bars.get(entity)
              if (entry === undefined) return
              entry.done += n
              entry.bar.increment(n, { entity, rate: rate(entry, now) })
            })
          ),
        finish: (entity) =>
          Clock.currentTimeMillis.pipe(
            Effect.map((now) => {
              const entry = bars.get(entity)
              if (entry === undefined) return
              entry.bar.update(entry.done, { entity, rate: rate(entry, now) })
              entry.bar.stop()
            })
          ),
        log: (line) => Effect.sync(() => multi.log(`${line}\n`))
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
