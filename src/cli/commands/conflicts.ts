import { Args, Command, Options } from "@effect/cli"
import { Console, Effect } from "effect"
import { textTable } from "../../report/index.js"
import { StateStore, type Conflict, type StateError, type StateTooNew } from "../../state/index.js"
import { UsageError } from "../exit.js"
import { stateOption } from "../options.js"
import { withStateFile } from "../stateFile.js"

/** One field's three values, as a person compares them. */
const valueOf = (version: unknown, field: string): string => {
  const value = typeof version === "object" && version !== null ? (version as Record<string, unknown>)[field] : undefined
  return value === null || value === undefined ? "(empty)" : typeof value === "string" ? value : JSON.stringify(value)
}

const rowsOf = (conflict: Conflict): ReadonlyArray<ReadonlyArray<string>> =>
  conflict.fields.map((field, i) => [
    i === 0 ? String(conflict.id) : "",
    i === 0 ? conflict.entity : "",
    i === 0 ? `${conflict.autoleapId} / ${conflict.autogmsId}` : "",
    field,
    valueOf(conflict.autoleapVersion, field),
    valueOf(conflict.autogmsVersion, field),
    valueOf(conflict.base, field)
  ])

const withStore = <A>(statePath: string, use: Effect.Effect<A, UsageError | StateError | StateTooNew, StateStore>) =>
  withStateFile(statePath, "no sync has run with it", use)

/** Open conflicts of every shop pair in the state file. */
const openConflicts = Effect.gen(function* () {
  const store = yield* StateStore
  const pairs = yield* store.pairs
  const lists = yield* Effect.forEach(pairs, (p) =>
    Effect.flatMap(store.pair({ autoleapCompanyId: p.autoleapCompanyId, autogmsGarageId: p.autogmsGarageId }), (state) => state.conflicts({ openOnly: true })))
  return lists.flat()
})

const listConflicts = (statePath: string) =>
  withStore(
    statePath,
    Effect.gen(function* () {
      const open = yield* openConflicts
      if (open.length === 0) return yield* Console.log("no open conflicts")
      const header = ["ID", "Entity", "AutoLeap / autoGMS", "Field", "AutoLeap has", "autoGMS has", "Before (last sync)"]
      yield* Console.log(textTable([header, ...open.flatMap(rowsOf)], (column) => column === 0).join("\n"))
      yield* Console.log(`\nSettle one with: shopbridge conflicts resolve ID --take autoleap|autogms (the next sync writes it)`)
    })
  )

export const conflictsListCommand = Command.make("list", { state: stateOption }, ({ state }) => listConflicts(state)).pipe(
  Command.withDescription("open conflicts (manual policy): each field's value on both sides and before the last sync")
)

export const conflictsResolveCommand = Command.make(
  "resolve",
  {
    id: Args.integer({ name: "ID" }).pipe(Args.withDescription("the conflict's id, from 'shopbridge conflicts'")),
    take: Options.choice("take", ["autoleap", "autogms"] as const).pipe(
      Options.withDescription("whose values of the conflicting fields both sides keep; the next sync writes them to the other side")
    ),
    state: stateOption
  },
  ({ id, take, state }) =>
    withStore(
      state,
      Effect.gen(function* () {
        const store = yield* StateStore
        for (const p of yield* store.pairs) {
          const pair = yield* store.pair({ autoleapCompanyId: p.autoleapCompanyId, autogmsGarageId: p.autogmsGarageId })
          if (yield* pair.resolveConflict(id, take)) {
            return yield* Console.log(`conflict ${id} settled: ${take === "autoleap" ? "AutoLeap" : "autoGMS"}'s values are kept; the next sync writes them`)
          }
        }
        return yield* new UsageError({ message: `no open conflict ${id} in ${state} ('shopbridge conflicts' lists them)` })
      })
    )
).pipe(Command.withDescription("settle an open conflict: take one side's values"))

export const conflictsCommand = Command.make("conflicts", { state: stateOption }, ({ state }) => listConflicts(state)).pipe(
  Command.withDescription("open conflicts of sync's manual policy (list), and settling them (resolve ID --take autoleap|autogms)"),
  Command.withSubcommands([conflictsListCommand, conflictsResolveCommand])
)
