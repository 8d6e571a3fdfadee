#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --optimize-for-size --max-semi-space-size=2 --liftoff-only
// The flags above (applied when the command is run as `npx shopbridge` or `./dist/cli/bin.js`): what a run keeps alive is
// small (a page, a chunk of the plan), but V8 by default lets garbage grow the heap to hundreds of MB before it collects.
// Collecting young objects often and growing the old space sparingly keeps a 250,000-record run under 200 MB of RSS,
// for a few percent of CPU. The fixed mmap threshold has glibc give SQLite's large buffers (sorts, the report's
// queries) back to the system when freed; by default it raises the threshold after the first such free and keeps them
// in the heap (with the paged reads' bounded memory, the autoGMS → AutoLeap run at 250,000 records went from 192 to
// 176 MiB). --liftoff-only: undici parses HTTP with llhttp compiled to WebAssembly, and V8 recompiled its hot functions
// with TurboFan in the background as the first pages arrived, ~30 MB for a fraction of a second: the peak of every
// 10,000-record run. Its baseline code parses as fast for us (no measurable CPU difference). `node dist/cli/bin.js`
// bypasses all of this (same results, more memory).
import { ValidationError } from "@effect/cli"
// The modules themselves, not the package index: the index loads every Node platform module (HTTP server, sockets,
// workers, undici client), ~30 MB of RSS that a CLI run never uses.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Exit, Layer } from "effect"
import { cli } from "./Cli.js"
import { ExitCode } from "./exit.js"
import { loadDotEnv } from "./dotenv.js"
import * as RetryLines from "./retryLines.js"

loadDotEnv()

/** Every failure ends as one line on stderr and an exit code from cli.md; nothing is thrown past here. */
const program = Effect.suspend(() => cli(process.argv)).pipe(
  Effect.catchAll((error) =>
    Effect.sync(() => {
      if (ValidationError.isValidationError(error)) {
        // @effect/cli has already printed what was wrong with the command line.
        process.exitCode = ExitCode.usage
        return
      }
      process.stderr.write(`shopbridge: ${error.message}\n`)
      process.exitCode = error._tag === "UsageError" ? ExitCode.usage : ExitCode.aborted
    })
  ),
  Effect.provide(Layer.merge(NodeContext.layer, RetryLines.layer))
)

// runMain stops listening for SIGINT once it has taken the first one, and a signal nobody listens to kills node (exit
// 130) before the run is marked interrupted. `npx shopbridge` and `npm run` forward the terminal's Ctrl-C to us a second
// time, so a listener stays for the whole process; the first signal still interrupts the program through runMain.
process.on("SIGINT", () => undefined)

NodeRuntime.runMain(program, {
  disableErrorReporting: false,
  // Runs send their log lines to log.ndjson (replacing the default logger); the pretty logger would bypass that.
  disablePrettyLogger: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) return onExit(typeof process.exitCode === "number" ? process.exitCode : 0)
    // Ctrl-C: commands mark their run interrupted before this; the run can be resumed.
    if (Cause.isInterruptedOnly(exit.cause)) return onExit(typeof process.exitCode === "number" ? process.exitCode : ExitCode.aborted)
    onExit(ExitCode.aborted)
  }
})
