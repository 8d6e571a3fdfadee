import { Command } from "@effect/cli"
import { applyCommand } from "./commands/apply.js"
import { conflictsCommand } from "./commands/conflicts.js"
import { demoCommand } from "./commands/demo.js"
import { mappingCommand } from "./commands/mapping.js"
import { migrateCommand } from "./commands/migrate.js"
import { reportCommand } from "./commands/report.js"
import { resumeCommand } from "./commands/resume.js"
import { runsCommand } from "./commands/runs.js"
import { sandboxCommand } from "./commands/sandbox.js"
import { syncCommand } from "./commands/sync.js"
import { webhooksCommand } from "./commands/webhooks.js"
import { withTerminalAwareConsole } from "./terminalConsole.js"

export const shopbridge = Command.make("shopbridge").pipe(
  Command.withSubcommands([migrateCommand, applyCommand, syncCommand, conflictsCommand, resumeCommand, runsCommand, reportCommand, sandboxCommand, demoCommand, mappingCommand, webhooksCommand])
)

const run = Command.run(shopbridge, { name: "shopbridge", version: "0.1.0" })

/** The program; help and errors carry colour codes only on a terminal (and never with NO_COLOR). */
export const cli = (args: ReadonlyArray<string>) => withTerminalAwareConsole(run(args))
