import { Console, Effect } from "effect"

/**
 * @effect/cli prints help and command-line errors with ANSI styling, always. Piped into a file, a CI log or `less`, that
 * is noise (`^[[0;1mUSAGE^[[0m`), so the console the CLI runs with drops the codes on a stream that is not a terminal,
 * and everywhere when NO_COLOR is set (https://no-color.org: any non-empty value).
 */

/** CSI sequences (colours, cursor moves) and the two-character escapes; nothing else is touched. */
const ansiPattern = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g

export const stripAnsi = (text: string): string => text.replace(ansiPattern, "")

export interface ColourEnvironment {
  readonly noColor: string | undefined
  readonly stdoutIsTerminal: boolean
  readonly stderrIsTerminal: boolean
}

export const currentColourEnvironment = (): ColourEnvironment => ({
  noColor: process.env["NO_COLOR"],
  stdoutIsTerminal: process.stdout.isTTY === true,
  stderrIsTerminal: process.stderr.isTTY === true
})

/** Whether each stream may carry colour codes. */
export const colourAllowed = (env: ColourEnvironment): { readonly stdout: boolean; readonly stderr: boolean } => {
  const disabled = env.noColor !== undefined && env.noColor !== ""
  return { stdout: !disabled && env.stdoutIsTerminal, stderr: !disabled && env.stderrIsTerminal }
}

/** Strings lose their codes; other values (objects logged for debugging) are passed as they are. */
const plainArgs = (args: ReadonlyArray<unknown>): ReadonlyArray<unknown> => args.map((a) => (typeof a === "string" ? stripAnsi(a) : a))

/**
 * `base` with the codes dropped from what goes to a stream that may not carry them. Node's console writes log, info and
 * debug to stdout; error, warn and trace to stderr: each is filtered by its own stream.
 */
export const terminalAwareConsole = (base: Console.Console, allowed: { readonly stdout: boolean; readonly stderr: boolean }): Console.Console => {
  const out = (write: (...args: ReadonlyArray<unknown>) => Effect.Effect<void>) =>
    allowed.stdout ? write : (...args: ReadonlyArray<unknown>) => write(...plainArgs(args))
  const err = (write: (...args: ReadonlyArray<unknown>) => Effect.Effect<void>) =>
    allowed.stderr ? write : (...args: ReadonlyArray<unknown>) => write(...plainArgs(args))
  const unsafeOut = (write: (...args: ReadonlyArray<unknown>) => void) =>
    allowed.stdout ? write : (...args: ReadonlyArray<unknown>) => write(...plainArgs(args))
  const unsafeErr = (write: (...args: ReadonlyArray<unknown>) => void) =>
    allowed.stderr ? write : (...args: ReadonlyArray<unknown>) => write(...plainArgs(args))
  return {
    ...base,
    log: out((...args) => base.log(...args)),
    info: out((...args) => base.info(...args)),
    debug: out((...args) => base.debug(...args)),
    error: err((...args) => base.error(...args)),
    warn: err((...args) => base.warn(...args)),
    trace: err((...args) => base.trace(...args)),
    unsafe: {
      ...base.unsafe,
      log: unsafeOut((...args) => base.unsafe.log(...args)),
      info: unsafeOut((...args) => base.unsafe.info(...args)),
      debug: unsafeOut((...args) => base.unsafe.debug(...args)),
      error: unsafeErr((...args) => base.unsafe.error(...args)),
      warn: unsafeErr((...args) => base.unsafe.warn(...args)),
      trace: unsafeErr((...args) => base.unsafe.trace(...args))
    }
  }
}

/** Runs `self` with a console that keeps colour codes off streams that are not terminals (or off all, with NO_COLOR). */
export const withTerminalAwareConsole = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  env: ColourEnvironment = currentColourEnvironment()
): Effect.Effect<A, E, R> => Console.consoleWith((base) => Console.withConsole(self, terminalAwareConsole(base, colourAllowed(env))))
