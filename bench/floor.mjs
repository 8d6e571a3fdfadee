// The rate-limit floor (issue 12, item 2): how close shopbridge runs to what the APIs' documented limits allow.
//
//   node bench/floor.mjs [--configs 60@3000,300@3000] [--only autoleap-autogms,autogms-autoleap,sync]
//                        [--customers N] [--root DIR] [--keep]
//
// Each config is TIER@MINUTE: autoGMS's key on tier TIER (60 Standard, 300 Premium; per minute per key, every method
// in one budget) and both simulators' minute shortened to MINUTE ms, shopbridge told the same (SHOPBRIDGE_RATE_WINDOW_MS);
// AutoLeap at its documented GET 150, POST / PUT / PATCH 50 per minute per method class. The data: the generator's
// (1.5 vehicles per customer), 50,000 × TIER ÷ MINUTE customers per side unless --customers (1,000 at 60@3000, 5,000 at
// 300@3000): about two minutes of budget for a migration to autoGMS. For each scenario, on fresh simulators:
//   autoleap-autogms   migrate --from autoleap --to autogms
//   autogms-autoleap   migrate --from autogms --to autoleap
//   sync               after a migration and the syncs that settle it (limits raised, not measured), edits on both
//                      sides, then one measured `sync`
// it prints three figures, with the targets of issue 12:
//
// 1. requests made ÷ the minimum the data needs (target ≤ 1.05). The minimum:
//      reads   each side read in full (a migration) or its changed records (a sync): per API and entity
//              P(n) = max(1, ceil(n / 100)) list calls (100 = both APIs' largest page; one call learns there is none);
//      writes  autoGMS: one request per record written. AutoLeap: ceil(n / 100) bulk calls per entity and kind
//              (POST creates, PUT updates) plus one read-back list call per bulk call (creates answer without ids;
//              the stored record is what the next sync compares with).
//    The records to write (created; updated, or linked by email / phone / VIN with a field that differs) are counted
//    from the run's actions.csv: which records need a write is the plan's correctness, tested elsewhere; this figure
//    measures what each needed write cost.
//    Plus AutoLeap's login (no call works without a token). Requests made are what the simulators logged: every API
//    request, checks, estimates and retries included.
// 2. wall time ÷ the floor (target ≤ 1.1). The floor is the minimum requests ÷ the limit, summed over the stages the
//    data imposes, each stage taking as long as its slowest budget (budgets are independent and run at once):
//      a migration: read both sides (the plan needs both) → write customers → write vehicles (they need their owners'
//      ids); a sync of edits: read the changes → write (updates only: nothing waits for an owner).
//    floor = Σ_stage max_budget(minimum requests of the stage in that budget ÷ its limit per minute) × the minute.
//    It leaves out the burst a fresh window allows (a perfect client could beat it by up to one minute per budget,
//    a few % at the sizes used here; a budget that needs less than a minute's worth is not bound by its limit at all)
//    and every second of CPU: wall time is the CLI's whole process, start to exit. Where it went is printed too:
//    start-up (to the first request), reading and planning (to the first write), writing (to the last request), and
//    what came after; "requests span ÷ floor" (first request to last) is the pacing's own share.
// 3. 429s: autoGMS (target: none once a response's headers were seen; shopbridge's first autoGMS request is the
//    preflight check, alone in a fresh window, so every 429 counts) and AutoLeap (target: under 1% of its requests).
//
// The sync reads back, besides the edits, the sentinels the set-up's last sync carried and their echoes (a few records:
// the measured sync's windows start just before them). Figures go to runs/bench/<date>.json under "floor", one entry
// per scenario and config.
import { mkdirSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { recordBenchResult } from "./results.mjs"
import {
  AUTOGMS_TIERS, AUTOLEAP_LIMITS, bulkCalls, importDist, latestRun, pages, requestsSeen, round2, round3, runShopbridge, sampleRequests, startWorld, table
} from "./scaledWorld.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const SEED = 7
/** Customers per side for a config: a migration to autoGMS needs ~2.3 requests a customer, ~2 minutes of budget. */
const customersFor = (tier, windowMs) => Math.max(200, Math.round((50_000 * tier) / windowMs / 100) * 100)
/** AutoLeap's login: not rate-limited, but nothing is read without it. */
const LOGIN = 1
/** Of each side's customers and vehicles, the share a user edits before the measured sync. */
const EDIT_SHARE = 0.2
const SCENARIOS = ["autoleap-autogms", "autogms-autoleap", "sync"]

const fail = (message) => {
  process.stderr.write(`floor: ${message}\n`)
  process.exit(2)
}

const { values: args } = parseArgs({
  options: {
    configs: { type: "string", default: "60@3000,300@3000" },
    only: { type: "string" },
    customers: { type: "string" },
    root: { type: "string" },
    keep: { type: "boolean", default: false }
  },
  strict: true
})
const configs = args.configs.split(",").map((text) => {
  const [tier, windowMs] = text.trim().split("@").map(Number)
  if (AUTOGMS_TIERS[tier] === undefined) fail(`--configs: ${tier} is not a documented autoGMS tier (${Object.keys(AUTOGMS_TIERS).join(", ")})`)
  if (!Number.isInteger(windowMs) || windowMs < 1000) fail(`--configs: "${text}" is not TIER@MINUTE_MS with a minute of at least 1000 ms`)
  return { tier, windowMs }
})
const scenarios = args.only === undefined ? SCENARIOS : args.only.split(",").map((s) => s.trim())
for (const s of scenarios) if (!SCENARIOS.includes(s)) fail(`--only: unknown scenario "${s}" (known: ${SCENARIOS.join(", ")})`)
const root = resolve(args.root ?? join(here, ".."))
const log = (line) => process.stdout.write(`${line}\n`)

/** The sync's overlap, scaled like the minute: the documented 2 minutes become 2 of the shortened minutes. */
const overlapSeconds = (windowMs) => Math.max(1, Math.round((2 * windowMs) / 1000))

/**
 * Records the plan had to write, by kind, from the run's actions.csv: creates, and updates (a record linked by email,
 * phone or VIN is updated only when a field differs).
 */
const writtenOf = (actions, from, to, entity) => {
  const rows = (actions ?? []).filter((a) => a.entity === entity && a.direction === `${from}-to-${to}`)
  const count = (matches) => rows.filter(matches).length
  return {
    create: count((a) => a.action === "create"),
    update: count((a) => a.action === "update" || (a.action === "link" && a.changed_fields !== ""))
  }
}

/** Minimum requests of one stage, per budget: "autogms" (the key's single budget) or "autoleap GET" / "autoleap POST" / …. */
const addTo = (budgets, name, n) => {
  if (n > 0) budgets[name] = (budgets[name] ?? 0) + n
}
const limitOf = (budget, autogmsLimit) => (budget === "autogms" ? autogmsLimit : AUTOLEAP_LIMITS[budget.slice("autoleap ".length)])
const stageMs = (budgets, { tier, windowMs }) => Math.max(0, ...Object.entries(budgets).map(([b, n]) => (n / limitOf(b, tier)) * windowMs))

/** The writes of one entity into one target, per budget. */
const writeBudgets = (target, written) => {
  const budgets = {}
  if (target === "autogms") addTo(budgets, "autogms", written.create + written.update)
  else {
    addTo(budgets, "autoleap POST", bulkCalls(written.create))
    addTo(budgets, "autoleap PUT", bulkCalls(written.update))
    addTo(budgets, "autoleap GET", bulkCalls(written.create) + bulkCalls(written.update))
  }
  return budgets
}
const readBudget = (system) => (system === "autogms" ? "autogms" : "autoleap GET")

/** A migration's minimum: both sides read in full (sizes as seeded), then each entity's writes. */
const migrationMinimum = (dataset, actions, from, to) => {
  const read = {}
  for (const system of ["autoleap", "autogms"]) {
    addTo(read, readBudget(system), pages(dataset[system].customers.length) + pages(dataset[system].vehicles.length))
  }
  return [read, writeBudgets(to, writtenOf(actions, from, to, "customers")), writeBudgets(to, writtenOf(actions, from, to, "vehicles"))]
}

/** A sync's minimum: each side's changed records read, then every write at once (edits only: no owner to wait for). */
const syncMinimum = (edited, actions) => {
  const read = {}
  for (const system of ["autoleap", "autogms"]) addTo(read, readBudget(system), pages(edited[system].customers.length) + pages(edited[system].vehicles.length))
  const write = {}
  for (const [from, to] of [["autoleap", "autogms"], ["autogms", "autoleap"]]) {
    for (const entity of ["customers", "vehicles"]) {
      for (const [budget, n] of Object.entries(writeBudgets(to, writtenOf(actions, from, to, entity)))) addTo(write, budget, n)
    }
  }
  return [read, write]
}

const sumBudgets = (stages) => stages.reduce((n, stage) => n + Object.values(stage).reduce((a, b) => a + b, 0), 0)

const idOf = (system, entity, record) => (system === "autogms" ? record.id : entity === "customers" ? record.customerId : record.vehicleId)

/** Records a user can edit without touching the hard cases: clean, active, and (for vehicles) owned by such a customer. */
const editable = (dataset, system, excludeCustomerIds) => {
  const injected = dataset.injected[system]
  const bad = new Set([...injected.customers.map((c) => c.id), ...injected.vehicles.map((v) => v.id)])
  const active = (r) => (system === "autoleap" ? (r.customerStatus ?? r.vehicleStatus) !== "Inactive" : true)
  const customers = dataset[system].customers.filter((c) => {
    const id = idOf(system, "customers", c)
    return !bad.has(id) && active(c) && !excludeCustomerIds.has(id)
  })
  const ownerIds = new Set(customers.map((c) => idOf(system, "customers", c)))
  const vehicles = dataset[system].vehicles.filter((v) => !bad.has(idOf(system, "vehicles", v)) && active(v) && ownerIds.has(v.customerId))
  return { customers, vehicles }
}

/**
 * The edits: a share of each side's clean customers and vehicles, on records that exist on one side only before the
 * migration (so no record is edited on both sides: no conflict), and one more per side and entity as a sentinel.
 */
const pickEdits = (dataset) => {
  const shared = { autoleap: new Set(dataset.sharedCustomers.map((s) => s.autoleapId)), autogms: new Set(dataset.sharedCustomers.map((s) => s.autogmsId)) }
  const picked = {}
  for (const system of ["autoleap", "autogms"]) {
    const pool = editable(dataset, system, shared[system])
    const take = (list) => list.slice(0, Math.round(list.length * EDIT_SHARE))
    picked[system] = {
      customers: take(pool.customers),
      vehicles: take(pool.vehicles),
      sentinels: { customers: pool.customers[pool.customers.length - 1], vehicles: pool.vehicles[pool.vehicles.length - 1] }
    }
  }
  return picked
}

const edit = (world, system, entity, record, note) => world.sandbox[system].edit(entity, idOf(system, entity, record), { notes: note })

/** Runs shopbridge in `work` (its own state file and runs folder) and stops the benchmark when a set-up run fails. */
const shopbridge = async (world, work, args, which) => {
  const sampler = sampleRequests(world)
  const outcome = await runShopbridge({
    root,
    args: [...args, "--state", join(work, "state.db"), "--runs-dir", join(work, "runs")],
    env: world.env(which),
    cwd: work
  })
  if (outcome.code !== 0 && outcome.code !== 1) {
    fail(`shopbridge ${args.join(" ")} exited ${outcome.code ?? outcome.signal}:\n${outcome.stderr.slice(-1500)}`)
  }
  return { ...outcome, timeline: sampler.stop(), ...latestRun(join(work, "runs")) }
}

/** Documented limits from a fresh minute: AutoLeap's windows keep what set-up runs counted until their minute ends. */
const documentedFromNow = async (world) => {
  world.limits("documented")
  await sleep(world.windowMs + 100)
  world.sandbox.autoleap.resetStats()
  world.sandbox.autogms.resetStats()
}

const seconds = (ms) => round2(ms / 1000)

const figuresOf = ({ scenario, config, customers, world, outcome, stages }) => {
  const al = requestsSeen(world.sandbox.autoleap)
  const ag = requestsSeen(world.sandbox.autogms)
  const minimum = sumBudgets(stages) + LOGIN
  const [readStage, ...writeStages] = stages.map((stage) => stageMs(stage, config))
  const writeFloorMs = writeStages.reduce((a, b) => a + b, 0)
  const floorMs = readStage + writeFloorMs
  const made = al.total + ag.total
  const t = outcome.timeline
  return {
    scenario,
    autogmsTier: config.tier,
    windowMs: config.windowMs,
    customersPerSide: customers,
    // Other work on the machine while this ran (1-minute load average at its end; the machine has 2 cores).
    loadAverage: round2(loadavg()[0]),
    exitCode: outcome.code,
    status: outcome.report?.status ?? null,
    requestsMade: made,
    requestsMinimum: minimum,
    requestsRatio: round3(made / minimum),
    wallS: round2(outcome.wallMs / 1000),
    floorS: round2(floorMs / 1000),
    wallRatio: round3(outcome.wallMs / floorMs),
    requestSpanRatio: round3((t.lastRequestMs - t.firstRequestMs) / floorMs),
    phases: {
      startupS: seconds(t.firstRequestMs),
      readingS: seconds(t.firstWriteMs - t.firstRequestMs),
      readingFloorS: seconds(readStage),
      writingS: seconds(t.lastRequestMs - t.firstWriteMs),
      writingFloorS: seconds(writeFloorMs),
      afterS: seconds(outcome.wallMs - t.lastRequestMs)
    },
    /** [second, requests so far, data writes so far], once a second. */
    requestTimeline: t.samples.filter((_, i) => i % 10 === 0).map((x) => [Math.round(x.ms / 100) / 10, x.requests, x.writes]),
    autogms429: ag.throttled,
    autoleap429: al.throttled,
    autoleap429Share: al.total === 0 ? 0 : round3(al.throttled / al.total),
    minimumByStage: stages,
    autoleap: al,
    autogms: ag,
    counts: outcome.report?.directions ?? null,
    verification: outcome.report?.verification ?? null
  }
}

const runScenario = async (scenario, config, workRoot) => {
  const customers = Number(args.customers ?? customersFor(config.tier, config.windowMs))
  const { generateDataset } = await importDist(root, "sim/fixtures/generate.js")
  const dataset = generateDataset({ customers, seed: SEED })
  const world = await startWorld({ root, dataset, windowMs: config.windowMs, autogmsLimit: config.tier })
  const work = join(workRoot, `${scenario}-${config.tier}@${config.windowMs}`)
  mkdirSync(work, { recursive: true })
  try {
    if (scenario !== "sync") {
      const [from, to] = scenario.split("-")
      await documentedFromNow(world)
      const outcome = await shopbridge(world, work, ["migrate", "--from", from, "--to", to], "documented")
      return figuresOf({ scenario, config, customers, world, outcome, stages: migrationMinimum(dataset, outcome.actions, from, to) })
    }
    // Set-up, limits raised: the migration, the first sync (both sides whole: autoGMS's own records go to AutoLeap),
    // a second that reads the first one's writes back as echoes, then sentinel edits and a sync that moves every cursor
    // past the set-up's writes by more than the overlap. What is left for the measured sync is the edits (and the
    // sentinels' echoes).
    world.limits("raised")
    const overlapS = overlapSeconds(config.windowMs)
    const overlap = ["--overlap", `${overlapS}s`]
    await shopbridge(world, work, ["migrate", "--from", "autoleap", "--to", "autogms"], "raised")
    await shopbridge(world, work, ["sync", ...overlap], "raised")
    await shopbridge(world, work, ["sync", ...overlap], "raised")
    await sleep(overlapS * 1000 + 500)
    const edits = pickEdits(dataset)
    for (const system of ["autoleap", "autogms"]) {
      for (const entity of ["customers", "vehicles"]) edit(world, system, entity, edits[system].sentinels[entity], "bench sentinel")
    }
    await shopbridge(world, work, ["sync", ...overlap], "raised")
    for (const system of ["autoleap", "autogms"]) {
      for (const entity of ["customers", "vehicles"]) edits[system][entity].forEach((r, i) => edit(world, system, entity, r, `bench edit ${i}`))
    }
    await documentedFromNow(world)
    const outcome = await shopbridge(world, work, ["sync", ...overlap], "documented")
    return { ...figuresOf({ scenario, config, customers, world, outcome, stages: syncMinimum(edits, outcome.actions) }), echoes: outcome.report?.sync?.echoes ?? null }
  } finally {
    await world.close()
    if (!args.keep) rmSync(work, { recursive: true, force: true })
  }
}

const main = async () => {
  const workRoot = join(tmpdir(), "shopbridge-floor", `work-${process.pid}`)
  const results = []
  for (const config of configs) {
    for (const scenario of scenarios) {
      log(`floor: ${scenario}, autoGMS ${config.tier}/min (${AUTOGMS_TIERS[config.tier]}), minute = ${config.windowMs} ms …`)
      const r = await runScenario(scenario, config, workRoot)
      const p = r.phases
      log(`  ${r.requestsMade} requests (minimum ${r.requestsMinimum}), wall ${r.wallS} s (floor ${r.floorS} s), 429: autoGMS ${r.autogms429}, AutoLeap ${r.autoleap429}`)
      log(`  start-up ${p.startupS} s, reading ${p.readingS} s (floor ${p.readingFloorS}), writing ${p.writingS} s (floor ${p.writingFloorS}), after ${p.afterS} s`)
      recordBenchResult("floor", `${scenario}-${config.tier}@${config.windowMs}`, r)
      results.push(r)
    }
  }
  if (!args.keep) rmSync(workRoot, { recursive: true, force: true })

  const mark = (ok) => (ok ? "" : " ✗")
  const configLabel = (r) => `${r.autogmsTier}/min, ${r.windowMs / 1000} s`
  log("\nrate-limit floor at the documented limits (targets: requests ≤ 1.05, wall ≤ 1.1, no autoGMS 429, AutoLeap 429 < 1%)")
  log(
    table(
      ["scenario", "autoGMS tier, minute", "customers/side", "requests", "minimum", "requests ÷ min", "wall s", "floor s", "wall ÷ floor", "requests span ÷ floor", "429 autoGMS", "429 AutoLeap"],
      results.map((r) => [
        r.scenario,
        configLabel(r),
        r.customersPerSide,
        r.requestsMade,
        r.requestsMinimum,
        `${r.requestsRatio.toFixed(3)}${mark(r.requestsRatio <= 1.05)}`,
        r.wallS.toFixed(1),
        r.floorS.toFixed(1),
        `${r.wallRatio.toFixed(3)}${mark(r.wallRatio <= 1.1)}`,
        r.requestSpanRatio.toFixed(3),
        `${r.autogms429}${mark(r.autogms429 === 0)}`,
        `${r.autoleap429} (${(r.autoleap429Share * 100).toFixed(1)}%)${mark(r.autoleap429Share < 0.01)}`
      ])
    )
  )
  log("\nwhere the wall time went, s (floor in brackets)")
  log(
    table(
      ["scenario", "autoGMS tier, minute", "start-up", "reading + plan", "writing", "after the last request"],
      results.map((r) => [
        r.scenario,
        configLabel(r),
        r.phases.startupS.toFixed(1),
        `${r.phases.readingS.toFixed(1)} (${r.phases.readingFloorS.toFixed(1)})`,
        `${r.phases.writingS.toFixed(1)} (${r.phases.writingFloorS.toFixed(1)})`,
        r.phases.afterS.toFixed(1)
      ])
    )
  )
}

await main()
