/**
 * `shopbridge webhooks register --url URL` and `shopbridge webhooks serve`: autoGMS tells us when a customer is created,
 * and a sync towards AutoLeap follows within seconds. Webhooks are a hint; the scheduled sync is still the truth (it
 * sweeps everything, including what a lost delivery never announced).
 */
import { Command, Options } from "@effect/cli"
import { Cause, ConfigError, Console, Duration, Effect, Exit, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { autogmsConfig, autoleapConfig } from "../../config/index.js"
import { requiredString } from "../../config/env.js"
import * as HttpTransport from "../../http/transport.js"
import { createWebhook, CUSTOMER_CREATED } from "../../sources/autogms/webhooks.js"
import type { AutogmsWriteError } from "../../sources/autogms/errors.js"
import { makeStateStore, type ShopPair } from "../../state/index.js"
import { parseDuration } from "../duration.js"
import { AbortedError, ExitCode, setExitCode, UsageError } from "../exit.js"
import { runsDirOption, stateOption } from "../options.js"
import { executeSync, type StoredSyncOptions } from "../runSync.js"
import { listenForWebhooks, WEBHOOK_PATH } from "../webhooks/receiver.js"
import { makeSyncTrigger, type Hint } from "../webhooks/trigger.js"

const say = (line: string): Effect.Effect<void> => Effect.sync(() => void process.stderr.write(`shopbridge webhooks: ${line}\n`))

// As runMigration's `prepare` words it: a missing variable is named, exit 2.
const configError = (error: ConfigError.ConfigError): UsageError => {
  const text = String(error)
  const missing = (/Expected (\w+) to exist/.exec(text) ?? /Missing data at (\w+)/.exec(text))?.[1]
  return new UsageError({
    message: missing !== undefined ? `environment variable ${missing} is not set (see .env or the README)` : `configuration: ${text.replace(/\s+/g, " ")}`
  })
}

/** The state file's errors as every command words them: a file we cannot use is the user's to fix. */
const openState = (path: string, pair: ShopPair) =>
  Effect.flatMap(makeStateStore(path), (store) => store.pair(pair)).pipe(
    Effect.catchTags({
      StateError: (e) => Effect.fail(new AbortedError({ message: e.message })),
      StateTooNew: (e) => Effect.fail(new UsageError({ message: e.message }))
    })
  )

// ---------------------------------------------------------------------------------------------------------------------
// register

const checkUrl = (text: string): Effect.Effect<string, UsageError> => {
  try {
    const url = new URL(text)
    if (url.protocol === "http:" || url.protocol === "https:") return Effect.succeed(url.toString())
  } catch {
    // said below
  }
  return Effect.fail(new UsageError({ message: `--url takes the public http(s) address of 'webhooks serve' (…${WEBHOOK_PATH}), not '${text}'` }))
}

const registerFailure = (error: AutogmsWriteError): UsageError | AbortedError => {
  switch (error._tag) {
    case "AutogmsAccessDenied":
      return new AbortedError({ message: `autoGMS refused the subscription (${error.status}: ${error.message}); check AUTOGMS_API_KEY (Read & Write) and AUTOGMS_GARAGE_ID` })
    case "AutogmsWriteNotApplied":
      return error.status === 400 || error.status === 422
        ? new UsageError({ message: `autoGMS refused the subscription: ${error.message}${error.details.length > 0 ? ` (${error.details.map((d) => `${d.field}: ${d.message}`).join("; ")})` : ""}` })
        : new AbortedError({ message: `autoGMS did not take the subscription (${error.status ?? error.code}: ${error.message}); nothing was created, try again` })
    case "AutogmsConflict":
      return new AbortedError({ message: `autoGMS refused the subscription (${error.code}: ${error.message})` })
    case "AutogmsWriteOutcomeUnknown":
      return new AbortedError({
        message: `no clear answer from autoGMS (${error.message}); the subscription may exist: list them with GET /garages/{id}/webhooks before registering again`
      })
  }
}

const registerCommand = Command.make(
  "register",
  {
    url: Options.text("url").pipe(
      Options.withPseudoName("URL"),
      Options.withDescription(`the public address autoGMS posts to: where 'shopbridge webhooks serve' is reached, path ${WEBHOOK_PATH}`)
    ),
    state: stateOption
  },
  (flags) =>
    Effect.gen(function* () {
      const url = yield* checkUrl(flags.url)
      const { autogms, companyId } = yield* Effect.all({ autogms: autogmsConfig, companyId: requiredString("AUTOLEAP_COMPANY_ID") }).pipe(
        Effect.mapError(configError)
      )
      // The state file is opened first: a file we cannot write must not leave a subscription whose secret is lost.
      const state = yield* openState(flags.state, { autoleapCompanyId: companyId, autogmsGarageId: autogms.garageId })
      const secret = Redacted.make(randomBytes(32).toString("hex"))
      const subscription = yield* createWebhook(autogms, { url, events: [CUSTOMER_CREATED], secret }).pipe(
        Effect.mapError(registerFailure),
        Effect.provide(HttpTransport.layer())
      )
      yield* state.webhooks.addSubscription({ subscriptionId: subscription.id, url, secret }).pipe(
        Effect.mapError(
          (e) =>
            new AbortedError({
              message: `autoGMS subscription ${subscription.id} was created but its secret could not be kept (${e.message}); delete it in autoGMS (DELETE /garages/${autogms.garageId}/webhooks/${subscription.id}) and register again`
            })
        )
      )
      // stdout: the id alone, for scripts. The secret is in the state file and nowhere else.
      yield* Console.log(subscription.id)
      yield* say(`autoGMS garage ${autogms.garageId} will post ${CUSTOMER_CREATED} to ${url} (subscription ${subscription.id}); its secret is kept in ${flags.state}`)
      yield* setExitCode(ExitCode.ok)
    }).pipe(Effect.scoped)
).pipe(Command.withDescription(`subscribe to autoGMS ${CUSTOMER_CREATED} with a fresh secret kept in the state file (never printed); prints the subscription id`))

// ---------------------------------------------------------------------------------------------------------------------
// serve

/**
 * The sync a webhook asks for: the customers it named and their vehicles, autoGMS → AutoLeap. It moves no cursor: the
 * scheduled sweep stays the truth.
 */
const syncOptions = (runsDir: string, customers: ReadonlyArray<string>): StoredSyncOptions => ({
  direction: "autogms-to-autoleap",
  conflict: "newest",
  dryRun: false,
  overlapMs: 120_000,
  reconcile: false,
  includeArchived: false,
  mappingPath: null,
  runsDir,
  only: { from: "autogms", customers }
})

/** How long a webhook's sync waits for a run of the shop pair in progress (a nightly --reconcile may take a while). */
const LOCK_WAIT_MS = 30 * 60_000

const failureOf = (cause: Cause.Cause<UsageError | AbortedError>): string => {
  const squashed = Cause.squash(cause)
  return squashed instanceof Error ? squashed.message : String(squashed)
}

/**
 * One sync towards AutoLeap for a round of hints. Nothing here may fail or die: the trigger's loop must outlive a bad
 * round, and the next delivery or the scheduled sync catches up.
 */
const syncFor = (statePath: string, runsDir: string) => (hints: ReadonlyArray<Hint>) =>
  Effect.gen(function* () {
    const customers = [...new Set(hints.flatMap((h) => (h.resourceId === null ? [] : [h.resourceId])))]
    const unnamed = hints.filter((h) => h.resourceId === null).map((h) => h.deliveryId)
    if (unnamed.length > 0) yield* say(`delivery(ies) ${unnamed.join(", ")} name no customer: left to the scheduled sync`)
    if (customers.length === 0) return
    yield* say(`syncing autoGMS → AutoLeap for ${hints.length} delivery(ies) (customer(s) ${customers.join(", ")})`)
    const started = Date.now()
    // Another run of the shop pair (the scheduled sync) is waited for, not failed on.
    const outcome = yield* Effect.exit(executeSync({ options: syncOptions(runsDir, customers), statePath, waitForLock: { maxWaitMs: LOCK_WAIT_MS } }))
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    yield* Exit.isSuccess(outcome)
      ? say(`sync ${outcome.value.runId} done in ${seconds} s (exit ${outcome.value.exitCode}; report: ${outcome.value.reportDir})`)
      : say(`sync failed after ${seconds} s: ${failureOf(outcome.cause)}; the next delivery or the scheduled sync will catch up`)
  })

const checkPort = (port: number): Effect.Effect<number, UsageError> =>
  Number.isInteger(port) && port >= 0 && port <= 65_535
    ? Effect.succeed(port)
    : Effect.fail(new UsageError({ message: `--port must be a port from 0 to 65535 (0 = any free port), got ${port}` }))

const serveCommand = Command.make(
  "serve",
  {
    port: Options.integer("port").pipe(Options.withPseudoName("N"), Options.withDefault(8787), Options.withDescription("the port to listen on (default 8787; 0 = any free port)")),
    host: Options.text("host").pipe(
      Options.withPseudoName("HOST"),
      Options.withDefault("127.0.0.1"),
      Options.withDescription("the address to listen on (default 127.0.0.1: put a TLS proxy in front for autoGMS to reach it)")
    ),
    settle: Options.text("settle").pipe(
      Options.withPseudoName("DURATION"),
      Options.withDefault("3s"),
      Options.withDescription("how long to wait after a delivery for the customer's vehicles to follow before syncing that customer (default 3s); deliveries in that time share one sync")
    ),
    state: stateOption,
    runsDir: runsDirOption
  },
  (flags) =>
    Effect.gen(function* () {
      const port = yield* checkPort(flags.port)
      const settleMs = yield* parseDuration("--settle", flags.settle)
      // Everything a sync needs is checked now, not at the first delivery.
      const { autoleap, autogms } = yield* Effect.all({ autoleap: autoleapConfig, autogms: autogmsConfig }).pipe(Effect.mapError(configError))
      const state = yield* openState(flags.state, { autoleapCompanyId: autoleap.companyId, autogmsGarageId: autogms.garageId })
      const subscriptions = yield* state.webhooks.subscriptions.pipe(Effect.mapError((e) => new AbortedError({ message: e.message })))
      if (subscriptions.length === 0) {
        return yield* new UsageError({
          message: `${flags.state} holds no autoGMS webhook subscription for garage ${autogms.garageId}: run 'shopbridge webhooks register --url URL' first`
        })
      }
      const trigger = yield* makeSyncTrigger(Duration.millis(settleMs), syncFor(flags.state, flags.runsDir))
      const listening = yield* listenForWebhooks({ host: flags.host, port }, { webhooks: state.webhooks, onHint: trigger.hint, say }).pipe(
        Effect.mapError((e) => new UsageError({ message: e.message }))
      )
      yield* say(
        `listening on http://${listening.host}:${listening.port}${WEBHOOK_PATH} for garage ${autogms.garageId} ` +
          `(${subscriptions.length} subscription(s)); syncs ${settleMs / 1000} s after a delivery; Ctrl-C stops`
      )
      // Ctrl-C / SIGTERM is how serving ends: the scope closes the server (and interrupts a sync in flight, which
      // marks its run interrupted for `resume`, as any run).
      yield* Effect.never.pipe(Effect.onInterrupt(() => Effect.zipRight(say("stopping"), setExitCode(ExitCode.ok))))
    }).pipe(Effect.scoped)
).pipe(Command.withDescription("receive autoGMS webhooks: verify the signature (HMAC), ignore replays, and sync each new customer (and its vehicles) to AutoLeap"))

export const webhooksCommand = Command.make("webhooks").pipe(
  Command.withDescription("autoGMS webhooks. Subcommands: register --url URL, serve [--port N]"),
  Command.withSubcommands([registerCommand, serveCommand])
)
