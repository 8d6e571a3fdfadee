// Child process for the crash test: writes batches through the compiled store until it is killed.
// argv: <state file> <writer number> <records per batch>
import { Effect } from "effect"
// The store as processes.test.ts built it for these children (SHOPBRIDGE_STATE_MODULE), else the package's own build.
const { StateStore } = await import(process.env.SHOPBRIDGE_STATE_MODULE ?? "../../../dist/state/index.js")

const [path, writer, perBatch] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4] ?? 200)]
const runId = `crash-${writer}`

const program = Effect.gen(function* () {
  const store = yield* StateStore
  const state = yield* store.pair({ autoleapCompanyId: "co-crash", autogmsGarageId: "ga-crash" })
  yield* state.startRun({ runId, command: "migrate", directions: [{ from: "autoleap", to: "autogms" }], options: {}, dryRun: false })
  process.stdout.write("ready\n")
  for (let batch = 0; ; batch++) {
    const keys = Array.from({ length: perBatch }, (_, j) => `${writer}-${batch}-${j}`)
    const { batchId, entries } = yield* state.recordIntents(runId, keys.map((key) => ({
      entity: "customers", targetSystem: "autogms", action: "create", naturalKey: key, payloadHash: `h-${key}`, sourceId: `al-${key}`
    })))
    yield* state.markSent(batchId)
    yield* state.settleBatch({
      runId,
      outcomes: entries.map((e) => ({ ledgerId: e.id, status: "confirmed", targetId: `ag-${e.naturalKey}` })),
      links: keys.map((key) => ({
        entity: "customers", autoleapId: `al-${key}`, autogmsId: `ag-${key}`, naturalKey: key,
        autoleap: { seen: `s-${key}` }, autogms: { written: `h-${key}` }, sidecar: { batchId }
      })),
      checkpoint: { system: "autoleap", entity: "customers", phase: "migrate", cursor: { kind: "position", updatedAt: `${writer}`, id: batchId } },
      counters: [{ from: "autoleap", entity: "customers", counter: "created", by: keys.length }]
    })
  }
})

Effect.runPromise(program.pipe(Effect.provide(StateStore.layer(path)))).catch((error) => {
  process.stderr.write(`${error}\n`)
  process.exit(1)
})
