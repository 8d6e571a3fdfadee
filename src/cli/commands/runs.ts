import { Command } from "@effect/cli"
import { Console, Effect, Either } from "effect"
import { existsSync } from "node:fs"
import { decodeRunReportValue, entityOrder, formatCount, textTable, type EntityCounts, type RunReport } from "../../report/index.js"
import { StateStore, type Run, type RunCounter } from "../../state/index.js"
import { UsageError } from "../exit.js"
import { stateOption } from "../options.js"

type Counter = Exclude<keyof EntityCounts, "read">

/** The counters `runs` shows, in the order a reader wants them, with words for a run that wrote and one that planned. */
const shown: ReadonlyArray<{ readonly key: Counter; readonly done: string; readonly planned: string }> = [
  { key: "created", done: "created", planned: "to create" },
  { key: "updated", done: "updated", planned: "to update" },
  { key: "linked", done: "linked", planned: "to link" },
  { key: "archived", done: "archived", planned: "to archive" },
  { key: "deleted", done: "deleted", planned: "to delete" },
  { key: "quarantined", done: "quarantined", planned: "to hold back" },
  { key: "conflicts", done: "conflicts", planned: "conflicts" },
  { key: "skipped", done: "skipped", planned: "to skip" },
  { key: "unchanged", done: "unchanged", planned: "unchanged" },
  { key: "drifted", done: "drifted", planned: "drifted" }
]

/** Totals over directions and entities from the report the run stored when it finished. */
const totalsOfReport = (report: RunReport): ReadonlyMap<string, number> => {
  const totals = new Map<string, number>()
  for (const direction of report.directions)
    for (const entity of entityOrder) {
      const counts = direction.entities[entity]
      if (counts === undefined) continue
      for (const { key } of shown) totals.set(key, (totals.get(key) ?? 0) + counts[key])
    }
  return totals
}

/** Totals from the live counters: all there is for a run still going, or one stopped before it stored a report. */
const totalsOfCounters = (counters: ReadonlyArray<RunCounter>): ReadonlyMap<string, number> => {
  const totals = new Map<string, number>()
  for (const c of counters) totals.set(c.counter, (totals.get(c.counter) ?? 0) + c.value)
  return totals
}

/** "26 created, 4 updated, 1 quarantined"; a dry run's plan reads "26 to create, 4 to update, 1 to hold back". */
export const countsText = (totals: ReadonlyMap<string, number>, dryRun: boolean): string => {
  const parts = shown.flatMap((c) => {
    const n = totals.get(c.key) ?? 0
    return n > 0 ? [`${formatCount(n)} ${dryRun ? c.planned : c.done}`] : []
  })
  return parts.length === 0 ? "nothing to change" : parts.join(", ")
}

/** The counts column of one run: from its stored report when it has one (dry runs too), else its counters. */
export const runCountsText = (run: Run, counters: ReadonlyArray<RunCounter>): string => {
  const report = run.report === null ? undefined : Effect.runSync(Effect.either(decodeRunReportValue(run.report)))
  const totals = report !== undefined && Either.isRight(report) ? totalsOfReport(report.right) : totalsOfCounters(counters)
  return countsText(totals, run.dryRun)
}

export const runsHeader = ["Run id", "Kind", "Status", "Direction", "Started", "Counts"] as const

/** One row per run under a header row, columns aligned. */
export const runsTable = (runs: ReadonlyArray<{ readonly run: Run; readonly counts: string }>): ReadonlyArray<string> =>
  textTable(
    [
      runsHeader,
      ...runs.map(({ run, counts }) => [
        run.id,
        run.dryRun ? `${run.command} (dry run)` : run.command,
        run.status,
        run.directions.map((d) => `${d.from} → ${d.to}`).join(", "),
        run.startedAt,
        counts
      ])
    ],
    () => false
  )

export const runsCommand = Command.make("runs", { state: stateOption }, ({ state }) =>
  Effect.gen(function* () {
    if (!existsSync(state)) return yield* Console.log(`no runs yet (no state file at ${state})`)
    const store = yield* StateStore
    const runs = yield* store.runs(100)
    if (runs.length === 0) return yield* Console.log("no runs yet")
    const rows = yield* Effect.forEach(runs, (run) => Effect.map(store.runCounters(run.id), (counters) => ({ run, counts: runCountsText(run, counters) })))
    yield* Console.log(runsTable(rows).join("\n"))
  }).pipe(
    Effect.provide(StateStore.layer(state)),
    Effect.catchTags({
      StateError: (e) => Effect.fail(new UsageError({ message: `state file ${state}: ${e.message}` })),
      StateTooNew: (e) => Effect.fail(new UsageError({ message: e.message }))
    })
  )
).pipe(
  Command.withDescription(
    "list the runs in the state file, newest first: id, kind, status, direction, start, and counts (planned counts for a dry run)"
  )
)
