/**
 * SIGKILL + resume: a migration killed three times at different points (each time mid-write, found by watching the
 * target simulator's write count), then finished with `shopbridge resume`, ends with exactly what an uninterrupted
 * migration of the same data gives: no duplicate, nothing missing. `resume` never exits 3 because of a dead holder on
 * this machine.
 */
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  countsOf,
  customerKeys,
  describeRun,
  duplicatedKeys,
  ensureBuilt,
  generated,
  killAll,
  migrate,
  multisetMinus,
  newDuplicates,
  normalForm,
  readReport,
  resume,
  runIdFrom,
  seededRandom,
  sleep,
  snapshot,
  sum,
  vehicleKeys,
  waitFor,
  writesIn,
  type CliResult,
  type Running,
  type World,
  startWorld
} from "./migrateHarness.js"

const worlds: Array<World> = []

beforeAll(async () => {
  await ensureBuilt()
}, 240_000)

afterAll(async () => {
  killAll()
  await Promise.all(worlds.map((w) => w.close()))
})

/** The uninterrupted AutoLeap → autoGMS migration of the seed-21 dataset, for end states to compare with (made once). */
let reference21Promise: Promise<{ reference: World; refRun: CliResult; refReport: ReturnType<typeof readReport>; refWrites: number }> | undefined
const reference21 = () =>
  (reference21Promise ??= (async () => {
    const reference = await startWorld({ seed: generated({ customers: 100, seed: 21 }) })
    worlds.push(reference)
    const refRun = await migrate(reference, "autoleap", "autogms", [], { timeoutMs: 90_000 }).done
    expect([0, 1], describeRun(refRun)).toContain(refRun.code)
    const refRunId = runIdFrom(refRun.stdout, [reference.runsDir])
    expect(refRunId, describeRun(refRun)).toBeDefined()
    const refReport = readReport(reference.runsDir, refRunId!)
    const refWrites = sum(writesIn(reference.sandbox.autogms.stats()))
    expect(refWrites, "the reference run wrote").toBeGreaterThan(30)
    return { reference, refRun, refReport, refWrites }
  })())

/** The end state of `world` (autoGMS side) is the reference's: no key doubled, nothing missing, nothing extra. */
const expectReferenceState = async (world: World, before: ReturnType<typeof snapshot>, context: string) => {
  const { reference, refReport } = await reference21()
  const after = snapshot(world, "autogms")
  expect(newDuplicates(duplicatedKeys(before.customers, customerKeys), duplicatedKeys(after.customers, customerKeys)), context).toEqual({})
  expect(newDuplicates(duplicatedKeys(before.vehicles, vehicleKeys), duplicatedKeys(after.vehicles, vehicleKeys)), context).toEqual({})
  expect(after.customers.length, context).toBe(before.customers.length + countsOf(refReport, "customers").created)
  expect(after.vehicles.length, context).toBe(before.vehicles.length + countsOf(refReport, "vehicles").created)
  const want = normalForm(snapshot(reference, "autogms"), "autogms")
  const got = normalForm(after, "autogms")
  expect(multisetMinus(got.customers, want.customers), `customers beyond the reference\n${context}`).toEqual([])
  expect(multisetMinus(want.customers, got.customers), `customers missing\n${context}`).toEqual([])
  expect(multisetMinus(got.vehicles, want.vehicles), `vehicles beyond the reference\n${context}`).toEqual([])
  expect(multisetMinus(want.vehicles, got.vehicles), `vehicles missing\n${context}`).toEqual([])
}

describe("migrate killed with SIGKILL, then resume", () => {
  it(
    "three kills at different points, then resume: the uninterrupted run's end state, no duplicate, resume exits 0 or 1",
    async () => {
      const data = generated({ customers: 100, seed: 21 })
      const [{ refRun, refWrites }, world] = await Promise.all([reference21(), startWorld({ seed: data, faults: { latencyMs: 20 } })])
      worlds.push(world)
      const before = snapshot(world, "autogms")

      // Kill points: cumulative autoGMS writes, spread over the run (seeded, printed for replay).
      const seed = Date.now() % 100_000
      const random = seededRandom(seed)
      const fractions = [0.05 + random() * 0.15, 0.3 + random() * 0.15, 0.6 + random() * 0.15]
      const killAt = fractions.map((f) => Math.max(1, Math.round(f * refWrites)))
      const history: Array<string> = [`kill seed ${seed}, reference writes ${refWrites} in ${refRun.ms} ms, kill at writes ${killAt.join(", ")}`]
      console.log(history[0])
      const writes = () => sum(writesIn(world.sandbox.autogms.stats()))

      let last: CliResult | undefined
      let killed = 0
      for (let i = 0; i < killAt.length; i++) {
        const running: Running = i === 0 ? migrate(world, "autoleap", "autogms", [], { timeoutMs: 90_000 }) : resume(world, { timeoutMs: 90_000 })
        let exited = false
        void running.done.then(() => (exited = true))
        // A process that writes nothing for 20 s is stuck: kill it and say so, rather than wait for the test timeout.
        let lastCount = writes()
        let lastChange = Date.now()
        const stalled = () => {
          const n = writes()
          if (n !== lastCount) {
            lastCount = n
            lastChange = Date.now()
          }
          return Date.now() - lastChange > 20_000
        }
        await waitFor(() => exited || writes() >= killAt[i]! || stalled(), 60_000, 2)
        if (!exited && writes() < killAt[i]!) {
          running.child.kill("SIGKILL")
          const stuck = await running.done
          history.push(`${i === 0 ? "migrate" : "resume"}: no write for 20 s at ${writes()} writes (kill point ${killAt[i]}), killed`)
          expect.fail(`${history.join("\n")}\n${describeRun(stuck)}`)
        }
        if (!exited) {
          await sleep(Math.floor(random() * 15))
          running.child.kill("SIGKILL")
          killed++
        }
        last = await running.done
        history.push(`${i === 0 ? "migrate" : "resume"}: ${last.signal ?? `exit ${last.code}`} after ${last.ms} ms at ${writes()} writes`)
        console.log(history[history.length - 1])
        if (last.signal === null) {
          // It finished before the kill point: a resume that could not take over a dead holder shows up here too.
          expect([0, 1], `${history.join("\n")}\n${describeRun(last)}`).toContain(last.code)
          break
        }
      }
      expect(killed, history.join("\n")).toBeGreaterThan(0)

      const final = await resume(world, { timeoutMs: 60_000 }).done
      history.push(`final resume: exit ${final.code} at ${writes()} writes`)
      expect(final.code, `${history.join("\n")}\n${describeRun(final)}`).not.toBe(3)
      expect([0, 1], `${history.join("\n")}\n${describeRun(final)}`).toContain(final.code)

      // The resumed run reports as finished (in the runs dir the state remembers, or the default one in the cwd).
      const runsDirs = [world.runsDir, join(world.dir, "runs")]
      const runId = runIdFrom(final.stdout, runsDirs)
      if (runId !== undefined) {
        const dir = runsDirs.find((d) => existsSync(join(d, runId, "report.json")))
        expect(dir, `no report.json for resumed run ${runId} in ${runsDirs.join(" or ")}`).toBeDefined()
        expect(["completed", "completed_with_errors"]).toContain(readReport(dir!, runId).status)
      } else {
        expect.fail(`the first line of resume's output names no run folder (${runsDirs.map((d) => (existsSync(d) ? readdirSync(d).join(",") : "-")).join(" | ")})\n${describeRun(final)}`)
      }

      // Same end state as the uninterrupted run.
      await expectReferenceState(world, before, history.join("\n"))
    },
    150_000
  )

  it(
    "Ctrl-C (SIGINT) mid-write: exit 3, report.json says interrupted, and resume finishes with the reference's end state",
    async () => {
      const [{ refWrites }, world] = await Promise.all([
        reference21(),
        startWorld({ seed: generated({ customers: 100, seed: 21 }), faults: { latencyMs: 20 } })
      ])
      worlds.push(world)
      const before = snapshot(world, "autogms")
      const writes = () => sum(writesIn(world.sandbox.autogms.stats()))
      const running = migrate(world, "autoleap", "autogms", [], { timeoutMs: 60_000 })
      let exited = false
      void running.done.then(() => (exited = true))
      await waitFor(() => exited || writes() >= Math.round(refWrites * 0.4), 40_000, 2)
      expect(exited, "the run ended before the interrupt").toBe(false)
      const signalledAt = Date.now()
      running.child.kill("SIGINT")
      // Said at once, before the group in flight is done.
      expect(await waitFor(() => running.stderr().includes("stopping after the batch in flight ("), 1_000, 5), running.stderr()).toBe(true)
      const saidAfterMs = Date.now() - signalledAt
      const interrupted = await running.done
      const history = [`SIGINT at ${writes()} writes of ${refWrites}: said so after ${saidAfterMs} ms, exit ${interrupted.code} after ${interrupted.ms} ms`]
      expect(interrupted.signal, describeRun(interrupted)).toBeNull()
      expect(interrupted.code, describeRun(interrupted)).toBe(3)
      const runId = runIdFrom(interrupted.stdout, [world.runsDir])
      expect(runId, describeRun(interrupted)).toBeDefined()
      // cli.md: a run's outputs include report.json, whose status may be "interrupted". Soft: the resume below still runs.
      const reportFile = join(world.runsDir, runId!, "report.json")
      expect.soft(existsSync(reportFile), `an interrupted run writes its report.json\n${describeRun(interrupted)}`).toBe(true)
      if (existsSync(reportFile)) expect.soft(readReport(world.runsDir, runId!)).toMatchObject({ runId, status: "interrupted", dryRun: false })

      const resumed = await resume(world, { timeoutMs: 60_000 }).done
      history.push(`resume: exit ${resumed.code}`)
      expect([0, 1], `${history.join("\n")}\n${describeRun(resumed)}`).toContain(resumed.code)
      await expectReferenceState(world, before, history.join("\n"))
    },
    120_000
  )

  it(
    "Ctrl-C through npx (the terminal signals npm and the CLI together; npm forwards it once more): exit 3, run resumable",
    async () => {
      const world = await startWorld({ seed: generated({ customers: 100, seed: 23 }), faults: { latencyMs: 20 } })
      worlds.push(world)
      const writes = () => sum(writesIn(world.sandbox.autogms.stats()))
      const running = migrate(world, "autoleap", "autogms", [], { timeoutMs: 60_000, via: "npx" })
      let exited = false
      void running.done.then(() => (exited = true))
      await waitFor(() => exited || writes() >= 20, 40_000, 2)
      expect(exited, `the run ended before the interrupt\n${running.stderr()}`).toBe(false)
      // The whole process group, as a terminal's Ctrl-C: npm, the shell it may start, and the CLI.
      process.kill(-(running.child.pid ?? 0), "SIGINT")
      const interrupted = await running.done
      expect(interrupted.code, describeRun(interrupted)).toBe(3)
      expect(interrupted.stderr, describeRun(interrupted)).toContain("stopping after the batch in flight (")
      const runId = runIdFrom(interrupted.stdout, [world.runsDir])
      expect(runId, describeRun(interrupted)).toBeDefined()
      expect(readReport(world.runsDir, runId ?? "").status).toBe("interrupted")
    },
    90_000
  )
})

describe("migrate --from autogms --to autoleap killed the instant a bulk write is applied, then resume", () => {
  it(
    "a crash between AutoLeap applying a batch and the run recording it neither doubles nor drops a record",
    async () => {
      const data = generated({ customers: 100, seed: 22 })
      const [reference, world] = await Promise.all([startWorld({ seed: data }), startWorld({ seed: data })])
      worlds.push(reference, world)
      const before = snapshot(world, "autoleap")

      const refRun = await migrate(reference, "autogms", "autoleap", [], { timeoutMs: 60_000 }).done
      expect([0, 1], describeRun(refRun)).toContain(refRun.code)
      const refReport = readReport(reference.runsDir, runIdFrom(refRun.stdout, [reference.runsDir])!)

      // Each process logs in first (its first applied write); its second applied write is a data write: the test kills
      // the process from inside the simulator, after the write is applied and before its answer leaves.
      let current: Running | undefined
      let appliedInProcess = 0
      const history: Array<string> = []
      const injector = world.sandbox.autoleap.faults
      const afterWrite = injector.afterWrite.bind(injector)
      injector.afterWrite = () => {
        appliedInProcess++
        if (appliedInProcess === 2 && current !== undefined && current.child.exitCode === null) {
          current.child.kill("SIGKILL")
          history.push(`killed after applied write ${JSON.stringify(writesIn(world.sandbox.autoleap.stats()))} (+1 being answered)`)
        }
        return afterWrite()
      }
      const start = (run: () => Running): Running => {
        appliedInProcess = 0
        current = run()
        return current
      }

      const first = await start(() => migrate(world, "autogms", "autoleap", [], { timeoutMs: 60_000 })).done
      history.push(`migrate: ${first.signal ?? `exit ${first.code}`}`)
      expect(first.signal, `${history.join("\n")}\n${describeRun(first)}`).toBe("SIGKILL")
      const second = await start(() => resume(world, { timeoutMs: 60_000 })).done
      history.push(`resume: ${second.signal ?? `exit ${second.code}`}`)
      expect(second.code === 0 || second.code === 1 || second.signal === "SIGKILL", `${history.join("\n")}\n${describeRun(second)}`).toBe(true)
      current = undefined
      const final = second.signal === "SIGKILL" ? await resume(world, { timeoutMs: 60_000 }).done : second
      history.push(`final: exit ${final.code}`)
      expect([0, 1], `${history.join("\n")}\n${describeRun(final)}`).toContain(final.code)

      const after = snapshot(world, "autoleap")
      const report = history.join("\n")
      console.log(report)
      expect(newDuplicates(duplicatedKeys(before.customers, customerKeys), duplicatedKeys(after.customers, customerKeys)), report).toEqual({})
      expect(newDuplicates(duplicatedKeys(before.vehicles, vehicleKeys), duplicatedKeys(after.vehicles, vehicleKeys)), report).toEqual({})
      expect(after.customers.length, report).toBe(before.customers.length + countsOf(refReport, "customers").created)
      expect(after.vehicles.length, report).toBe(before.vehicles.length + countsOf(refReport, "vehicles").created)
      const want = normalForm(snapshot(reference, "autoleap"), "autoleap")
      const got = normalForm(after, "autoleap")
      expect(multisetMinus(got.customers, want.customers), `customers beyond the reference\n${report}`).toEqual([])
      expect(multisetMinus(want.customers, got.customers), `customers missing after resume\n${report}`).toEqual([])
      expect(multisetMinus(got.vehicles, want.vehicles), `vehicles beyond the reference\n${report}`).toEqual([])
      expect(multisetMinus(want.vehicles, got.vehicles), `vehicles missing after resume\n${report}`).toEqual([])
    },
    120_000
  )
})
