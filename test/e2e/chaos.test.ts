/**
 * The short form of the chaos suite (bench/chaos.mjs, `npm run chaos`): a few seeds on a small shop, each with random
 * faults on both simulators and SIGKILLs of the CLI through migrate, dry run + apply and two syncs. The runner judges
 * every seed from outside; here its summary must show that kills and faults happened and nothing was duplicated or lost.
 */
import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ensureBuilt, root } from "./migrateHarness.js"

interface Summary {
  readonly seeds: number
  readonly kills: number
  readonly killsSurvived: number
  readonly faults: Readonly<Record<string, number>>
  readonly duplicates: number
  readonly lost: number
  readonly unjustifiedQuarantines: number
  readonly unequalPairs: number
  readonly integrityFailures: number
  readonly openLedgerRows: number
  readonly unfinishedRuns: number
  readonly stepsThatCouldNotFinish: number
  readonly failedSeeds: ReadonlyArray<number>
}

let dir = ""
beforeAll(async () => {
  await ensureBuilt()
  dir = await mkdtemp(join(tmpdir(), "shopbridge-chaos-test-"))
}, 240_000)
afterAll(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true })
})

const runChaos = (args: ReadonlyArray<string>): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = execFile(process.execPath, [join(root, "bench", "chaos.mjs"), ...args], { cwd: root, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 }, (_error, stdout, stderr) =>
      resolve({ code: child.exitCode, output: `${stdout}${stderr}` })
    )
  })

describe("chaos, short form", () => {
  it("two seeds of faults and kills: every kill survived, no duplicate, nothing lost, every check passed", async () => {
    const summaryFile = join(dir, "summary.json")
    const { code, output } = await runChaos(["--seeds", "2", "--customers", "8", "--summary", summaryFile, "--no-record"])
    expect(code, output).toBe(0)
    const summary = JSON.parse(await readFile(summaryFile, "utf8")) as Summary
    expect(summary.seeds).toBe(2)
    expect(summary.failedSeeds, output).toEqual([])
    expect(summary.duplicates, output).toBe(0)
    expect(summary.lost, output).toBe(0)
    expect([summary.unjustifiedQuarantines, summary.unequalPairs, summary.integrityFailures, summary.openLedgerRows, summary.unfinishedRuns, summary.stepsThatCouldNotFinish]).toEqual([0, 0, 0, 0, 0, 0])
    // The suite must have been put to the test, not merely passed.
    expect(summary.kills).toBeGreaterThanOrEqual(2)
    expect(summary.killsSurvived).toBe(summary.kills)
    expect(Object.values(summary.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
    expect(output).toMatch(/^duplicates: 0$/m)
    expect(output).toMatch(/^records lost: 0$/m)
  }, 170_000)
})
