import { Command, Options } from "@effect/cli"
import { dryRunOption, mappingOption, runsDirOption, stateOption, systems } from "../options.js"
import { notImplemented } from "./notYet.js"

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
  () => notImplemented("migrate")
).pipe(Command.withDescription("move every customer and vehicle from one system to the other"))
