import { Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { existsSync } from "node:fs"
import { StateStore, type RunCounter } from "../../state/index.js"
import { UsageError } from "../exit.js"
import { stateOption } from "../options.js"

const countersLine = (counters: ReadonlyArray<RunCounter>): string => {
  const totals = new Map<string, number>()
  for (const c of counters) totals.set(c.counter, (totals.get(c.counter) ?? 0) + c.value)
  return ["created", "updated", "linked", "unchanged", "quarantined"]
    .filter((name) => (totals.get(name) ?? 0) > 0)
    .map((name) => `${name} ${totals.get(name)}`)
    .join(", ")
}

export const runsCommand = Command.make("runs", { state: stateOption }, ({ state }) =>
  Effect.gen(function* () {
    if (!existsSync(state)) return yield* Console.log(`no runs yet (no state file at ${state})`)
    const store = yield* StateStore
    const runs = yield* store.runs(100)
    if (runs.length === 0) return yield* Console.log("no runs yet")
    for (const run of runs) {
      const counters = yield* store.runCounters(run.id)
      const directions = run.directions.map((d) => `${d.from}→${d.to}`).join(" ")
      const kind = run.dryRun ? `${run.command} (dry run)` : run.command
      yield* Console.log(
        [run.id, kind.padEnd(18), run.status.padEnd(22), directions.padEnd(30), run.startedAt, countersLine(counters)].join("  ")
      )
    }
  }).pipe(
    Effect.provide(StateStore.layer(state)),
    Effect.catchTags({
      StateError: (e) => Effect.fail(new UsageError({ message: `state file ${state}: ${e.message}` })),
      StateTooNew: (e) => Effect.fail(new UsageError({ message: e.message }))
    })
  )
).pipe(Command.withDescription("list the runs in the state file, newest first: id, kind, status, direction, start, and counts (planned counts for a dry run)"))
