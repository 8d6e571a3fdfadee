import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { setExitCode, type ExitCode } from "../exit.js"
import { dryRunOption, mappingOption, runsDirOption, stateOption, systems } from "../options.js"
import { executeMigration, parseMigrateFlags } from "../runMigration.js"

export const migrateCommand = Command.make(
  "migrate",
  {
    from: Options.choice("from", systems).pipe(Options.withDescription("the system to copy from: autoleap or autogms")),
    to: Options.choice("to", systems).pipe(Options.withDescription("the system to copy to: autogms or autoleap (not the same as --from)")),
    entities: Options.text("entities").pipe(
      Options.withPseudoName("customers,vehicles"),
      Options.withDefault("customers,vehicles"),
      Options.withDescription(
        "which records to copy, comma-separated: customers, vehicles or both (default customers,vehicles). Vehicles need their customers on the target, else they are held back as ORPHAN_VEHICLE"
      )
    ),
    dryRun: dryRunOption,
    state: stateOption,
    runsDir: runsDirOption,
    mapping: mappingOption,
    includeArchived: Options.boolean("include-archived").pipe(
      Options.withDescription("also copy records archived (Inactive) in the source; by default they are skipped and counted as ARCHIVED")
    )
  },
  (flags) =>
    parseMigrateFlags(flags).pipe(
      Effect.flatMap((options) => executeMigration({ options, statePath: flags.state })),
      Effect.flatMap((outcome) => setExitCode(outcome.exitCode as ExitCode))
    )
).pipe(Command.withDescription(
    "copy every customer and vehicle from one system to the other; with --dry-run, only plan it and write the report"
  ))
