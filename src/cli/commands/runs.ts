import { Command } from "@effect/cli"
import { stateOption } from "../options.js"
import { notImplemented } from "./notYet.js"

export const runsCommand = Command.make("runs", { state: stateOption }, () => notImplemented("runs")).pipe(
  Command.withDescription("list runs with status and counts")
)
