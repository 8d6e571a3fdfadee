import { Effect } from "effect"
import { readFileSync } from "node:fs"

/**
 * When a long-running command (the sandbox) should stop on its own: its parent went away, or the terminal hung up.
 * `npx shopbridge sandbox &` runs us as npm → `sh -c` → node, so killing the npx process orphans the shell, not us:
 * besides our parent we watch its parent too (on Linux, where /proc tells it), and stop when either is gone.
 */

/** The parent of `pid` from /proc (Linux); undefined elsewhere or when the process is gone. */
const parentOf = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
    return Number.isInteger(ppid) ? ppid : undefined
  } catch {
    return undefined
  }
}

/** Why we should stop now, or undefined while the processes we watch are still where they were. */
const makeCheck = (): (() => string | undefined) | undefined => {
  const parent = process.ppid
  // Started by init (or already orphaned): there is no parent whose end we could follow.
  if (parent <= 1) return undefined
  const grandparent = parentOf(parent)
  const watchGrandparent = grandparent !== undefined && grandparent > 1
  return () => {
    if (process.ppid !== parent) return `its parent process (pid ${parent}) is gone`
    if (watchGrandparent && parentOf(parent) !== grandparent) return `the process that started it (pid ${grandparent}) is gone`
    return undefined
  }
}

/** Completes, with the reason, once the parent (or on Linux the grandparent) seen at the start is gone; polls every second. */
export const parentGone: Effect.Effect<string> = Effect.suspend(() => {
  const check = makeCheck()
  if (check === undefined) return Effect.never
  const poll: Effect.Effect<string> = Effect.flatMap(Effect.sync(check), (reason) =>
    reason === undefined ? Effect.zipRight(Effect.sleep("1 second"), poll) : Effect.succeed(reason)
  )
  return poll
})

/** Completes when the terminal hangs up (SIGHUP), so the servers are closed instead of the process being cut down. */
export const hangup: Effect.Effect<string> = Effect.async<string>((resume) => {
  const onHangup = () => resume(Effect.succeed("the terminal hung up (SIGHUP)"))
  process.once("SIGHUP", onHangup)
  return Effect.sync(() => void process.off("SIGHUP", onHangup))
})
