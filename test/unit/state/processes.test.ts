import Database from "better-sqlite3"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

// The children run the compiled store, as the CLI would. Only src/state and what it imports (src/domain) are compiled,
// which keeps this file fast and independent of other modules' work in progress.
const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, "../../..")
const dir = mkdtempSync(join(tmpdir(), "shopbridge-state-processes-"))
// Its own build folder, not dist/: other test files build dist/ at the same time, and a child must never import a file
// another build is rewriting. Inside node_modules/ so the children still resolve better-sqlite3 and effect.
const build = join(root, "node_modules", ".cache", `shopbridge-state-processes-${process.pid}`)

beforeAll(() => {
  execFileSync(join(root, "node_modules/.bin/tsc"), [
    "--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--lib", "ES2023", "--types", "node",
    "--strict", "--skipLibCheck", "--esModuleInterop", "--sourceMap",
    "--rootDir", "src", "--outDir", build, "src/state/index.ts"
  ], { cwd: root, stdio: "pipe" })
}, 120_000)
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(build, { recursive: true, force: true })
})

const spawnChild = (script: string, args: ReadonlyArray<string>): ChildProcess =>
  spawn(process.execPath, [join(here, script), ...args], {
    cwd: root,
    env: { ...process.env, SHOPBRIDGE_STATE_MODULE: pathToFileURL(join(build, "state", "index.js")).href },
    stdio: ["pipe", "pipe", "pipe"]
  })

/** Resolves with each stdout line as it arrives; `lines()` gives everything so far. */
const watchLines = (child: ChildProcess) => {
  const lines: Array<string> = []
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = []
  let buffer = ""
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString()
    const parts = buffer.split("\n")
    buffer = parts.pop() ?? ""
    for (const line of parts) {
      lines.push(line)
      for (const w of waiters.splice(0)) (w.match(line) ? w.resolve(line) : waiters.push(w))
    }
  })
  let stderr = ""
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  return {
    lines: () => lines,
    stderr: () => stderr,
    next: (match: (line: string) => boolean) =>
      new Promise<string>((resolve, reject) => {
        const seen = lines.find(match)
        if (seen !== undefined) return resolve(seen)
        waiters.push({ match, resolve })
        child.once("exit", (code) => reject(new Error(`child exited (${code}) before the expected line: ${stderr}`)))
      })
  }
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))))

describe("crash safety", () => {
  it("a writer killed with SIGKILL mid-batch 20 times leaves a sound file and no half-recorded batch", async () => {
    const path = join(dir, "crash.db")
    const kills = 20
    for (let writer = 0; writer < kills; writer++) {
      const child = spawnChild("crashWriter.mjs", [path, String(writer), "200"])
      const out = watchLines(child)
      await out.next((line) => line === "ready")
      // A random moment: some kills land in the intents, some in the settle transaction, some between them.
      await new Promise((r) => setTimeout(r, 5 + Math.floor(Math.random() * 80)))
      child.kill("SIGKILL")
      await exited(child)
      expect(child.signalCode).toBe("SIGKILL")
    }

    const db = new Database(path)
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok")
    expect(db.pragma("foreign_key_check")).toEqual([])

    type BatchRow = { batch_id: string; rows: number; confirmed: number; open: number; links: number }
    const batches = db.prepare<[], BatchRow>(`
      SELECT l.batch_id, count(*) AS rows,
             sum(l.status = 'confirmed') AS confirmed,
             sum(l.status IN ('pending', 'sent')) AS open,
             sum(EXISTS (SELECT 1 FROM links k WHERE k.pair_id = l.pair_id AND k.natural_key = l.natural_key
                         AND k.autogms_id = l.target_id AND k.autogms_hash_written = l.payload_hash)) AS links
      FROM ledger l GROUP BY l.batch_id`).all()
    expect(batches.length).toBeGreaterThan(kills)
    for (const b of batches) {
      // intents are recorded whole (200 or none), and a batch is either fully settled with all its links or not at all
      expect(b.rows).toBe(200)
      expect([0, 200]).toContain(b.confirmed)
      expect(b.confirmed + b.open).toBe(200)
      expect(b.links).toBe(b.confirmed)
    }
    const settled = batches.filter((b) => b.confirmed === 200)
    expect(settled.length).toBeGreaterThan(0)
    const links = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM links`).get()?.n
    expect(links).toBe(settled.length * 200)
    const created = db.prepare<[], { n: number | null }>(`SELECT sum(value) AS n FROM run_counters WHERE counter = 'created'`).get()?.n
    expect(created).toBe(settled.length * 200)
    // the checkpoint names a settled batch: the newest one
    const checkpoint = db.prepare<[], { cursor_id: string }>(`SELECT cursor_id FROM checkpoints`).get()
    const newestSettled = db.prepare<[], { batch_id: string }>(
      `SELECT batch_id FROM ledger WHERE status = 'confirmed' ORDER BY updated_at DESC, id DESC LIMIT 1`).get()
    expect(checkpoint?.cursor_id).toBe(newestSettled?.batch_id)
    db.close()
  }, 120_000)
})

describe("run lock across processes", () => {
  it("two processes racing for one shop pair: exactly one wins, the other is told who holds it", async () => {
    for (let round = 0; round < 2; round++) {
      const path = join(dir, `race-${round}.db`)
      const racers = ["run-a", "run-b"].map((runId) => {
        const child = spawnChild("lockRacer.mjs", [path, runId, "1500"])
        return { runId, child, out: watchLines(child) }
      })
      await Promise.all(racers.map((r) => r.out.next((line) => line === "ready")))
      for (const r of racers) r.child.stdin?.end("go\n")
      const results = await Promise.all(racers.map(async (r) => ({
        runId: r.runId,
        pid: r.child.pid,
        result: JSON.parse(await r.out.next((line) => line.startsWith("{"))) as { won: boolean; holder?: { runId: string; pid: number }; message?: string },
        code: await exited(r.child)
      })))
      const winners = results.filter((r) => r.result.won)
      const losers = results.filter((r) => !r.result.won)
      expect(winners).toHaveLength(1)
      expect(losers).toHaveLength(1)
      expect(winners[0]?.code).toBe(0)
      expect(losers[0]?.code).toBe(3)
      expect(losers[0]?.result.holder).toMatchObject({ runId: winners[0]?.runId, pid: winners[0]?.pid })
      expect(losers[0]?.result.message).toContain(winners[0]?.runId)
      // the winner released on the way out
      const db = new Database(path, { readonly: true })
      expect(db.prepare(`SELECT count(*) AS n FROM locks`).get()).toEqual({ n: 0 })
      db.close()
    }
  }, 60_000)
})
