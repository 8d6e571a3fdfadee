import { Args, Command } from "@effect/cli"
import { stateOption } from "../options.js"
import { notImplemented } from "./notYet.js"

export const resumeCommand = Command.make(
  "resume",
  { runId: Args.text({ name: "RUN_ID" }).pipe(Args.optional), state: stateOption },
  () => notImplemented("resume")
).pipe(Command.withDescription("finish an interrupted run (default: the latest)"))
