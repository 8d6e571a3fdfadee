import { Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { rmSync } from "node:fs"
import * as path from "node:path"
import { startSandbox } from "../../sim/sandbox.js"
import { AbortedError } from "../exit.js"
import { executeMigration, type StoredMigrateOptions } from "../runMigration.js"

const runsDir = "runs"
const statePath = path.join(runsDir, "demo-state.db")

/**
 * Both simulators in this process, seeded with the curated fixtures; a dry run, then the migration AutoLeap → autoGMS.
 * The sandbox starts empty of links every time, so the demo's state file is started afresh too. Quarantined records
 * are part of the demo data, so the demo ends with exit 0 when both runs completed.
 */
export const demoCommand = Command.make("demo", {}, () =>
  Effect.gen(function* () {
    const sandbox = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => startSandbox({ seed: "small" }), catch: (e) => new AbortedError({ message: `cannot start the sandbox: ${String(e)}` }) }),
      (s) => Effect.promise(() => s.close())
    )
    // The clients read their configuration from the environment, as in a real run.
    Object.assign(process.env, sandbox.env)
    rmSync(statePath, { force: true })
    rmSync(`${statePath}-wal`, { force: true })
    rmSync(`${statePath}-shm`, { force: true })
    yield* Console.log(`sandbox: AutoLeap at ${sandbox.env["AUTOLEAP_BASE_URL"]}, autoGMS at ${sandbox.env["AUTOGMS_BASE_URL"]}`)

    const options: StoredMigrateOptions = {
      from: "autoleap",
      to: "autogms",
      entities: ["customers", "vehicles"],
      dryRun: true,
      includeArchived: false,
      mappingPath: null,
      runsDir
    }
    yield* Console.log("\n── 1. dry run: what would be written ──")
    const dry = yield* executeMigration({ options, statePath })
    yield* Console.log("\n── 2. the migration AutoLeap → autoGMS ──")
    const real = yield* executeMigration({ options: { ...options, dryRun: false }, statePath })
    yield* Console.log(
      [
        "",
        "Reports:",
        `  dry run:   ${path.join(dry.reportDir, "report.html")}`,
        `  migration: ${path.join(real.reportDir, "report.html")}`,
        `  (also report.md, report.json, actions.csv and log.ndjson in each folder; 'shopbridge runs --state ${statePath}' lists them)`
      ].join("\n")
    )
  }).pipe(Effect.scoped)
).pipe(Command.withDescription(
    "all local: start both simulators, dry run, migrate AutoLeap → autoGMS, print where the reports are (state in runs/demo-state.db)"
  ))
