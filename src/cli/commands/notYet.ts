import { Effect } from "effect"
import { UsageError } from "../exit.js"

/** Placeholder for commands whose issue is not done yet: says so plainly instead of pretending. */
export const notImplemented = (command: string) =>
  Effect.fail(new UsageError({ message: `'shopbridge ${command}' is not implemented yet` }))
