import { Effect } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { executeMigration } from "../../src/cli/runMigration.js"
import type { RunReport } from "../../src/report/index.js"
import { generateDataset } from "../../src/sim/fixtures/generate.js"
import { startSandbox } from "../../src/sim/sandbox.js"

/**
 * Issue 6's budget: requests ≤ 1.1 × the minimum the data needs (list pages of 100 on both sides, one write per autoGMS
 * record, one bulk call per 100 AutoLeap records plus one read-back each) and wall time ≤ 1.1 × (requests ÷ rate limit).
 * The target's limit is set so that it binds (the run needs more than a minute of budget): autoGMS 600/min; AutoLeap
 * GET 20 and POST/PUT/PATCH 5 per minute, since bulk writes need few requests. The source side's limits are generous.
 */
const CUSTOMERS = 600
const AUTOGMS_LIMIT = 600
const AUTOLEAP_LIMITS = { GET: 20, POST: 5, PUT: 5, PATCH: 5 }
const GENEROUS = { GET: 1500, POST: 500, PUT: 500, PATCH: 500 }

const pages = (n: number) => Math.ceil(n / 100)

/** Writes the run made: creates, or updates (links by natural key count as updates: the bench data differs on purpose). */
const writesOf = (report: RunReport, entity: "customers" | "vehicles", kind: "create" | "update") => {
  const counts = report.directions[0]?.entities[entity]
  return counts === undefined ? 0 : kind === "create" ? counts.created : counts.updated + counts.linked
}

const run = async (from: "autoleap" | "autogms", to: "autoleap" | "autogms") => {
  const dataset = generateDataset({ customers: CUSTOMERS, seed: 11 })
  const autogmsLimit = to === "autogms" ? AUTOGMS_LIMIT : 6_000
  const autoleapLimits = to === "autoleap" ? AUTOLEAP_LIMITS : GENEROUS
  const autogms = { ...dataset.autogms, apiKeys: dataset.autogms.apiKeys.map((k) => ({ ...k, ratePerMinute: autogmsLimit })) }
  const sandbox = await startSandbox({ seed: { ...dataset, autogms } })
  sandbox.autoleap.configure({ rateLimits: { ...autoleapLimits, DELETE: 50 } })
  Object.assign(process.env, sandbox.env, {
    AUTOGMS_RATE_LIMIT: String(autogmsLimit),
    AUTOLEAP_RATE_LIMITS: Object.entries(autoleapLimits).map(([m, n]) => `${m}=${n}`).join(",")
  })
  const dir = mkdtempSync(join(tmpdir(), "shopbridge-bench-"))
  try {
    const started = Date.now()
    const outcome = await Effect.runPromise(
      executeMigration({
        options: { from, to, entities: ["customers", "vehicles"], dryRun: false, includeArchived: false, mappingPath: null, runsDir: join(dir, "runs") },
        statePath: join(dir, "state.db"),
        say: () => undefined
      })
    )
    const wallMs = Date.now() - started
    const report = outcome.report
    const al = sandbox.autoleap.stats()
    const ag = sandbox.autogms.stats()
    const reads = pages(dataset.autoleap.customers.length) + pages(dataset.autoleap.vehicles.length) +
      pages(dataset.autogms.customers.length) + pages(dataset.autogms.vehicles.length)
    const writes =
      to === "autogms"
        ? (["customers", "vehicles"] as const).reduce((n, e) => n + writesOf(report, e, "create") + writesOf(report, e, "update"), 0)
        : 2 * (["customers", "vehicles"] as const).reduce((n, e) => n + pages(writesOf(report, e, "create")) + pages(writesOf(report, e, "update")), 0)
    const minimum = reads + writes
    const made = al.total + ag.total
    const limitedTotal = to === "autogms" ? ag.total : al.total
    // Method classes are paced in parallel: the class with the most minutes of budget decides.
    const floorMs =
      (to === "autogms"
        ? ag.total / AUTOGMS_LIMIT
        : Math.max(...Object.entries(al.byMethod).map(([m, n]) => n / autoleapLimits[m as keyof typeof autoleapLimits]))) * 60_000
    console.log(
      [
        `migrate ${from} → ${to}: ${CUSTOMERS} customers / ${dataset[from].vehicles.length} vehicles per side`,
        `  requests made ${made} (AutoLeap ${al.total}, autoGMS ${ag.total}) vs minimum ${minimum}: ratio ${(made / minimum).toFixed(3)}`,
        `  429s: AutoLeap ${al.throttled}, autoGMS ${ag.throttled}; worst rolling minute: AutoLeap ${JSON.stringify(al.maxPerRollingMinuteByMethod)}, autoGMS ${ag.maxPerRollingMinute}`,
        `  wall ${(wallMs / 1000).toFixed(1)} s vs ${limitedTotal} requests ÷ limit = ${(floorMs / 1000).toFixed(1)} s: ratio ${(wallMs / floorMs).toFixed(3)}`,
        `  verification: ${JSON.stringify(report.verification?.map((v) => [v.entity, v.expected, v.found]))}`
      ].join("\n")
    )
    expect(made / minimum).toBeLessThanOrEqual(1.1)
    expect(wallMs / floorMs).toBeLessThanOrEqual(1.1)
    expect(ag.throttled + al.throttled).toBe(0)
    for (const v of report.verification ?? []) expect(v.found).toBe(v.expected)
  } finally {
    await sandbox.close()
  }
}

describe("migrate benchmark", () => {
  it("AutoLeap → autoGMS stays within 1.1× the minimum requests and 1.1× requests ÷ limit", () => run("autoleap", "autogms"))
  it("autoGMS → AutoLeap stays within 1.1× the minimum requests and 1.1× requests ÷ limit", () => run("autogms", "autoleap"))
})
