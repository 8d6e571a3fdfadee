import { Args, Command } from "@effect/cli"
import { notImplemented } from "./notYet.js"

const mappingCheckCommand = Command.make("check", { file: Args.file({ name: "FILE" }) }, () => notImplemented("mapping check")).pipe(
  Command.withDescription("validate a mapping file")
)

export const mappingCommand = Command.make("mapping").pipe(Command.withSubcommands([mappingCheckCommand]))
