import { spawn } from "node:child_process"
import { once } from "node:events"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { describe, expect, it } from "vitest"

/**
 * Issue 10's scale benchmark: 10,000 and 250,000 source records (customers + 1.5 vehicles each; 250,000 = 100,000
 * customers + 150,000 vehicles) migrated in each direction, dry run and real run, against the simulators with their
 * limits raised. The work is bench/scale.mjs, spawned once per size so that each size is a process of its own;
 * it runs every migration as a separate CLI process and prints the table of figures.
 *
 * Targets: peak RSS ≤ 200 MB at 250,000 records, and within 20% of the same run's figure at 10,000; every run completes
 * (exit 0, or 1 for quarantined records).
 *
 *   SCALE_SIZES=10000   only the small size (default: 10000,250000)
 *   SCALE_ROOT=DIR      measure another built tree's dist/ (default: this repository)
 *   SCALE_TIMEOUT_S=N   per-migration timeout (default: the runner's, max(600, size / 100) s)
 */

/** The fields of scale.mjs's result this file checks; the runner writes more (counts, timeline, CPU split). */
interface ScaleRun {
  readonly run: string
  readonly exitCode: number | null
  readonly timedOut: boolean
  readonly completed: boolean
  readonly records: number | null
  readonly peakRssMb: number | null
}
interface ScaleResult {
  readonly size: number
  readonly runs: ReadonlyArray<ScaleRun>
}

const RSS_LIMIT_MB = 200
const LARGE = 250_000
const SMALL = 10_000
const GROWTH_LIMIT = 1.2

const sizes = (process.env.SCALE_SIZES ?? `${SMALL},${LARGE}`).split(",").map((s) => Number(s.trim()))
const root = process.env.SCALE_ROOT
const perRunTimeoutS = process.env.SCALE_TIMEOUT_S === undefined ? undefined : Number(process.env.SCALE_TIMEOUT_S)
const runner = resolve(import.meta.dirname, "..", "..", "bench", "scale.mjs")

/** Mirrors the runner's default, so vitest waits for four migrations plus generating and seeding. */
const testTimeoutMs = (size: number): number => (4 * (perRunTimeoutS ?? Math.max(600, size / 100)) + 600) * 1000

/** Each size's results, so the large size can be compared with the small one measured before it. */
const measured = new Map<number, ScaleResult>()

const runSize = async (size: number): Promise<ScaleResult> => {
  const dir = mkdtempSync(join(tmpdir(), "shopbridge-scale-result-"))
  const resultFile = join(dir, "result.json")
  try {
    const args = [runner, "--size", String(size), "--result", resultFile]
    if (root !== undefined) args.push("--root", root)
    if (perRunTimeoutS !== undefined) args.push("--timeout-s", String(perRunTimeoutS))
    // Inherited output: the runner's progress and table show as they happen, a size can take a long time.
    const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] })
    const [code] = (await once(child, "exit")) as [number | null]
    expect(code, "the scale runner itself failed").toBe(0)
    return JSON.parse(readFileSync(resultFile, "utf8")) as ScaleResult
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("scale benchmark", () => {
  for (const size of sizes) {
    it(
      `${size.toLocaleString("en-US")} records each way, dry and real: every run completes${size === LARGE ? `, peak RSS ≤ ${RSS_LIMIT_MB} MB and ≤ ${GROWTH_LIMIT}× the ${SMALL.toLocaleString("en-US")}-record figure` : ""}`,
      async () => {
        const result = await runSize(size)
        measured.set(size, result)
        for (const run of result.runs) {
          expect({ run: run.run, completed: run.completed, timedOut: run.timedOut }).toEqual({ run: run.run, completed: true, timedOut: false })
          expect(run.records, `${run.run}: source records in report.json`).toBe(size)
        }
        if (size !== LARGE) return
        for (const run of result.runs) expect(run.peakRssMb ?? Infinity, `${run.run}: peak RSS MB`).toBeLessThanOrEqual(RSS_LIMIT_MB)
        const small = measured.get(SMALL)
        if (small === undefined) {
          console.log(`scale: ${SMALL}-record size not run in this process (SCALE_SIZES); RSS growth not checked`)
          return
        }
        for (const run of result.runs) {
          const base = small.runs.find((r) => r.run === run.run)?.peakRssMb
          if (base === undefined || base === null) continue
          expect(run.peakRssMb ?? Infinity, `${run.run}: peak RSS vs ${base} MB at ${SMALL}`).toBeLessThanOrEqual(base * GROWTH_LIMIT)
        }
      },
      testTimeoutMs(size)
    )
  }
})
