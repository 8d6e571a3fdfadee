import { Args, Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { loadMappingFile } from "../../config/mappingFile.js"
import { UsageError } from "../exit.js"

/** `shopbridge mapping check FILE`: one line either way; a bad file exits 2 naming the file, the path inside it and the problem. */
const mappingCheckCommand = Command.make(
  "check",
  { file: Args.file({ name: "FILE" }).pipe(Args.withDescription("the mapping file to check, e.g. mappings/my-shop.json")) }, ({ file }) =>
  loadMappingFile(file).pipe(
    Effect.mapError((error) => new UsageError({ message: error.message })),
    Effect.zipRight(Console.log(`mapping file ${file} is valid`))
  )
).pipe(Command.withDescription("check a mapping file: valid JSON, known keys, valid values; exits 2 naming the first problem")
)

export const mappingCommand = Command.make("mapping").pipe(
  Command.withDescription("mapping files (see docs/mapping.md). Subcommand: check FILE"),
  Command.withSubcommands([mappingCheckCommand])
)
