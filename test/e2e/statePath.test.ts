/**
 * A --state the state store cannot live at (under a file, on /proc, in a read-only folder, a folder itself) ends every
 * command that takes --state with exit 2 and one line naming the path and the problem: no stack trace, no hang.
 */
import { spawnSync } from "node:child_process"
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bin, describeRun, ensureBuilt, runCli, type CliResult } from "./migrateHarness.js"

let dir: string

beforeAll(async () => {
  await ensureBuilt()
  dir = await mkdtemp(join(tmpdir(), "shopbridge-e2e-state-path-"))
  // Readable by everyone: the read-only case may run as another user (root writes anywhere).
  await chmod(dir, 0o755)
  await writeFile(join(dir, "a-file"), "not a folder")
  await mkdir(join(dir, "read-only"))
  await chmod(join(dir, "read-only"), 0o555)
}, 240_000)

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The commands that take --state, each with what it needs besides. */
const commands: ReadonlyArray<ReadonlyArray<string>> = [
  ["migrate", "--from", "autoleap", "--to", "autogms", "--dry-run"],
  ["runs"],
  ["resume"],
  ["apply", "some-run"]
]

const expectRefused = (r: CliResult, mustName: string, problem: RegExp) => {
  expect(r.code, describeRun(r)).toBe(2)
  const lines = r.stderr.split("\n").filter((l) => l.trim().length > 0)
  expect(lines, describeRun(r)).toHaveLength(1)
  expect(lines[0], describeRun(r)).toContain(mustName)
  expect(lines[0], describeRun(r)).toMatch(problem)
  expect(r.stdout, describeRun(r)).toBe("")
}

const cli = (args: ReadonlyArray<string>) => runCli(args, { env: {}, cwd: dir, timeoutMs: 20_000 })

/** The CLI as user nobody (setpriv), for a root test process: root may write into a read-only folder. */
const asNobody = (args: ReadonlyArray<string>): CliResult => {
  const started = Date.now()
  const out = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, bin, ...args], { cwd: dir, encoding: "utf8", timeout: 20_000 })
  return { code: out.status, signal: out.signal, stdout: out.stdout, stderr: out.stderr, ms: Date.now() - started }
}

describe("--state that cannot hold the state file: exit 2, one line", () => {
  for (const command of commands) {
    it(`${command[0]}: under a file, on /proc (which used to spin forever), a folder`, async () => {
      const underFile = join(dir, "a-file", "state.db")
      const results = await Promise.all([
        cli([...command, "--state", underFile]),
        cli([...command, "--state", "/proc/shopbridge/state.db"]),
        cli([...command, "--state", dir])
      ])
      expectRefused(results[0]!, underFile, /which is a file, not a folder/)
      expectRefused(results[1]!, "/proc/shopbridge/state.db", /kernel file system \(proc/)
      expectRefused(results[2]!, dir, /is a directory/)
    }, 60_000)
  }

  it("a read-only folder (as an unprivileged user when run as root)", async () => {
    const path = join(dir, "read-only", "state.db")
    const asRoot = process.getuid?.() === 0
    if (asRoot && spawnSync("setpriv", ["--version"]).status !== 0) return // root writes anywhere; nothing to test here
    const r: CliResult = asRoot ? asNobody(["runs", "--state", path]) : await cli(["runs", "--state", path])
    expectRefused(r, path, /not writable for this user|read-only file system/)
  }, 60_000)
})
