import { Options } from "@effect/cli"

// Options shared by several commands, named and defaulted exactly as contract/cli.md says.
export const stateOption = Options.file("state").pipe(Options.withDefault("runs/state.db"), Options.withDescription("SQLite state file"))
export const runsDirOption = Options.directory("runs-dir").pipe(Options.withDefault("runs"), Options.withDescription("where run reports go"))
export const mappingOption = Options.file("mapping").pipe(
  Options.optional,
  Options.withDescription("mapping file (default: mappings/default.json)")
)
export const dryRunOption = Options.boolean("dry-run").pipe(Options.withDescription("plan and report; send no write to either API"))
export const systems = ["autoleap", "autogms"] as const
