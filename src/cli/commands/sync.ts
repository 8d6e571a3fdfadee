import { Command, Options } from "@effect/cli"
import { dryRunOption, mappingOption, runsDirOption, stateOption } from "../options.js"
import { notImplemented } from "./notYet.js"

export const syncCommand = Command.make(
  "sync",
  {
    direction: Options.choice("direction", ["both", "autoleap-to-autogms", "autogms-to-autoleap"] as const).pipe(
      Options.withDefault("both" as const)
    ),
    conflict: Options.choice("conflict", ["newest", "autoleap", "autogms", "manual"] as const).pipe(
      Options.withDefault("newest" as const)
    ),
    dryRun: dryRunOption,
    state: stateOption,
    runsDir: runsDirOption,
    mapping: mappingOption,
    every: Options.text("every").pipe(Options.optional)
  },
  () => notImplemented("sync")
).pipe(Command.withDescription("keep both systems in step: changes since the last sync, both directions"))
