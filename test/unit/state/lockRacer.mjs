// Child process for the lock race: waits for "go" on stdin, then tries to take the shop pair's lock.
// argv: <state file> <run id> <hold ms>. Prints one JSON line: { won: true } or { won: false, holder }.
import { Effect } from "effect"
import { createInterface } from "node:readline"
// The store as processes.test.ts built it for these children (SHOPBRIDGE_STATE_MODULE), else the package's own build.
const { StateStore } = await import(process.env.SHOPBRIDGE_STATE_MODULE ?? "../../../dist/state/index.js")

const [path, runId, holdMs] = [process.argv[2], process.argv[3], Number(process.argv[4])]

const program = Effect.gen(function* () {
  const store = yield* StateStore
  const state = yield* store.pair({ autoleapCompanyId: "co-race", autogmsGarageId: "ga-race" })
  yield* state.startRun({ runId, command: "sync", directions: [], options: {}, dryRun: false })
  process.stdout.write("ready\n")
  yield* Effect.async((resume) => {
    const lines = createInterface({ input: process.stdin })
    lines.once("line", () => {
      lines.close()
      resume(Effect.void)
    })
  })
  const outcome = yield* Effect.scoped(
    state.withRunLock({ runId }).pipe(
      Effect.tap(() => Effect.sync(() => process.stdout.write(`${JSON.stringify({ won: true, pid: process.pid })}\n`))),
      Effect.tap(() => Effect.sleep(holdMs)),
      Effect.as("won")
    )
  ).pipe(
    Effect.catchTag("StateLocked", (locked) =>
      Effect.sync(() => {
        process.stdout.write(`${JSON.stringify({ won: false, holder: locked.holder, message: locked.message })}\n`)
        return "locked"
      }))
  )
  process.exitCode = outcome === "won" ? 0 : 3
})

Effect.runPromise(program.pipe(Effect.provide(StateStore.layer(path)))).catch((error) => {
  process.stderr.write(`${error}\n`)
  process.exit(1)
})
