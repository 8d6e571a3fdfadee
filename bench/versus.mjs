// shopbridge against the naive way (issue 12, item 3): both migrate the same generated data, each on fresh simulators
// at the documented limits with the same shortened minute, and each loses the answer to one write the target applied
// (the LOSE_NTH-th write it answered 2xx; a login counts). Printed per direction, with each figure of shopbridge as a
// ratio to the naive run's: wall time, requests made (both APIs, as the simulators logged them) and duplicates on the
// target afterwards, counted from outside by natural keys (below): records the run created twice, and second copies of
// records the target already held.
//
//   node bench/versus.mjs [--window-ms 3000] [--tier 60] [--customers 1000] [--only autoleap-autogms,autogms-autoleap]
//                         [--root DIR]
//
// Natural keys, on the target's own records: a customer by email, else phone digits (the last 10), else name; a
// vehicle by VIN, else plate and region, else owner, make, model and year. Figures go to runs/bench/<date>.json under
// "versus", one entry per direction.
import { mkdirSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { recordBenchResult } from "./results.mjs"
import { AUTOGMS_TIERS, importDist, requestsSeen, round2, round3, runChild, runShopbridge, startWorld, table } from "./scaledWorld.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const SEED = 7
/** Late enough that both programs are writing records, early enough to be a customer. */
const LOSE_NTH = 10
const DIRECTIONS = ["autoleap-autogms", "autogms-autoleap"]

const { values: args } = parseArgs({
  options: {
    "window-ms": { type: "string", default: "3000" },
    tier: { type: "string", default: "60" },
    customers: { type: "string", default: "1000" },
    only: { type: "string" },
    root: { type: "string" }
  },
  strict: true
})
const fail = (message) => {
  process.stderr.write(`versus: ${message}\n`)
  process.exit(2)
}
const windowMs = Number(args["window-ms"])
const tier = Number(args.tier)
const customers = Number(args.customers)
if (AUTOGMS_TIERS[tier] === undefined) fail(`--tier: ${tier} is not a documented autoGMS tier`)
const directions = args.only === undefined ? DIRECTIONS : args.only.split(",").map((d) => d.trim())
for (const d of directions) if (!DIRECTIONS.includes(d)) fail(`--only: unknown direction "${d}"`)
const root = resolve(args.root ?? join(here, ".."))
const log = (line) => process.stdout.write(`${line}\n`)

const lower = (s) => (typeof s === "string" ? s.trim().toLowerCase() : "")
const digits = (s) => (typeof s === "string" ? s.replace(/\D/g, "").slice(-10) : "")
const primary = (list) => (list ?? []).find((x) => x.primary) ?? (list ?? [])[0]

const customerKey = {
  autogms: (c) => (lower(c.email) !== "" ? `e:${lower(c.email)}` : digits(c.phone) !== "" ? `p:${digits(c.phone)}` : `n:${lower(`${c.firstName ?? ""} ${c.lastName ?? ""} ${c.businessName ?? ""}`)}`),
  autoleap: (c) => {
    const email = lower(primary(c.emails)?.emailAddress)
    const phone = digits(primary(c.phones)?.number)
    return email !== "" ? `e:${email}` : phone !== "" ? `p:${phone}` : `n:${lower(`${c.firstName ?? ""} ${c.lastName ?? ""} ${c.companyName ?? ""}`)}`
  }
}
const vehicleKey = {
  autogms: (v) => (lower(v.vin) !== "" ? `v:${lower(v.vin)}` : lower(v.licensePlate) !== "" ? `p:${lower(v.licensePlate)}|${lower(v.plateRegion)}` : `o:${v.customerId}|${lower(v.make)}|${lower(v.model)}|${v.year}`),
  autoleap: (v) => (lower(v.vin) !== "" ? `v:${lower(v.vin)}` : lower(v.licensePlate) !== "" ? `p:${lower(v.licensePlate)}|${lower(v.state)}` : `o:${v.customerId}|${lower(v.make)}|${lower(v.model)}|${v.year}`)
}

/** How many records hold each natural key. */
const keyCounts = (records, keyOf) => {
  const counts = new Map()
  for (const r of records) counts.set(keyOf(r), (counts.get(keyOf(r)) ?? 0) + 1)
  return counts
}

/** The target's records per entity, by natural key. */
const census = (world, system) => {
  const dump = world.sandbox[system].dump()
  return { customers: keyCounts(dump.customers, customerKey[system]), vehicles: keyCounts(dump.vehicles, vehicleKey[system]) }
}

/**
 * What a run added to one entity of the target: records, and duplicates of two kinds: another copy of a record the
 * target already held (nothing was matched), and more copies of a source record than the source holds (a lost answer
 * sent again; records the source itself holds twice are carried over as they are, not counted).
 */
const added = (before, after, source) => {
  let records = 0
  let copiesOfExisting = 0
  let createdTwice = 0
  for (const [key, n] of after) {
    const had = before.get(key) ?? 0
    records += n - had
    if (had > 0) copiesOfExisting += n - had
    else createdTwice += Math.max(0, n - Math.max(1, source.get(key) ?? 0))
  }
  return { records, copiesOfExisting, createdTwice }
}

/**
 * The target applies its LOSE_NTH-th write (2xx) and its answer is lost: the connection is cut after the write, as a
 * network does. Done by wrapping the simulator's own fault decision, so every other request is untouched.
 */
const loseOneAnswer = (sim) => {
  const decide = sim.faults.afterWrite.bind(sim.faults)
  let writes = 0
  sim.faults.afterWrite = () => (++writes === LOSE_NTH ? "lost-reset" : decide())
}

const runTool = async (tool, from, to, work) => {
  const { generateDataset } = await importDist(root, "sim/fixtures/generate.js")
  const dataset = generateDataset({ customers, seed: SEED })
  const source = { customers: keyCounts(dataset[from].customers, customerKey[from]), vehicles: keyCounts(dataset[from].vehicles, vehicleKey[from]) }
  const world = await startWorld({ root, dataset, windowMs, autogmsLimit: tier })
  try {
    const before = census(world, to)
    loseOneAnswer(world.sandbox[to])
    const dir = join(work, tool)
    mkdirSync(dir, { recursive: true })
    // A fresh minute on both simulators: nothing counted before the run.
    await sleep(windowMs + 100)
    const outcome =
      tool === "shopbridge"
        ? await runShopbridge({ root, args: ["migrate", "--from", from, "--to", to, "--state", join(dir, "state.db"), "--runs-dir", join(dir, "runs")], env: world.env("documented"), cwd: dir })
        : await runChild({
            command: process.execPath,
            args: [join(here, "naive.mjs"), "--from", from, "--to", to, "--sleep-on-429-ms", String(windowMs)],
            env: world.env("documented"),
            cwd: dir,
            timeoutMs: 1_800_000
          })
    if (outcome.code !== 0 && outcome.code !== 1) fail(`${tool} ${from} → ${to} exited ${outcome.code ?? outcome.signal}:\n${outcome.stderr.slice(-1500)}`)
    const after = census(world, to)
    const customers = added(before.customers, after.customers, source.customers)
    const vehicles = added(before.vehicles, after.vehicles, source.vehicles)
    const al = requestsSeen(world.sandbox.autoleap)
    const ag = requestsSeen(world.sandbox.autogms)
    const lastLine = outcome.stdout.trim().split("\n").pop() ?? ""
    return {
      tool,
      // Other work on the machine while this ran (1-minute load average at its end; the machine has 2 cores).
      loadAverage: round2(loadavg()[0]),
      exitCode: outcome.code,
      wallS: round2(outcome.wallMs / 1000),
      requests: al.total + ag.total,
      requestsAutoleap: al.total,
      requestsAutogms: ag.total,
      status429: al.throttled + ag.throttled,
      duplicates: customers.copiesOfExisting + customers.createdTwice + vehicles.copiesOfExisting + vehicles.createdTwice,
      createdTwice: customers.createdTwice + vehicles.createdTwice,
      copiesOfExisting: customers.copiesOfExisting + vehicles.copiesOfExisting,
      customers,
      vehicles,
      naive: tool === "naive" && lastLine.startsWith("{") ? JSON.parse(lastLine) : undefined
    }
  } finally {
    await world.close()
  }
}

/** shopbridge's figure over the naive one's; "—" when the naive one is 0. */
const ratio = (a, b) => (b === 0 ? null : round3(a / b))

const main = async () => {
  const work = join(tmpdir(), "shopbridge-versus", `work-${process.pid}`)
  const rows = []
  for (const direction of directions) {
    const [from, to] = direction.split("-")
    const runs = {}
    for (const tool of ["shopbridge", "naive"]) {
      log(`versus: ${tool} ${from} → ${to}, ${customers} customers a side, autoGMS ${tier}/min, minute = ${windowMs} ms …`)
      runs[tool] = await runTool(tool, from, to, join(work, direction))
      const r = runs[tool]
      log(`  wall ${r.wallS} s, ${r.requests} requests, ${r.status429} × 429, +${r.customers.records} customers / +${r.vehicles.records} vehicles, duplicates: ${r.createdTwice} created twice, ${r.copiesOfExisting} copies of records already there`)
      if (r.naive !== undefined) log(`  naive: ${JSON.stringify({ failed: r.naive.failed, vehiclesWithoutOwner: r.naive.vehiclesWithoutOwner, retries: r.naive.retries, sleptOn429: r.naive.sleptOn429 })}`)
    }
    const s = runs.shopbridge
    const n = runs.naive
    const entry = {
      direction,
      customersPerSide: customers,
      autogmsTier: tier,
      windowMs,
      loseNth: LOSE_NTH,
      ratios: { wall: ratio(s.wallS, n.wallS), requests: ratio(s.requests, n.requests), duplicates: ratio(s.duplicates, n.duplicates) },
      shopbridge: s,
      naive: n
    }
    recordBenchResult("versus", direction, entry)
    rows.push(entry)
  }
  rmSync(work, { recursive: true, force: true })

  const show = (v) => (v === null ? "—" : v.toFixed(3))
  log(`\nshopbridge vs the naive way: ${customers} customers a side (1.5 vehicles each), documented limits (autoGMS ${tier}/min), minute = ${windowMs} ms, the ${LOSE_NTH}th write's answer lost`)
  log(
    table(
      ["direction", "wall s shopbridge / naive", "wall ratio", "requests shopbridge / naive", "requests ratio", "duplicates shopbridge / naive (naive: created twice + copies)", "duplicates ratio", "429s shopbridge / naive"],
      rows.map((e) => [
        e.direction,
        `${e.shopbridge.wallS.toFixed(1)} / ${e.naive.wallS.toFixed(1)}`,
        show(e.ratios.wall),
        `${e.shopbridge.requests} / ${e.naive.requests}`,
        show(e.ratios.requests),
        `${e.shopbridge.duplicates} / ${e.naive.duplicates} (${e.naive.createdTwice} + ${e.naive.copiesOfExisting})`,
        show(e.ratios.duplicates),
        `${e.shopbridge.status429} / ${e.naive.status429}`
      ])
    )
  )
}

await main()
