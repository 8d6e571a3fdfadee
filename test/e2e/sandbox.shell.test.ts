/**
 * The sandbox from a shell (issue 13): `shopbridge sandbox --write-env FILE &` returns the prompt, writes the export
 * lines to FILE once both simulators listen, and removes it when it stops; killing the process that started it (npx,
 * which runs it through `sh -c`) stops the sandbox instead of leaving an orphaned server.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import { chmod, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bin, ensureBuilt, waitFor } from "./migrateHarness.js"

let dir: string
const started: Array<ChildProcess> = []

beforeAll(async () => {
  await ensureBuilt()
  dir = await mkdtemp(join(tmpdir(), "shopbridge-e2e-sandbox-shell-"))
  await chmod(dir, 0o755)
}, 240_000)

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  await rm(dir, { recursive: true, force: true })
})

const shell = (script: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((done) =>
    execFile("sh", ["-c", script], { cwd: dir, timeout: timeoutMs, env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", SHOPBRIDGE: `${process.execPath} ${bin}` } }, (error, stdout, stderr) =>
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr })
    )
  )

describe("shopbridge sandbox in a shell", () => {
  it("the README's lines: background it with --write-env, wait for the file, source it, use the APIs, kill it; the file is gone", async () => {
    // What the README shows, with `npx shopbridge` spelled as the built CLI.
    const script = `
      rm -f sandbox.env
      $SHOPBRIDGE sandbox --write-env sandbox.env > /dev/null 2>&1 &
      until [ -s sandbox.env ]; do sleep 0.2; done
      set -a; . ./sandbox.env; set +a
      ${process.execPath} -e 'fetch(process.env.AUTOGMS_BASE_URL + "/garages/" + process.env.AUTOGMS_GARAGE_ID, { headers: { "x-api-key": process.env.AUTOGMS_API_KEY } }).then((r) => console.log("autoGMS", r.status))'
      kill $!; wait
      [ -e sandbox.env ] && echo "sandbox.env left behind" || echo "sandbox.env removed"
    `
    const r = await shell(script, 30_000)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain("autoGMS 200")
    expect(r.stdout).toContain("sandbox.env removed")
  }, 60_000)

  it.runIf(existsSync("/proc/self/stat"))("killing the process that started it through `sh -c` (as npx does) stops the sandbox", async () => {
    const envFile = join(dir, "orphan.env")
    // A stand-in for `npm exec`: runs the CLI through `sh -c` (the `; true` keeps sh from exec-ing it) and waits.
    const npx = spawn(process.execPath, ["-e", `require("node:child_process").spawn("sh", ["-c", process.argv[1]], { stdio: "ignore" }); setInterval(() => {}, 1000)`, `${process.execPath} ${bin} sandbox --write-env ${envFile}; true`], { stdio: "ignore" })
    started.push(npx)
    expect(await waitFor(() => existsSync(envFile), 20_000, 50), "the sandbox wrote its env file").toBe(true)
    npx.kill("SIGKILL")
    // The sandbox notices within its 1 s poll, closes both servers and removes the file on the way out.
    expect(await waitFor(() => !existsSync(envFile), 10_000, 50), "the sandbox stopped and removed its env file").toBe(true)
  }, 60_000)
})
