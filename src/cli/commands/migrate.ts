import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { setExitCode, type ExitCode } from "../exit.js"
import { dryRunOption, mappingOption, runsDirOption, stateOption, systems } from "../options.js"
import { executeMigration, parseMigrateFlags } from "../runMigration.js"

export const migrateCommand = Command.make(
  "migrate",
  {
    from: Options.choice("from", systems),
    to: Options.choice("to", systems),
    entities: Options.text("entities").pipe(Options.withDefault("customers,vehicles")),
    dryRun: dryRunOption,
    state: stateOption,
    runsDir: runsDirOption,
    mapping: mappingOption,
    includeArchived: Options.boolean("include-archived")
  },
  (flags) =>
    parseMigrateFlags(flags).pipe(
      Effect.flatMap((options) => executeMigration({ options, statePath: flags.state })),
      Effect.flatMap((outcome) => setExitCode(outcome.exitCode as ExitCode))
    )
).pipe(Command.withDescription("move every customer and vehicle from one system to the other"))
