import { Args, Command, Options } from "@effect/cli"
import { notImplemented } from "./commands/notYet.js"

// Options shared by several commands, named and defaulted exactly as contract/cli.md says.
const state = Options.file("state").pipe(Options.withDefault("runs/state.db"), Options.withDescription("SQLite state file"))
const runsDir = Options.directory("runs-dir").pipe(Options.withDefault("runs"), Options.withDescription("where run reports go"))
const mapping = Options.file("mapping").pipe(Options.optional, Options.withDescription("mapping file (default: mappings/default.json)"))
const dryRun = Options.boolean("dry-run").pipe(Options.withDescription("plan and report; send no write to either API"))
const system = ["autoleap", "autogms"] as const

const migrate = Command.make(
  "migrate",
  {
    from: Options.choice("from", system),
    to: Options.choice("to", system),
    entities: Options.text("entities").pipe(Options.withDefault("customers,vehicles")),
    dryRun,
    state,
    runsDir,
    mapping,
    includeArchived: Options.boolean("include-archived")
  },
  () => notImplemented("migrate")
).pipe(Command.withDescription("move every customer and vehicle from one system to the other"))

const sync = Command.make(
  "sync",
  {
    direction: Options.choice("direction", ["both", "autoleap-to-autogms", "autogms-to-autoleap"] as const).pipe(
      Options.withDefault("both" as const)
    ),
    conflict: Options.choice("conflict", ["newest", "autoleap", "autogms", "manual"] as const).pipe(
      Options.withDefault("newest" as const)
    ),
    dryRun,
    state,
    runsDir,
    mapping,
    every: Options.text("every").pipe(Options.optional)
  },
  () => notImplemented("sync")
).pipe(Command.withDescription("keep both systems in step: changes since the last sync, both directions"))

const resume = Command.make(
  "resume",
  { runId: Args.text({ name: "RUN_ID" }).pipe(Args.optional), state },
  () => notImplemented("resume")
).pipe(Command.withDescription("finish an interrupted run (default: the latest)"))

const runs = Command.make("runs", { state }, () => notImplemented("runs")).pipe(
  Command.withDescription("list runs with status and counts")
)

const report = Command.make(
  "report",
  {
    runId: Args.text({ name: "RUN_ID" }),
    format: Options.choice("format", ["md", "html", "json"] as const).pipe(Options.withDefault("md" as const)),
    state,
    runsDir
  },
  () => notImplemented("report")
).pipe(Command.withDescription("print or re-render a run's report"))

const sandbox = Command.make(
  "sandbox",
  {
    seed: Options.text("seed").pipe(Options.withDefault("small"), Options.withDescription("small | large | DIR")),
    autoleapPort: Options.integer("autoleap-port").pipe(Options.withDefault(0)),
    autogmsPort: Options.integer("autogms-port").pipe(Options.withDefault(0))
  },
  () => notImplemented("sandbox")
).pipe(Command.withDescription("local simulators of both APIs"))

const demo = Command.make("demo", {}, () => notImplemented("demo")).pipe(
  Command.withDescription("sandbox + dry run + migration + report, all local")
)

const mappingCheck = Command.make("check", { file: Args.file({ name: "FILE" }) }, () => notImplemented("mapping check")).pipe(
  Command.withDescription("validate a mapping file")
)
const mappingCommand = Command.make("mapping").pipe(Command.withSubcommands([mappingCheck]))

export const shopbridge = Command.make("shopbridge").pipe(
  Command.withSubcommands([migrate, sync, resume, runs, report, sandbox, demo, mappingCommand])
)

export const cli = Command.run(shopbridge, { name: "shopbridge", version: "0.1.0" })
