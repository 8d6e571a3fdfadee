import { Command } from "@effect/cli"
import { notImplemented } from "./notYet.js"

export const demoCommand = Command.make("demo", {}, () => notImplemented("demo")).pipe(
  Command.withDescription("sandbox + dry run + migration + report, all local")
)
