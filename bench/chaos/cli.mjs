// Running the built CLI as a user would (a child process, the sandbox's environment), SIGKILLing it at a random moment,
// and following every kill, abort (exit 3) or run that never began with what a user would type next: `resume`, or the
// command again when there is nothing to resume.
import { spawn } from "node:child_process"
import { once } from "node:events"
import { join } from "node:path"

/** A run that takes longer than this is stuck: it is killed and the seed fails. */
const HUNG_MS = 180_000
/** Attempts (the command, then resumes) before a step counts as one that cannot finish. */
const MAX_ATTEMPTS = 15

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The caller's environment without any AUTOLEAP_* / AUTOGMS_* setting, plus the world's. */
const cliEnv = (world) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AUTOLEAP_|AUTOGMS_|NODE_OPTIONS$)/.test(name)))
  return { ...env, ...world.env, NO_COLOR: "1" }
}

/**
 * One CLI process. `kill` is when to SIGKILL it: after the n-th API request both simulators receive from now on, or
 * after some milliseconds; null lets it finish. Resolves with its exit and output once it is gone.
 */
const runOnce = async (root, world, args, kill) => {
  const started = performance.now()
  const requestsAtStart = world.requests()
  const child = spawn(process.execPath, [join(root, "dist", "cli", "bin.js"), ...args], { cwd: world.dir, env: cliEnv(world), stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk) => (stdout += chunk))
  child.stderr.on("data", (chunk) => (stderr += chunk))
  const exited = once(child, "close")
  let gone = false
  void exited.then(() => (gone = true))
  let killed = false
  let hung = false
  const hungTimer = setTimeout(() => {
    hung = true
    child.kill("SIGKILL")
  }, HUNG_MS)
  if (kill !== null) {
    const due = kill.afterMs !== undefined ? () => performance.now() - started >= kill.afterMs : () => world.requests() - requestsAtStart >= kill.afterRequests
    while (!gone && !due()) await sleep(1)
    if (!gone) killed = child.kill("SIGKILL")
  }
  const [code, signal] = await exited
  clearTimeout(hungTimer)
  return { args, code, signal, killed: killed && signal === "SIGKILL", hung, stdout, stderr, ms: Math.round(performance.now() - started), requests: world.requests() - requestsAtStart }
}

/** The run id a run printed on its first line (cli.md), if it got that far. */
export const runIdOf = (stdout) => /^(\d{8}T\d{6}Z-[0-9a-z]+)/.exec(stdout)?.[1]

const describe = (r) => `${r.args.join(" ")}: ${r.hung ? "hung, killed" : r.killed ? "SIGKILL" : `exit ${r.code}`} after ${r.ms} ms, ${r.requests} requests`

/**
 * Runs `args` until it completes (exit 0 or 1), killing it up to `maxKills` times at random moments (`killFirst`: the
 * first attempt surely, well before its last request). After a kill or an abort (exit 3) comes `resume`; a resume that
 * finds nothing to resume (the kill came before the run was recorded, or it was a dry run) is followed by the command
 * again. `estimate` (about the requests a whole run makes) spreads the kill points.
 */
export const runToCompletion = async ({ root, world, rng, args, maxKills, estimate, killFirst = false }) => {
  const state = ["--state", world.state]
  const history = []
  let kills = 0
  let aborts = 0
  let next = args
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const kill =
      attempt === 1 && killFirst
        ? { afterRequests: rng.int(1, Math.max(1, Math.floor(estimate * 0.8))) }
        : kills < maxKills && rng.chance(0.8)
          ? drawKill(rng, estimate)
          : null
    const result = await runOnce(root, world, [...next, ...state], kill)
    history.push(describe(result))
    if (result.hung) return { ok: false, why: `hung: ${describe(result)}`, history, kills, aborts, result }
    if (result.killed) {
      kills++
      next = ["resume"]
      continue
    }
    if (result.code === 0 || result.code === 1) return { ok: true, history, kills, aborts, result }
    if (result.code === 3) {
      aborts++
      next = ["resume"]
      continue
    }
    if (result.code === 2 && next[0] === "resume" && args[0] !== "resume") {
      next = args
      continue
    }
    return { ok: false, why: `${describe(result)}\n${result.stderr.slice(-2_000)}`, history, kills, aborts, result }
  }
  return { ok: false, why: `did not finish in ${MAX_ATTEMPTS} attempts`, history, kills, aborts }
}

/** Mostly right after a random API request of the run (mid-read, mid-write, mid-verify), sometimes at a random time. */
const drawKill = (rng, estimate) =>
  rng.chance(0.7) ? { afterRequests: rng.int(1, Math.max(1, estimate)) } : { afterMs: rng.int(100, 2_000) }
