import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Console, Effect } from "effect"
import { runCountsText, runsCommand } from "../../../src/cli/commands/runs.js"
import { StateStore, type Run } from "../../../src/state/index.js"
import { appliedSyncReport, dryRunReport } from "../report/sampleReports.js"

const shop = { autoleapCompanyId: "al-company-1", autogmsGarageId: "garage-1" }

/** A state file holding a finished dry run (with its stored report) and a real run stopped before it stored one. */
const seedState = (file: string) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const state = yield* store.pair(shop)
    const dry = dryRunReport().report
    yield* state.startRun({ runId: "run-dry", command: "migrate", directions: [{ from: "autoleap", to: "autogms" }], options: {}, dryRun: true })
    yield* state.finishRun("run-dry", { status: "completed_with_errors", report: dry })
  }).pipe(Effect.provide(StateStore.layer(file)))

const runsOutput = (file: string) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const base = yield* Effect.console
    const recording: Console.Console = { ...base, log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(a.map(String).join(" "))) }
    const program = Command.make("shopbridge").pipe(Command.withSubcommands([runsCommand]))
    yield* Command.run(program, { name: "shopbridge", version: "0" })(["node", "shopbridge", "runs", "--state", file]).pipe(Console.withConsole(recording))
    return lines.join("\n").split("\n")
  }).pipe(Effect.provide(NodeContext.layer))

const run = (overrides: Partial<Run>): Run => ({
  id: "r",
  pair: shop,
  command: "migrate",
  directions: [{ from: "autoleap", to: "autogms" }],
  options: {},
  dryRun: false,
  status: "completed",
  startedAt: "2025-03-01T10:15:00.000Z",
  finishedAt: null,
  resumes: 0,
  error: null,
  report: null,
  appliedBy: null,
  resumable: false,
  ...overrides
})

describe("shopbridge runs", () => {
  it.effect("prints a header row, then a dry run with the counts it planned", () =>
    Effect.gen(function* () {
      const file = path.join(mkdtempSync(path.join(tmpdir(), "runs-")), "state.db")
      yield* seedState(file)
      const lines = yield* runsOutput(file)
      expect(lines[0]).toMatch(/^Run id\s+Kind\s+Status\s+Direction\s+Started\s+Counts$/)
      expect(lines[1]).toContain("run-dry")
      expect(lines[1]).toContain("migrate (dry run)")
      expect(lines[1]).toContain("autoleap → autogms")
      expect(lines[1]).toContain("2 to create, 1 to link, 3 to hold back, 1 to skip")
      // Columns line up under the header.
      expect(lines[1]?.indexOf("migrate (dry run)")).toBe(lines[0]?.indexOf("Kind"))
    })
  )

  it("counts a finished run from its stored report, and a run without one from its counters", () => {
    expect(runCountsText(run({ report: appliedSyncReport().report }), [])).toBe("2 updated, 1 archived, 1 deleted, 2 conflicts, 1 unchanged")
    expect(
      runCountsText(run({ status: "interrupted" }), [
        { from: "autoleap", entity: "customers", counter: "created", value: 5 },
        { from: "autoleap", entity: "vehicles", counter: "created", value: 7 },
        { from: "autoleap", entity: "vehicles", counter: "quarantined", value: 1 }
      ])
    ).toBe("12 created, 1 quarantined")
    expect(runCountsText(run({ dryRun: true }), [])).toBe("nothing to change")
  })
})
