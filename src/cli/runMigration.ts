/**
 * Runs one migration from the command line: configuration and mapping first (a problem there is exit 2 and nothing is
 * read or written), then the state file, the run lock, the clients and the pipeline; the report files and the exit code
 * last. Shared by `migrate`, `resume` and `demo`.
 */
import { Cause, ConfigError, Console, Effect, Exit, Layer, Logger, LogLevel, Option, Schedule } from "effect"
import { createWriteStream, mkdirSync } from "node:fs"
import { hostname } from "node:os"
import * as path from "node:path"
import { autogmsConfig, autoleapConfig, type AutogmsConfig, type AutoleapConfig } from "../config/index.js"
import * as HttpLogging from "../http/log.js"
import * as HttpTransport from "../http/transport.js"
import { loadMappingFile } from "../config/mappingFile.js"
import type { Entity } from "../domain/entity.js"
import { makeMappingContext, paletteFromMapping, type Mapping, type TagPalette } from "../mapping/index.js"
import { runApply } from "../pipeline/apply.js"
import { migrateReportScope, runMigrate, type MigrateOptions } from "../pipeline/migrate.js"
import type { RunAborted } from "../pipeline/errors.js"
import type { Direction } from "../pipeline/plan.js"
import { reportFromStore, type ReportScope } from "../pipeline/runReport.js"
import type { StageServices } from "../pipeline/stage.js"
import { autogmsGateway } from "../gateways/autogms.js"
import { autoleapGateway } from "../gateways/autoleap.js"
import { needsReview, renderTerminalSummary, writeRunReport, type RunActions, type RunReport } from "../report/index.js"
import * as AutogmsClient from "../sources/autogms/index.js"
import * as AutoleapClient from "../sources/autoleap/index.js"
import { newRunId, StateStore, type PairState, type ShopPair, type StateError, type StateLocked } from "../state/index.js"
import { AbortedError, ExitCode, UsageError } from "./exit.js"
import * as Progress from "./progress.js"

/** What every run keeps to be started again by `resume`: everything but secrets (those come from the environment). */
export interface StoredRunOptions {
  readonly dryRun: boolean
  readonly includeArchived: boolean
  readonly mappingPath: string | null
  readonly runsDir: string
}

export interface StoredMigrateOptions extends MigrateOptions, StoredRunOptions {
  /** `apply`: the dry run whose plan this run writes (absent for a plain migration). */
  readonly apply?: { readonly planOf: string; readonly strict: boolean } | null
}

/** What differs between the commands that run the pipeline: their stages, and how they are stored and reported. */
export interface RunKind {
  readonly command: "migrate" | "sync"
  readonly directions: ReadonlyArray<Direction>
  readonly options: StoredRunOptions
  readonly carryOut: (services: StageServices, run: { readonly runId: string; readonly startedAt: string; readonly resumed: boolean }) => Effect.Effect<
    { readonly report: RunReport; readonly actions: RunActions },
    RunAborted | StateError | StateLocked
  >
  /** For a run that stops early: what its report covers. */
  readonly partialScope: (run: { readonly runId: string; readonly startedAt: string }) => ReportScope
}

const migrationKind = (options: StoredMigrateOptions): RunKind => ({
  command: "migrate",
  directions: [{ from: options.from, to: options.to }],
  options,
  carryOut: (services, run) =>
    options.apply === undefined || options.apply === null
      ? runMigrate(services, options, run)
      : runApply(services, { ...options, ...options.apply }, run),
  partialScope: (run) => migrateReportScope(run, options, { customers: 0, vehicles: 0 }, null)
})

export interface RunRequest {
  readonly options: StoredMigrateOptions
  readonly statePath: string
  /** Given: resume that run. */
  readonly resumeRunId?: string
  /** Client options for tests and the demo (e.g. shorter token lifetimes). */
  readonly clientOptions?: { readonly autoleap?: AutoleapClient.AutoleapClientOptions; readonly autogms?: AutogmsClient.AutogmsClientOptions }
  /** `apply`: the shop pair of the dry run; the environment must name the same one. */
  readonly planPair?: ShopPair
  /** Wait (up to the given time) for another run of the shop pair to end instead of failing at once. */
  readonly waitForLock?: { readonly maxWaitMs: number }
  /** Where the one-line messages go (stderr by default). */
  readonly say?: (line: string) => void
}

const entitiesOf = (text: string): Effect.Effect<ReadonlyArray<Entity>, UsageError> => {
  const parts = text.split(",").map((p) => p.trim()).filter((p) => p !== "")
  const bad = parts.filter((p) => p !== "customers" && p !== "vehicles")
  if (parts.length === 0 || bad.length > 0) {
    return Effect.fail(new UsageError({ message: `--entities takes customers, vehicles or both (comma-separated), not '${text}'` }))
  }
  // Customers go first whatever the order given: vehicles need their owners.
  return Effect.succeed((["customers", "vehicles"] as const).filter((e) => parts.includes(e)))
}

export const parseMigrateFlags = (flags: {
  readonly from: "autoleap" | "autogms"
  readonly to: "autoleap" | "autogms"
  readonly entities: string
  readonly dryRun: boolean
  readonly includeArchived: boolean
  readonly mapping: Option.Option<string>
  readonly runsDir: string
}): Effect.Effect<StoredMigrateOptions, UsageError> =>
  Effect.gen(function* () {
    if (flags.from === flags.to) {
      return yield* Effect.fail(new UsageError({ message: `--from and --to must name different systems (both are ${flags.from})` }))
    }
    return {
      from: flags.from,
      to: flags.to,
      entities: yield* entitiesOf(flags.entities),
      dryRun: flags.dryRun,
      includeArchived: flags.includeArchived,
      mappingPath: Option.getOrNull(flags.mapping),
      runsDir: flags.runsDir
    }
  })

const configError = (error: ConfigError.ConfigError): UsageError => {
  const text = String(error)
  // "(Missing data at AUTOGMS_API_KEY: "Expected AUTOGMS_API_KEY to exist in the process context")" → the variable.
  const missing = (/Expected (\w+) to exist/.exec(text) ?? /Missing data at (\w+)/.exec(text))?.[1]
  return new UsageError({
    message: missing !== undefined ? `environment variable ${missing} is not set (see .env or the README)` : `configuration: ${text.replace(/\s+/g, " ")}`
  })
}

interface Prepared {
  readonly autoleap: AutoleapConfig
  readonly autogms: AutogmsConfig
  readonly mapping: Mapping
}

/** Everything that can be wrong before anything is read or written: exit 2. */
const prepare = (options: StoredRunOptions): Effect.Effect<Prepared, UsageError> =>
  Effect.gen(function* () {
    const configs = yield* Effect.all({ autoleap: autoleapConfig, autogms: autogmsConfig }).pipe(Effect.mapError(configError))
    const loaded = yield* loadMappingFile(options.mappingPath ?? undefined).pipe(Effect.mapError((e) => new UsageError({ message: e.message })))
    const mapping: Mapping = options.includeArchived ? { ...loaded, policies: { ...loaded.policies, includeArchived: true } } : loaded
    return { ...configs, mapping }
  })

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** A holder on this machine whose process is gone (killed) is taken over at once, not after the heartbeat goes stale. */
const lockHolderIsDead = (state: PairState) =>
  Effect.map(state.lockHolder, (holder) => Option.isSome(holder) && holder.value.host === hostname() && !isAlive(holder.value.pid))

/** The run's log.ndjson: pino (secrets redacted) for the HTTP layer and every Effect log line. */
const runLog = (file: string) => {
  mkdirSync(path.dirname(file), { recursive: true })
  const destination = createWriteStream(file, { flags: "a" })
  const pino = HttpLogging.makeRedactingLogger({ destination })
  const effectLogger = Logger.make(({ logLevel, message, annotations }) => {
    const fields: Record<string, unknown> = {}
    for (const [k, v] of annotations) fields[k] = v
    const text = Array.isArray(message) ? message.map(String).join(" ") : String(message)
    const level = logLevel._tag === "Error" || logLevel._tag === "Fatal" ? "error" : logLevel._tag === "Warning" ? "warn" : "info"
    pino[level](HttpLogging.redactSecrets(fields) as object, text)
  })
  return {
    pino,
    layer: Layer.mergeAll(HttpLogging.layerPino(pino), Logger.replace(Logger.defaultLogger, effectLogger), Logger.minimumLogLevel(LogLevel.Info)),
    close: Effect.promise(() => new Promise<void>((resolve) => destination.end(() => resolve())))
  }
}

export interface RunOutcome {
  readonly runId: string
  readonly report: RunReport
  readonly reportDir: string
  readonly exitCode: number
}

/** Runs (or resumes) one migration, or applies a dry run's plan. Fails with UsageError (exit 2) or AbortedError (exit 3). */
export const executeMigration = (request: RunRequest): Effect.Effect<RunOutcome, UsageError | AbortedError> =>
  executeRun({ ...request, kind: migrationKind(request.options) })

export interface RunKindRequest extends Omit<RunRequest, "options"> {
  readonly kind: RunKind
}

/** Runs (or resumes) one run of any kind: configuration, state, lock, clients, the kind's stages, report, exit code. */
export const executeRun = (request: RunKindRequest): Effect.Effect<RunOutcome, UsageError | AbortedError> =>
  Effect.gen(function* () {
    const say = request.say ?? ((line: string) => process.stderr.write(`${line}\n`))
    const { kind } = request
    const options = kind.options
    const prepared = yield* prepare(options)
    if (request.planPair !== undefined && (request.planPair.autoleapCompanyId !== prepared.autoleap.companyId || request.planPair.autogmsGarageId !== prepared.autogms.garageId)) {
      const pair = request.planPair
      return yield* new UsageError({
        message: `that plan is for AutoLeap company ${pair.autoleapCompanyId} and autoGMS garage ${pair.autogmsGarageId}, but the environment names ${prepared.autoleap.companyId} and ${prepared.autogms.garageId}`
      })
    }
    const runId = request.resumeRunId ?? newRunId(Date.now())
    const reportDir = path.join(options.runsDir, runId)
    // The first line of output: scripts take the run id from it.
    yield* Console.log(runId)

    const log = runLog(path.join(reportDir, "log.ndjson"))
    const program = Effect.gen(function* () {
      const store = yield* StateStore
      const state = yield* store.pair({ autoleapCompanyId: prepared.autoleap.companyId, autogmsGarageId: prepared.autogms.garageId })
      const staleAfter = (yield* lockHolderIsDead(state)) ? 0 : undefined
      // The heartbeat interval is set on its own: a takeover's zero staleness must not make it spin.
      const lock = state.withRunLock({ runId, heartbeatEvery: "20 seconds", ...(staleAfter === undefined ? {} : { staleAfter }) })
      // A run started by a webhook waits for the one in progress instead of failing (a scheduled one fails and retries).
      yield* request.waitForLock === undefined
        ? lock
        : lock.pipe(Effect.retry({ while: (e) => e._tag === "StateLocked", schedule: Schedule.spaced("1 second"), times: Math.ceil(request.waitForLock.maxWaitMs / 1000) }))
      if (request.resumeRunId !== undefined) yield* state.resumeRun(runId)
      else {
        yield* state.startRun({ runId, command: kind.command, directions: kind.directions, options, dryRun: options.dryRun })
      }

      // Tag colours: what earlier runs learnt, over the mapping file's seed; learnt colours are kept for the next run.
      yield* state.setTagColors(Object.entries(prepared.mapping.tags.palette).map(([name, color]) => ({ name, color })), { overwrite: false })
      let palette: TagPalette = new Map([...paletteFromMapping(prepared.mapping.tags.palette), ...(yield* state.tagPalette).map((t) => [t.name.toLowerCase(), t.color] as const)])
      const ctx = makeMappingContext(prepared.mapping, { now: new Date(), palette })
      const autoleapClient = yield* AutoleapClient.AutoleapClient
      const autogmsClient = yield* AutogmsClient.AutogmsClient
      const progress = yield* Progress.Progress
      const gateways = {
        autoleap: autoleapGateway(autoleapClient, ctx, { get: () => palette, set: (p) => void (palette = p) }),
        autogms: autogmsGateway(autogmsClient, ctx)
      }
      const startedAt = Option.match(yield* store.run(runId), { onNone: () => new Date().toISOString(), onSome: (r) => r.startedAt })
      // Lines go above the progress bars (a terminal's bars would tear them), unless the caller takes them.
      const tell = (line: string) => (request.say === undefined ? progress.log(line) : Effect.sync(() => say(line)))
      const inFlight = { records: 0 }
      const services = { gateways, state, ctx, progress, inFlight, say: (line: string) => Effect.zipRight(tell(line), Effect.logInfo(line)) }
      // Ctrl-C or SIGTERM: said at once; the run then stops after the group in flight (it is uninterruptible). A second
      // one (a person pressing again, or npm forwarding the terminal's) is answered too, so nobody thinks it hangs.
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          let told = false
          const onSignal = () => {
            process.stderr.write(`${told ? "still stopping" : "stopping"} after the batch in flight (${inFlight.records} records)…\n`)
            told = true
          }
          process.on("SIGINT", onSignal)
          process.on("SIGTERM", onSignal)
          return onSignal
        }),
        (onSignal) =>
          Effect.sync(() => {
            process.off("SIGINT", onSignal)
            process.off("SIGTERM", onSignal)
          })
      )

      /** A run that stops early still leaves its report (what it did so far); the line it returns says how to go on. */
      const stopEarly = (status: "interrupted" | "failed", message: string, resumable = true) =>
        Effect.gen(function* () {
          yield* reportFromStore(services, kind.partialScope({ runId, startedAt }), status).pipe(
            Effect.tap((partial) => writeRunReport(reportDir, partial.report, partial.actions)),
            Effect.tap((partial) => state.finishRun(runId, { status, report: partial.report, error: message, resumable })),
            Effect.ignore
          )
          const stopped = `${status === "interrupted" ? "interrupted" : "stopped"}: ${message}`
          if (!resumable) return `run ${runId} stopped before reading anything: ${message}`
          // A dry run writes nothing, so there is nothing to finish: it is simply made again.
          if (options.dryRun) return `dry run ${runId} ${stopped}; run the dry run again for a complete plan (report so far: ${reportDir})`
          return `run ${runId} ${stopped}; 'shopbridge resume ${runId}' continues it (report: ${reportDir})`
        })

      // Ctrl-C interrupts the whole program: the group in flight finishes (it is uninterruptible), then the run is marked.
      const carryOut = kind.carryOut(services, { runId, startedAt, resumed: request.resumeRunId !== undefined })
      const exit = yield* Effect.exit(carryOut.pipe(Effect.onInterrupt(() => Effect.map(stopEarly("interrupted", "interrupted (Ctrl-C)"), say))))
      if (!options.dryRun) yield* state.setTagColors([...palette].map(([name, color]) => ({ name, color })))
      if (Exit.isSuccess(exit)) {
        const { report, actions } = exit.value
        // The files are written before the run is marked finished: pruning may drop its plan rows afterwards.
        yield* writeRunReport(reportDir, report, actions).pipe(Effect.mapError((e) => new AbortedError({ message: e.message })))
        yield* state.finishRun(runId, { status: report.status, report })
        yield* state.prune
        return report
      }
      if (Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
      const failure = Cause.failureOption(exit.cause)
      const message = Option.match(failure, { onNone: () => Cause.pretty(exit.cause), onSome: (e) => e.message })
      // Printed once, by bin.ts; without the resume hint when the preflight refused a setting (nothing was read).
      const beforeReading = Option.exists(failure, (e) => e._tag === "RunAborted" && e.beforeReading === true)
      return yield* Effect.fail(new AbortedError({ message: yield* stopEarly("failed", message, !beforeReading) }))
    }).pipe(
      Effect.scoped,
      Effect.provide(
        Layer.mergeAll(
          AutoleapClient.layer(prepared.autoleap, request.clientOptions?.autoleap),
          AutogmsClient.layer(prepared.autogms, request.clientOptions?.autogms)
        ).pipe(Layer.provide(HttpTransport.layer()))
      ),
      Effect.provide(Progress.layer),
      Effect.provide(StateStore.layer(request.statePath)),
      Effect.provide(log.layer),
      Effect.catchTags({
        StateLocked: (e) => Effect.fail(new AbortedError({ message: e.message })),
        StateError: (e) => Effect.fail(new AbortedError({ message: e.message })),
        StateTooNew: (e) => Effect.fail(new UsageError({ message: e.message }))
      }),
      Effect.ensuring(log.close)
    )
    const report = yield* program
    say(renderTerminalSummary(report, reportDir))
    return { runId, report, reportDir, exitCode: needsReview(report) ? ExitCode.completedWithIssues : ExitCode.ok }
  })
