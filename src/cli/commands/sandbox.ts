import { Command, Options } from "@effect/cli"
import { notImplemented } from "./notYet.js"

export const sandboxCommand = Command.make(
  "sandbox",
  {
    seed: Options.text("seed").pipe(Options.withDefault("small"), Options.withDescription("small | large | DIR")),
    autoleapPort: Options.integer("autoleap-port").pipe(Options.withDefault(0)),
    autogmsPort: Options.integer("autogms-port").pipe(Options.withDefault(0))
  },
  () => notImplemented("sandbox")
).pipe(Command.withDescription("local simulators of both APIs"))
