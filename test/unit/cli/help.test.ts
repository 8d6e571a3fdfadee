import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Console, Effect } from "effect"
import { demoCommand } from "../../../src/cli/commands/demo.js"
import { mappingCommand } from "../../../src/cli/commands/mapping.js"
import { migrateCommand } from "../../../src/cli/commands/migrate.js"
import { reportCommand } from "../../../src/cli/commands/report.js"
import { runsCommand } from "../../../src/cli/commands/runs.js"
import { colourAllowed, stripAnsi, withTerminalAwareConsole, type ColourEnvironment } from "../../../src/cli/terminalConsole.js"

/** The commands this test covers, under the real program name; help is printed the way `shopbridge … --help` prints it. */
const program = Command.make("shopbridge").pipe(Command.withSubcommands([migrateCommand, runsCommand, reportCommand, mappingCommand, demoCommand]))
const run = Command.run(program, { name: "shopbridge", version: "0.1.0" })

const piped: ColourEnvironment = { noColor: undefined, stdoutIsTerminal: false, stderrIsTerminal: false }
const terminal: ColourEnvironment = { noColor: undefined, stdoutIsTerminal: true, stderrIsTerminal: true }

/** Runs the CLI with `args`, returning what it wrote to stdout and stderr. */
const capture = (args: ReadonlyArray<string>, env: ColourEnvironment) =>
  Effect.gen(function* () {
    const out: Array<string> = []
    const err: Array<string> = []
    const base = yield* Effect.console
    const recording: Console.Console = {
      ...base,
      log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void out.push(a.map(String).join(" "))),
      error: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void err.push(a.map(String).join(" ")))
    }
    yield* withTerminalAwareConsole(run(["node", "shopbridge", ...args]), env).pipe(Effect.ignore, Console.withConsole(recording))
    return { out: out.join("\n"), err: err.join("\n") }
  }).pipe(Effect.provide(NodeContext.layer))

describe("help and colour", () => {
  it.effect("help piped into a file or a log has no colour codes; on a terminal it keeps them", () =>
    Effect.gen(function* () {
      const plain = yield* capture(["migrate", "--help"], piped)
      expect(plain.out).toContain("USAGE")
      expect(plain.out).not.toContain("\u001b")
      const coloured = yield* capture(["migrate", "--help"], terminal)
      expect(coloured.out).toContain("\u001b[")
    })
  )

  it.effect("a command-line error piped somewhere has no colour codes either", () =>
    Effect.gen(function* () {
      const { out, err } = yield* capture(["migrate", "--frm", "autoleap"], piped)
      expect(`${out}${err}`).toContain("--from")
      expect(`${out}${err}`).not.toContain("\u001b")
    })
  )

  it("NO_COLOR (any non-empty value) turns colour off even on a terminal", () => {
    expect(colourAllowed({ ...terminal, noColor: "1" })).toEqual({ stdout: false, stderr: false })
    expect(colourAllowed({ ...terminal, noColor: "" })).toEqual({ stdout: true, stderr: true })
    expect(colourAllowed({ ...terminal, stdoutIsTerminal: false })).toEqual({ stdout: false, stderr: true })
    expect(stripAnsi("\u001b[0;1mUSAGE\u001b[0m and \u001b[2K text")).toBe("USAGE and  text")
  })

  it.effect("migrate's help says what every option means, its values and its default", () =>
    Effect.gen(function* () {
      const { out } = yield* capture(["migrate", "--help"], piped)
      expect(out).toContain("--entities customers,vehicles")
      expect(out).toMatch(/which records to copy, comma-separated: customers, vehicles or both \(default customers,vehicles\)/)
      expect(out).toContain("--from autoleap | autogms")
      expect(out).toContain("the system to copy from")
      expect(out).toContain("the system to copy to")
      expect(out).toContain("--state FILE")
      expect(out).toContain("default runs/state.db")
      expect(out).toContain("--runs-dir DIR")
      expect(out).toContain("--mapping FILE")
      expect(out).toContain("docs/mapping.md")
      expect(out).toMatch(/--include-archived\s+A true or false value\.\s+also copy records archived/)
      expect(out).toContain("apply RUN_ID")
      // @effect/cli's own filler stands alone only where we said nothing.
      expect(out).not.toContain("A user-defined piece of text.\n\n  This setting")
    })
  )

  it.effect("report's help names RUN_ID and the formats; mapping's help lists its subcommand", () =>
    Effect.gen(function* () {
      const report = yield* capture(["report", "--help"], piped)
      expect(report.out).toContain("<RUN_ID>")
      expect(report.out).toContain("the first line the run printed")
      expect(report.out).toMatch(/md \(default.*html.*json/)
      const mapping = yield* capture(["mapping", "--help"], piped)
      expect(mapping.out).toContain("check <FILE>")
      expect(mapping.out).toContain("Subcommand: check FILE")
      const check = yield* capture(["mapping", "check", "--help"], piped)
      expect(check.out).toContain("mappings/my-shop.json")
    })
  )
})
