import { Args, Command, Options } from "@effect/cli"
import { runsDirOption, stateOption } from "../options.js"
import { notImplemented } from "./notYet.js"

export const reportCommand = Command.make(
  "report",
  {
    runId: Args.text({ name: "RUN_ID" }),
    format: Options.choice("format", ["md", "html", "json"] as const).pipe(Options.withDefault("md" as const)),
    state: stateOption,
    runsDir: runsDirOption
  },
  () => notImplemented("report")
).pipe(Command.withDescription("print or re-render a run's report"))
