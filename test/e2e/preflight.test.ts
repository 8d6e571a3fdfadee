/**
 * The first hour (issue 13): a base URL where nothing listens, or credentials the API refuses, stop `migrate` in its
 * preflight within ~15 s, exit 3, with one line naming the variable to fix, every retry shown as it happens, and no
 * "resume continues it" (nothing was read, so there is nothing to resume).
 */
import { createServer } from "node:net"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { describeRun, ensureBuilt, killAll, migrate, startWorld, sum, writesIn, type CliResult, type World } from "./migrateHarness.js"

let world: World

beforeAll(async () => {
  await ensureBuilt()
  world = await startWorld({ seed: "small" })
}, 240_000)

afterAll(async () => {
  killAll()
  await world.close()
})

/** A port on this machine where nothing listens (it was free a moment ago). */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/** The lines on stderr that are the CLI's final word ("shopbridge: …"). */
const finalLines = (r: CliResult) => r.stderr.split("\n").filter((l) => l.startsWith("shopbridge:"))

const expectStoppedBeforeReading = (r: CliResult, mustName: ReadonlyArray<string>) => {
  expect(r.code, describeRun(r)).toBe(3)
  const final = finalLines(r)
  expect(final, describeRun(r)).toHaveLength(1)
  for (const text of mustName) expect(final[0], describeRun(r)).toContain(text)
  expect(r.stderr, describeRun(r)).not.toMatch(/resume/)
  expect(r.stderr, "no stack trace").not.toMatch(/\n\s+at /)
}

describe("preflight: nothing answers at a base URL", () => {
  it("AutoLeap and autoGMS each give up within ~15 s: exit 3, one line naming the variable, the URL and the error, each retry shown", async () => {
    const [alPort, gmsPort] = [await closedPort(), await closedPort()]
    const alUrl = `http://127.0.0.1:${alPort}/v2`
    const gmsUrl = `http://127.0.0.1:${gmsPort}/api/v1`
    // Both at once (each with its own state file: one run per shop pair and state), each waits out the preflight budget.
    const [al, gms] = await Promise.all([
      migrate(world, "autoleap", "autogms", ["--dry-run"], { env: { ...world.env, AUTOLEAP_BASE_URL: alUrl }, state: join(world.dir, "al.db"), timeoutMs: 40_000 }).done,
      migrate(world, "autoleap", "autogms", ["--dry-run"], { env: { ...world.env, AUTOGMS_BASE_URL: gmsUrl }, state: join(world.dir, "gms.db"), timeoutMs: 40_000 }).done
    ])
    expectStoppedBeforeReading(al, ["AUTOLEAP_BASE_URL", `nothing answers at ${alUrl}`, "ECONNREFUSED"])
    expectStoppedBeforeReading(gms, ["AUTOGMS_BASE_URL", `nothing answers at ${gmsUrl}`, "ECONNREFUSED"])
    for (const [r, api] of [[al, "AutoLeap"], [gms, "autoGMS"]] as const) {
      expect(r.ms, describeRun(r)).toBeLessThan(20_000)
      const retries = r.stderr.split("\n").filter((l) => l.startsWith(`${api}: `) && /retry \d+ of \d+ in [\d.]+ s/.test(l))
      expect(retries.length, describeRun(r)).toBeGreaterThanOrEqual(2)
      expect(retries[0], describeRun(r)).toContain("retry 1 of 6")
    }
  }, 60_000)
})

describe("preflight: refused credentials name what to fix", () => {
  it("a wrong AUTOGMS_API_KEY: exit 3, 'AUTOGMS_API_KEY was refused by autoGMS (401…): check the key', printed once, nothing written", async () => {
    world.sandbox.autogms.resetStats()
    world.sandbox.autoleap.resetStats()
    const r = await migrate(world, "autoleap", "autogms", [], { env: { ...world.env, AUTOGMS_API_KEY: "agms_pk_test_wrong" } }).done
    expectStoppedBeforeReading(r, ["AUTOGMS_API_KEY was refused by autoGMS (401", "check the key"])
    expect(r.stderr.split("AUTOGMS_API_KEY was refused").length - 1, describeRun(r)).toBe(1)
    expect(r.stderr, "the key never appears").not.toContain("agms_pk_test_wrong")
    expect(sum(writesIn(world.sandbox.autogms.stats())) + sum(writesIn(world.sandbox.autoleap.stats()))).toBe(0)
  }, 60_000)

  it("a wrong AUTOLEAP_AUTH_KEY: exit 3 naming AUTOLEAP_PARTNER_ID / AUTOLEAP_AUTH_KEY, no resume hint", async () => {
    const r = await migrate(world, "autoleap", "autogms", [], { env: { ...world.env, AUTOLEAP_AUTH_KEY: "not-the-key" } }).done
    expectStoppedBeforeReading(r, ["AUTOLEAP_PARTNER_ID / AUTOLEAP_AUTH_KEY were refused by AutoLeap (401", "check the partner id and the auth key"])
  }, 60_000)

  it("an AUTOGMS_GARAGE_ID the key cannot open: exit 3 naming it", async () => {
    const r = await migrate(world, "autoleap", "autogms", ["--dry-run"], { env: { ...world.env, AUTOGMS_GARAGE_ID: "garage-99" } }).done
    expectStoppedBeforeReading(r, ["AUTOGMS_GARAGE_ID garage-99"])
  }, 60_000)
})
