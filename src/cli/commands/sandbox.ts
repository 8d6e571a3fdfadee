import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { renameSync, rmSync, writeFileSync } from "node:fs"
import { DatasetLoadError } from "../../sim/fixtures/load.js"
import { exportLines, startSandbox, type Sandbox } from "../../sim/sandbox.js"
import { AbortedError, ExitCode, setExitCode, UsageError } from "../exit.js"
import * as StopWithParent from "../stopWithParent.js"

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, " ")

const checkPort = (name: string, port: number): Effect.Effect<number, UsageError> =>
  Number.isInteger(port) && port >= 0 && port <= 65_535
    ? Effect.succeed(port)
    : Effect.fail(new UsageError({ message: `--${name} must be a port from 0 to 65535 (0 = any free port), got ${port}` }))

/** Why the simulators could not start, as one line: a bad dataset or a taken port is the user's to fix (exit 2). */
const startFailure = (seed: string, ports: { autoleap: number; autogms: number }) => (error: unknown): UsageError | AbortedError => {
  if (error instanceof DatasetLoadError) return new UsageError({ message: `--seed ${seed}: ${oneLine(error.message)}` })
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === "EADDRINUSE" || code === "EACCES") {
    return new UsageError({ message: `cannot listen on port ${ports.autoleap} or ${ports.autogms} (${code}); pick another with --autoleap-port / --autogms-port` })
  }
  return new AbortedError({ message: `the simulators could not start: ${oneLine(error instanceof Error ? error.message : String(error))}` })
}

const acquireSandbox = (seed: string, autoleapPort: number, autogmsPort: number) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => startSandbox({ seed, autoleapPort, autogmsPort }),
      catch: startFailure(seed, { autoleap: autoleapPort, autogms: autogmsPort })
    }),
    (sandbox: Sandbox) => Effect.promise(() => sandbox.close())
  )

/**
 * The export lines in `path`, written whole (a temporary file renamed into place, so a shell waiting for the file never
 * reads half of it) and removed when the sandbox stops, so a stale file never points at servers that are gone.
 */
const acquireEnvFile = (path: string, lines: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        const temporary = `${path}.${process.pid}.tmp`
        writeFileSync(temporary, `${lines}\n`, { mode: 0o600 })
        renameSync(temporary, path)
      },
      catch: (error) => new UsageError({ message: `--write-env ${path}: cannot write it (${oneLine(error instanceof Error ? error.message : String(error))})` })
    }),
    () => Effect.sync(() => rmSync(path, { force: true }))
  )

export const sandboxCommand = Command.make(
  "sandbox",
  {
    seed: Options.text("seed").pipe(Options.withDefault("small"), Options.withDescription("small | large | DIR")),
    autoleapPort: Options.integer("autoleap-port").pipe(Options.withDefault(0)),
    autogmsPort: Options.integer("autogms-port").pipe(Options.withDefault(0)),
    // Not --env-file: Node 20 takes that for its own option even after the script name, and exits 9 before we start.
    envFile: Options.text("write-env").pipe(
      Options.withPseudoName("FILE"),
      Options.optional,
      Options.withDescription(
        "also write the export lines to FILE once both simulators listen (removed when the sandbox stops), for a shell that runs the sandbox in the background: set -a; . ./FILE; set +a"
      )
    )
  },
  ({ seed, autoleapPort, autogmsPort, envFile }) =>
    Effect.gen(function* () {
      if (seed.trim().length === 0) return yield* new UsageError({ message: "--seed must be small, large or a dataset folder" })
      yield* checkPort("autoleap-port", autoleapPort)
      yield* checkPort("autogms-port", autogmsPort)
      const sandbox = yield* acquireSandbox(seed, autoleapPort, autogmsPort)
      if (Option.isSome(envFile)) yield* acquireEnvFile(envFile.value, exportLines(sandbox.env))
      yield* Effect.sync(() => {
        process.stdout.write(`${exportLines(sandbox.env)}\n`)
        process.stderr.write(
          `shopbridge sandbox: serving AutoLeap at ${sandbox.autoleap.baseUrl} and autoGMS at ${sandbox.autogms.baseUrl} ` +
            `(seed ${seed})${Option.isSome(envFile) ? `, variables in ${envFile.value}` : ""}; press Ctrl-C to stop\n`
        )
      })
      // Stopping the sandbox is how it is meant to end: interruption (Ctrl-C, SIGTERM) exits 0 once the scope has closed
      // both servers. So does the end of the process that started it (no server left orphaned when `npx` is killed).
      const reason = yield* Effect.race(StopWithParent.parentGone, StopWithParent.hangup).pipe(Effect.onInterrupt(() => setExitCode(ExitCode.ok)))
      yield* Effect.sync(() => void process.stderr.write(`shopbridge sandbox: stopping: ${reason}\n`))
      yield* setExitCode(ExitCode.ok)
    }).pipe(Effect.scoped)
).pipe(Command.withDescription("local simulators of both APIs"))
