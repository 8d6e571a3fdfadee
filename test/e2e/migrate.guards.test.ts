/**
 * What stops or limits a migration: usage errors (exit 2, nothing sent to either API), the one-run-per-state lock
 * (exit 3 naming the holder), and autoGMS rate limits (paced, never bounced).
 */
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  describeRun,
  ensureBuilt,
  generated,
  killAll,
  migrate,
  readReport,
  runIdFrom,
  sum,
  waitFor,
  writesIn,
  type World,
  startWorld
} from "./migrateHarness.js"

let world: World
const worlds: Array<World> = []

beforeAll(async () => {
  await ensureBuilt()
  world = await startWorld({ seed: "small" })
  worlds.push(world)
}, 240_000)

afterAll(async () => {
  killAll()
  await Promise.all(worlds.map((w) => w.close()))
})

const noRequests = (w: World) => {
  expect(w.sandbox.autoleap.stats().total, "requests to AutoLeap").toBe(0)
  expect(w.sandbox.autogms.stats().total, "requests to autoGMS").toBe(0)
}

const resetStats = (w: World) => {
  w.sandbox.autoleap.resetStats()
  w.sandbox.autogms.resetStats()
}

describe("migrate: usage errors exit 2 and send nothing", () => {
  it("a missing AUTOGMS_API_KEY: exit 2, one line naming it, no request to either API", async () => {
    resetStats(world)
    const result = await migrate(world, "autoleap", "autogms", [], { env: { ...world.env, AUTOGMS_API_KEY: undefined } }).done
    expect(result.code, describeRun(result)).toBe(2)
    const lines = result.stderr.trim().split("\n").filter((l) => l.trim().length > 0)
    expect(lines, describeRun(result)).toHaveLength(1)
    expect(lines[0]).toContain("AUTOGMS_API_KEY")
    noRequests(world)
  })

  it("--from autoleap --to autoleap: exit 2, no request", async () => {
    resetStats(world)
    const result = await migrate(world, "autoleap", "autoleap").done
    expect(result.code, describeRun(result)).toBe(2)
    expect(result.stderr.trim().length, "says what is wrong").toBeGreaterThan(0)
    noRequests(world)
  })

  it("a bad --mapping file: exit 2 naming the file, no request", async () => {
    resetStats(world)
    const file = join(world.dir, "bad-mapping.json")
    await writeFile(file, JSON.stringify({ policies: { invalidVin: "explode" } }))
    const result = await migrate(world, "autoleap", "autogms", ["--mapping", file]).done
    expect(result.code, describeRun(result)).toBe(2)
    expect(result.stderr, describeRun(result)).toContain("bad-mapping.json")
    noRequests(world)
  })
})

describe("migrate: one run per state file", () => {
  it("a second migration on the same state while one runs exits 3 with a message naming the holder", async () => {
    resetStats(world)
    const first = migrate(world, "autoleap", "autogms", [], { timeoutMs: 60_000 })
    let firstExited = false
    void first.done.then(() => (firstExited = true))
    // Hold the first run mid-write: once it has written, every autoGMS answer takes 2 s.
    const writing = await waitFor(() => firstExited || sum(writesIn(world.sandbox.autogms.stats())) > 0, 30_000, 2)
    world.sandbox.autogms.faults.configure({ latencyMs: 2_000 })
    expect(writing && !firstExited, `the first run ended before it wrote\n${firstExited ? describeRun(await first.done) : ""}`).toBe(true)

    const second = await migrate(world, "autoleap", "autogms", [], { runsDir: join(world.dir, "runs-second"), timeoutMs: 30_000 }).done
    const stillRunning = !firstExited
    world.sandbox.autogms.faults.configure({ latencyMs: 0 })
    first.child.kill("SIGKILL")
    const firstResult = await first.done
    expect(stillRunning, `the first run ended before the second was refused\n${describeRun(firstResult)}`).toBe(true)

    expect(second.code, describeRun(second)).toBe(3)
    const holderRunId = runIdFrom(firstResult.stdout, [world.runsDir])
    const names = [String(first.child.pid), ...(holderRunId === undefined ? [] : [holderRunId])]
    expect(
      names.some((n) => second.stderr.includes(n) || second.stdout.includes(n)),
      `the message names neither the holder's run id nor its pid (${names.join(", ")})\n${describeRun(second)}`
    ).toBe(true)
  }, 90_000)
})

describe("migrate: autoGMS rate limit", () => {
  it("with the key at 120/min and most of the window already used: paced by the headers, no 429, at most 120 in any rolling minute", async () => {
    const LIMIT = 120
    const LEFT = 10
    const clock = { offsetMs: 0 }
    const small = await startWorld({ seed: generated({ customers: 10, seed: 5 }), autogmsKeyRate: LIMIT, autogmsClock: clock })
    worlds.push(small)
    expect(small.env["AUTOGMS_RATE_LIMIT"]).toBe(String(LIMIT))

    // Someone else used the key 52 s ago (simulator time): the window has LEFT requests and ends ~8 s from now.
    clock.offsetMs = -52_000
    const url = `${small.env["AUTOGMS_BASE_URL"]}/garages/${small.env["AUTOGMS_GARAGE_ID"]}`
    for (let i = 0; i < LIMIT - LEFT; i++) {
      const response = await fetch(url, { headers: { "x-api-key": small.env["AUTOGMS_API_KEY"]! } })
      await response.arrayBuffer()
      expect(response.status).toBe(200)
    }
    clock.offsetMs = 0
    small.sandbox.autogms.resetStats()

    const result = await migrate(small, "autoleap", "autogms", [], { timeoutMs: 80_000 }).done
    expect([0, 1], describeRun(result)).toContain(result.code)
    const stats = small.sandbox.autogms.stats()
    expect(stats.total, "the run needed more requests than the window had left (else this test proves nothing)").toBeGreaterThan(LEFT + 5)
    expect(stats.throttled, `429s: ${JSON.stringify(stats.byStatus)}\n${describeRun(result)}`).toBe(0)
    expect(stats.maxPerRollingMinute).toBeLessThanOrEqual(LIMIT)
    expect(sum(writesIn(stats)), "it wrote").toBeGreaterThan(5)
    // It waited for the window to end instead of bouncing off it.
    expect(result.ms).toBeGreaterThan(4_000)
    expect(runIdFrom(result.stdout, [small.runsDir]), describeRun(result)).toBeDefined()
  }, 90_000)
})

describe("migrate: options and .env", () => {
  it("--entities customers --include-archived, with the variables from a .env file in the working directory", async () => {
    const w = await startWorld({ seed: "small" })
    worlds.push(w)
    const before = { customers: w.sandbox.autogms.dump().customers.filter((c) => c.garageId === w.env["AUTOGMS_GARAGE_ID"]).length }
    await writeFile(
      join(w.dir, ".env"),
      Object.entries(w.env)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n") + "\n"
    )
    const result = await migrate(w, "autoleap", "autogms", ["--entities", "customers", "--include-archived"], { env: {} }).done
    expect([0, 1], describeRun(result)).toContain(result.code)
    const runId = runIdFrom(result.stdout, [w.runsDir])
    expect(runId, describeRun(result)).toBeDefined()
    const report = readReport(w.runsDir, runId!)

    // Only customers: not a single vehicle write.
    const writes = writesIn(w.sandbox.autogms.stats())
    expect(Object.keys(writes).filter((e) => e.includes("vehicles")), JSON.stringify(writes)).toEqual([])
    expect(report.directions[0]!.entities.vehicles?.created ?? 0).toBe(0)

    // The archived customer (al-cus-000011) is migrated too: 26 + 1 created.
    expect(report.directions[0]!.entities.customers).toMatchObject({ created: 27, linked: 4, quarantined: 1 })
    const after = w.sandbox.autogms.dump().customers.filter((c) => c.garageId === w.env["AUTOGMS_GARAGE_ID"])
    expect(after.length).toBe(before.customers + 27)
    expect(after.some((c) => c["email"] === "gerald.fitzroy@example.com")).toBe(true)
  }, 60_000)
})
