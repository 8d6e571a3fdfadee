import { HelpDoc, Options, ValidationError } from "@effect/cli"
import { Effect } from "effect"
import { statePathProblem } from "./statePath.js"

// Options shared by several commands, named and defaulted exactly as the README's command list says. Each help text says
// what the option means, its values and its default: @effect/cli only adds "This setting is optional."
// Text, not Options.file: the path is checked here, before any command opens it, so a bad one is one line and exit 2
// (Options.file's own check crashes with a stack trace on a path under a file, and /proc/... used to hang).
export const stateOption = Options.text("state").pipe(
  Options.withPseudoName("FILE"),
  Options.withDefault("runs/state.db"),
  Options.mapEffect((path) => {
    const problem = statePathProblem(path)
    return problem === undefined ? Effect.succeed(path) : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--state ${path}: ${problem}`)))
  }),
  Options.withDescription(
    "the SQLite state file: run history and the links between the two systems' records (default runs/state.db). Keep it: without it the next run matches records again by email, phone and VIN"
  )
)
export const runsDirOption = Options.directory("runs-dir").pipe(
  Options.withPseudoName("DIR"),
  Options.withDefault("runs"),
  Options.withDescription("where each run's folder of reports goes: DIR/RUN_ID/report.html, report.md, report.json, actions.csv, log.ndjson (default runs)")
)
export const mappingOption = Options.file("mapping").pipe(
  Options.withPseudoName("FILE"),
  Options.optional,
  Options.withDescription(
    "a shop's mapping file, laid over mappings/default.json (tag renames, enum maps, policies; see docs/mapping.md). Check it first with 'shopbridge mapping check FILE'"
  )
)
export const dryRunOption = Options.boolean("dry-run").pipe(
  Options.withDescription("read both sides, plan, and write the report; send no write to either API. 'shopbridge apply RUN_ID' writes that plan later")
)
export const systems = ["autoleap", "autogms"] as const
