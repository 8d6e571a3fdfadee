// The scale benchmark for one size (issue 10): migrates SIZE source records (customers + 1.5 vehicles each) in each
// direction, dry run and real run, against the simulators with their limits raised, and prints per run: peak RSS, wall
// time, records/s, CPU ms per record and the state.db size, and the CPU the simulators spent serving the run (when it
// is near the wall time, the simulators, not shopbridge, set the pace).
//
//   node bench/scale.mjs --size 10000 [--root DIR] [--only autoleap-autogms-dry,...] [--timeout-s N]
//                                [--result FILE] [--keep] [--with-sync]
//
// --with-sync (issue 12, sync at size): after the autoGMS → AutoLeap real run, on its simulators and state file, four
// `sync` runs, each measured like a migration and with the data requests each side answered: the first (it reads both
// sides whole and sets the cursors), the next (it reads back what the first wrote), one with nothing to do, and one
// after 1% of the linked customers and vehicles were edited in the apps (half in each), through the simulators' own
// edit hooks.
//
// Every figure is the CLI's own: each run is a fresh `node dist/cli/bin.js migrate` child, measured from inside by
// measure.mjs (NODE_OPTIONS=--import), while the simulators run in yet another process (sandbox.mjs). Runs are strictly
// one after another: the figures must not share the machine with each other.
//
// --root is the tree whose dist/ is measured (default: this repository), so a copy of an older commit can be measured
// with this script. Figures are merged into runs/bench/<date>.json of this repository (under "scale", one entry per size).
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { once } from "node:events"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { cpus, tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { createRequire } from "node:module"
import { fileURLToPath, pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import { recordBenchResult } from "./results.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(here, "..")

const VEHICLES_PER_CUSTOMER = 1.5
const SEED = 42
const RATE_LIMIT = 1_000_000
const MB = 1024 * 1024
/** The simulators hold both sides in memory: at 250,000 records a side, more than node's default heap allows. */
const SANDBOX_HEAP_MB = 8192

const ALL_RUNS = [
  { from: "autoleap", to: "autogms", dryRun: true },
  { from: "autoleap", to: "autogms", dryRun: false },
  { from: "autogms", to: "autoleap", dryRun: true },
  { from: "autogms", to: "autoleap", dryRun: false }
]
const runName = (run) => `${run.from}-${run.to}-${run.dryRun ? "dry" : "real"}`

const fail = (message) => {
  process.stderr.write(`scale: ${message}\n`)
  process.exit(2)
}

const { values: args } = parseArgs({
  options: {
    size: { type: "string" },
    root: { type: "string" },
    only: { type: "string" },
    "timeout-s": { type: "string" },
    result: { type: "string" },
    keep: { type: "boolean", default: false },
    "with-sync": { type: "boolean", default: false }
  },
  strict: true
})

const size = Number(args.size)
if (!Number.isInteger(size) || size <= 0) fail("--size N is required: source records (customers + vehicles)")
// The generator makes round(customers × 1.5) vehicles per side: the size must split exactly into customers + vehicles.
const customers = size / (1 + VEHICLES_PER_CUSTOMER)
if (!Number.isInteger(customers)) fail(`--size ${size} is not customers × 2.5 for a whole number of customers`)
const root = resolve(args.root ?? repoRoot)
if (!existsSync(join(root, "dist", "cli", "bin.js"))) fail(`${root}/dist/cli/bin.js is missing: build first (npx tsc -p tsconfig.build.json)`)
const timeoutMs = Number(args["timeout-s"] ?? Math.max(600, size / 100)) * 1000
const runs = args.only === undefined ? ALL_RUNS : args.only.split(",").map((name) => ALL_RUNS.find((r) => runName(r) === name.trim()) ?? fail(`unknown run "${name}" (known: ${ALL_RUNS.map(runName).join(", ")})`))

const log = (line) => process.stdout.write(`${line}\n`)

/** Waits for a child to end; `timeoutMs` asks it to stop (SIGINT: the CLI marks its run interrupted), then kills it. */
const waitFor = async (child, timeoutMs) => {
  let timedOut = false
  const timers = []
  if (timeoutMs !== undefined) {
    timers.push(
      setTimeout(() => {
        timedOut = true
        child.kill("SIGINT")
        timers.push(setTimeout(() => child.kill("SIGKILL"), 30_000))
      }, timeoutMs)
    )
  }
  const [code, signal] = child.exitCode !== null || child.signalCode !== null ? [child.exitCode, child.signalCode] : await once(child, "exit")
  for (const t of timers) clearTimeout(t)
  return { code, signal, timedOut }
}

/**
 * The dataset for this size, generated once by the measured tree's own generator and kept in the temp dir: keyed by
 * the generator's code, so a changed generator never serves a stale dataset.
 */
const dataset = async () => {
  const generator = join(root, "dist", "sim", "fixtures", "generateCli.js")
  const code = readFileSync(join(root, "dist", "sim", "fixtures", "generate.js"))
  const key = createHash("sha1").update(code).digest("hex").slice(0, 10)
  const dir = join(tmpdir(), "shopbridge-scale", `data-${customers}-seed${SEED}-${key}`)
  // Written last, so a generation that was cut short is never taken for a dataset.
  const complete = join(dir, ".complete")
  if (existsSync(complete)) return dir
  log(`generating ${customers} customers + ${customers * VEHICLES_PER_CUSTOMER} vehicles per side into ${dir}`)
  rmSync(dir, { recursive: true, force: true })
  const child = spawn(process.execPath, [`--max-old-space-size=${SANDBOX_HEAP_MB}`, generator, "--customers", String(customers), "--seed", String(SEED), "--out", dir], {
    stdio: ["ignore", "inherit", "inherit"]
  })
  const { code: exitCode } = await waitFor(child)
  if (exitCode !== 0) fail(`the generator exited ${exitCode}`)
  writeFileSync(complete, "")
  return dir
}

/**
 * Starts sandbox.mjs on the dataset and resolves with the environment it prints; `stop` ends it and resolves with the
 * CPU it spent serving (after seeding) and its peak RSS: when the simulators are the bottleneck, wall time says so.
 */
const startSandbox = async (seedDir) => {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${SANDBOX_HEAP_MB}`, join(here, "sandbox.mjs"), "--root", root, "--seed", seedDir, "--rate-limit", String(RATE_LIMIT)],
    { stdio: ["pipe", "pipe", "inherit"] }
  )
  let buffered = ""
  const lines = []
  const ready = new Promise((resolvePromise, reject) => {
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk) => {
      buffered += chunk
      for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
        lines.push(JSON.parse(buffered.slice(0, newline)))
        buffered = buffered.slice(newline + 1)
      }
      if (lines.length > 0) resolvePromise(lines[0])
    })
    child.on("exit", (code) => reject(new Error(`the sandbox exited ${code} before it was ready`)))
  })
  const { env, rssBytes, cpuMs: seedCpuMs } = await ready
  const stop = async () => {
    child.kill("SIGTERM")
    await waitFor(child, 30_000)
    const last = lines.length > 1 ? lines[lines.length - 1] : undefined
    return { servingCpuMs: last === undefined ? null : last.cpuMs - seedCpuMs, peakRssBytes: last?.maxRssBytes ?? null }
  }
  return { env, rssBytes, stop }
}

/** measure.mjs's samples: the final line when the CLI exited on its own, else the last sample before it was killed. */
const readMeasurements = (file) => {
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l.length > 0) : []
  const samples = lines.map((l) => JSON.parse(l))
  if (samples.length === 0) return null
  const last = samples[samples.length - 1]
  // A timeline of at most ~40 points: enough to see whether RSS levels off or keeps climbing.
  const step = Math.max(1, Math.ceil(samples.length / 40))
  const timeline = samples.filter((_, i) => i % step === 0 || i === samples.length - 1).map((s) => [Math.round(s.wallMs / 1000), Math.round(s.rssBytes / MB)])
  return {
    final: last.final === true,
    wallMs: last.wallMs,
    // ru_maxrss and the current RSS are read from different kernel counters; the larger is the honest peak.
    peakRssBytes: Math.max(...samples.map((s) => Math.max(s.maxRssBytes, s.rssBytes))),
    cpuMs: last.cpuMs,
    userCpuMs: last.userCpuMs,
    systemCpuMs: last.systemCpuMs,
    rssTimelineSecMb: timeline
  }
}

const fileSize = (path) => (existsSync(path) ? statSync(path).size : 0)

/** The run's report.json (runs-dir/<runId>/report.json), or null when the run never wrote one. */
const readReport = (runsDir) => {
  const ids = existsSync(runsDir) ? readdirSync(runsDir).filter((id) => existsSync(join(runsDir, id, "report.json"))) : []
  if (ids.length !== 1) return null
  return JSON.parse(readFileSync(join(runsDir, ids[0], "report.json"), "utf8"))
}

/** Source records the run handled: customers + vehicles read, from the report's per-entity counts. */
const recordsOf = (report, run) => {
  const direction = report?.directions?.find((d) => d.from === run.from && d.to === run.to)
  if (direction === undefined) return null
  return ["customers", "vehicles"].reduce((n, entity) => n + (direction.entities[entity]?.read ?? 0), 0)
}

// The caller's AUTOLEAP_* / AUTOGMS_* settings (or a .env) must not leak in: the sandbox's are the whole configuration.
const inheritedEnv = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AUTOLEAP_|AUTOGMS_|NODE_OPTIONS$)/.test(name)))

/** One CLI command as a process of its own, measured from inside by measure.mjs (samples in `<name>.measure.ndjson`). */
const measureCli = async (name, cliArgs, work, sandboxEnv) => {
  const measureFile = join(work, `${name}.measure.ndjson`)
  const started = performance.now()
  // The bin itself, as `npx shopbridge` runs it: its shebang carries the CLI's V8 flags.
  const child = spawn(join(root, "dist", "cli", "bin.js"), cliArgs, {
    // Its own working directory: no .env of this repository is read.
    cwd: work,
    env: { ...inheritedEnv(), ...sandboxEnv, NODE_OPTIONS: `--import=${pathToFileURL(join(here, "measure.mjs")).href}`, SCALE_MEASURE_FILE: measureFile },
    stdio: ["ignore", "pipe", "pipe"]
  })
  // Kept for a failed run's message; the CLI's progress lines are not part of the figures.
  let stderr = ""
  child.stdout.resume()
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)))
  const outcome = { ...(await waitFor(child, timeoutMs)), stderr }
  return { outcome, measured: readMeasurements(measureFile), externalWallMs: Math.round(performance.now() - started) }
}

/** The figures every measured command reports, from how it ended, what measure.mjs saw and the records it handled. */
const figuresOf = ({ outcome, measured, externalWallMs }, counted) => {
  const completed = outcome.code === 0 || outcome.code === 1
  // An interrupted run's report counts nothing read: records and the rates derived from them exist only for a finished
  // run, and the rates only when it read something (a quiet sync reads nothing).
  const records = completed ? counted : null
  const perRecord = records !== null && records > 0
  const wallMs = measured?.wallMs ?? externalWallMs
  return {
    exitCode: outcome.code,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    completed,
    records,
    peakRssMb: measured === null ? null : round1(measured.peakRssBytes / MB),
    wallS: round1(wallMs / 1000),
    externalWallS: round1(externalWallMs / 1000),
    recordsPerS: perRecord ? Math.round(records / (wallMs / 1000)) : null,
    cpuMs: measured?.cpuMs ?? null,
    cpuMsPerRecord: perRecord && measured !== null ? round3(measured.cpuMs / records) : null,
    rssTimelineSecMb: measured?.rssTimelineSecMb ?? [],
    stderrTail: completed ? "" : outcome.stderr.slice(-1000)
  }
}

/** A simulator's test hook (under /__sim of its origin): stats, their reset, and edits made as a user of its app. */
const simHook = async (baseUrl, method, path, body) => {
  const response = await fetch(`${new URL(baseUrl).origin}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  if (!response.ok) throw new Error(`${method} /__sim${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

/** Requests that read or write customers and vehicles (not logins, token refreshes or the credential check). */
const dataRequests = (stats) => Object.entries(stats.byEndpoint).reduce((n, [endpoint, count]) => n + (/\/(customers|vehicles)/.test(endpoint) ? count : 0), 0)

/** Edits 1% of the links of each entity (every 100th), alternately in AutoLeap's app and in autoGMS's. */
const editOnePercent = async (sandboxEnv, stateFile) => {
  const require = createRequire(join(root, "package.json"))
  const Database = require("better-sqlite3")
  const db = new Database(stateFile, { readonly: true })
  let edited = 0
  try {
    for (const entity of ["customers", "vehicles"]) {
      const links = db.prepare("SELECT autoleap_id, autogms_id FROM links WHERE entity = ? AND id % 100 = 0 ORDER BY id").all(entity)
      for (const [i, link] of links.entries()) {
        const notes = `edited for the sync benchmark (${i})`
        if (i % 2 === 0) await simHook(sandboxEnv.AUTOLEAP_BASE_URL, "POST", `/edit/${entity}/${link.autoleap_id}`, { notes })
        else await simHook(sandboxEnv.AUTOGMS_BASE_URL, "POST", `/edit/${entity}/${link.autogms_id}`, { notes })
        edited++
      }
    }
  } finally {
    db.close()
  }
  return edited
}

/** Source records a sync read: customers + vehicles over both directions of its report. */
const syncRecordsOf = (report) => report?.directions?.reduce((n, d) => n + ["customers", "vehicles"].reduce((m, e) => m + (d.entities[e]?.read ?? 0), 0), 0) ?? null

/**
 * A shop's syncs run minutes apart and read from each cursor minus a 2-minute overlap; the benchmark's run seconds
 * apart, so with the default overlap every record the step before wrote would be read again only for being recent. The
 * overlap is shortened instead, and each sync waits it out.
 */
const SYNC_OVERLAP_S = 5

/** --with-sync: the four syncs on the simulators and state file a real migration left. */
const measureSyncs = async (sandbox, work) => {
  const results = []
  const steps = [
    { name: "sync-first", before: async () => 0 },
    // What the first sync wrote is newer than its cursors: the next one reads those records back once, as echoes.
    { name: "sync-echoes", before: async () => 0 },
    { name: "sync-idle", before: async () => 0 },
    { name: "sync-1pct", before: () => editOnePercent(sandbox.env, join(work, "state.db")) }
  ]
  for (const step of steps) {
    await new Promise((resolveWait) => setTimeout(resolveWait, (SYNC_OVERLAP_S + 1) * 1000))
    const edited = await step.before()
    await Promise.all([simHook(sandbox.env.AUTOLEAP_BASE_URL, "POST", "/stats/reset"), simHook(sandbox.env.AUTOGMS_BASE_URL, "POST", "/stats/reset")])
    const runsDir = join(work, `${step.name}-runs`)
    mkdirSync(runsDir, { recursive: true })
    log(`scale ${size}: ${step.name} …`)
    const measured = await measureCli(step.name, ["sync", "--overlap", `${SYNC_OVERLAP_S}s`, "--state", join(work, "state.db"), "--runs-dir", runsDir], work, sandbox.env)
    const [autoleap, autogms] = await Promise.all([simHook(sandbox.env.AUTOLEAP_BASE_URL, "GET", "/stats"), simHook(sandbox.env.AUTOGMS_BASE_URL, "GET", "/stats")])
    const result = {
      run: step.name,
      edited,
      ...figuresOf(measured, syncRecordsOf(readReport(runsDir))),
      requests: { autoleap: { total: autoleap.total, data: dataRequests(autoleap) }, autogms: { total: autogms.total, data: dataRequests(autogms) } }
    }
    log(`  exit ${result.exitCode ?? result.signal}, peak RSS ${result.peakRssMb} MB, wall ${result.wallS} s, data requests AutoLeap ${result.requests.autoleap.data}, autoGMS ${result.requests.autogms.data}`)
    results.push(result)
  }
  return results
}

const measureRun = async (run, seedDir, workRoot) => {
  const work = join(workRoot, runName(run))
  mkdirSync(join(work, "runs"), { recursive: true })
  // A fresh simulator per run: a real run starts from both sides as generated, whatever the run before it did.
  const sandbox = await startSandbox(seedDir)
  const cliArgs = ["migrate", "--from", run.from, "--to", run.to, ...(run.dryRun ? ["--dry-run"] : []), "--state", join(work, "state.db"), "--runs-dir", join(work, "runs")]
  let measured
  let simulators
  let syncs = []
  try {
    measured = await measureCli("migrate", cliArgs, work, sandbox.env)
    const migrated = measured.outcome.code === 0 || measured.outcome.code === 1
    if (args["with-sync"] && migrated && run.from === "autogms" && !run.dryRun) syncs = await measureSyncs(sandbox, work)
  } finally {
    simulators = await sandbox.stop()
  }
  const report = readReport(join(work, "runs"))
  const stateBytes = fileSize(join(work, "state.db")) + fileSize(join(work, "state.db-wal"))
  const result = {
    run: runName(run),
    from: run.from,
    to: run.to,
    dryRun: run.dryRun,
    ...figuresOf(measured, recordsOf(report, run)),
    status: report?.status ?? null,
    counts: report?.directions ?? null,
    stateDbMb: round1(stateBytes / MB),
    sandboxRssMb: Math.round(sandbox.rssBytes / MB),
    sandboxPeakRssMb: simulators.peakRssBytes === null ? null : Math.round(simulators.peakRssBytes / MB),
    simulatorCpuS: simulators.servingCpuMs === null ? null : round1(simulators.servingCpuMs / 1000),
    syncs
  }
  if (!args.keep) rmSync(work, { recursive: true, force: true })
  return result
}

const round1 = (n) => Math.round(n * 10) / 10
const round3 = (n) => Math.round(n * 1000) / 1000

/** A Markdown table: the first `left` columns aligned left (names), the rest right (figures). */
const markdownTable = (header, rows, left) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (row) => `| ${row.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`
  return [line(header), `|${widths.map((w, i) => (i < left ? ` ${"-".repeat(w)} ` : ` ${"-".repeat(w - 1)}: `)).join("|")}|`, ...rows.map(line)].join("\n")
}
const cell = (v) => (v === null || v === undefined ? "—" : String(v))

const table = (results) =>
  markdownTable(
    ["direction", "run", "exit", "records", "peak RSS MB", "wall s", "records/s", "CPU ms/record", "state.db MB", "sim CPU s"],
    results.map((r) => [
      `${r.from} → ${r.to}`,
      r.dryRun ? "dry" : "real",
      r.timedOut ? `timeout (${cell(r.exitCode ?? r.signal)})` : cell(r.exitCode ?? r.signal),
      cell(r.records),
      cell(r.peakRssMb),
      cell(r.wallS),
      cell(r.recordsPerS),
      cell(r.cpuMsPerRecord),
      cell(r.stateDbMb),
      cell(r.simulatorCpuS)
    ]),
    2
  )

const syncTable = (syncs) =>
  markdownTable(
    ["sync", "records edited", "exit", "records read", "peak RSS MB", "wall s", "CPU ms/record", "AutoLeap data req.", "autoGMS data req."],
    syncs.map((r) => [r.run, cell(r.edited), cell(r.exitCode ?? r.signal), cell(r.records), cell(r.peakRssMb), cell(r.wallS), cell(r.cpuMsPerRecord), cell(r.requests.autoleap.data), cell(r.requests.autogms.data)]),
    1
  )

const main = async () => {
  const seedDir = await dataset()
  const workRoot = join(tmpdir(), "shopbridge-scale", `work-${size}-${process.pid}`)
  const results = []
  for (const run of runs) {
    log(`scale ${size}: ${runName(run)} …`)
    const result = await measureRun(run, seedDir, workRoot)
    log(`  exit ${result.exitCode ?? result.signal}${result.timedOut ? " (timed out)" : ""}, ${result.records ?? "?"} records, peak RSS ${result.peakRssMb} MB, wall ${result.wallS} s`)
    if (!result.completed) {
      log(`  RSS over time [s, MB]: ${JSON.stringify(result.rssTimelineSecMb)}`)
      if (result.stderrTail !== "") log(`  stderr: ${result.stderrTail.trim().split("\n").slice(-5).join("\n          ")}`)
    }
    results.push(result)
  }
  if (!args.keep) rmSync(workRoot, { recursive: true, force: true })

  const customersVehicles = `${customers.toLocaleString("en-US")} customers + ${(customers * VEHICLES_PER_CUSTOMER).toLocaleString("en-US")} vehicles`
  log(`\nscale benchmark: ${size.toLocaleString("en-US")} source records (${customersVehicles}), limits ${RATE_LIMIT.toLocaleString("en-US")}/min`)
  log(table(results))
  const syncs = results.flatMap((r) => r.syncs)
  if (syncs.length > 0) {
    log(`\nsync at size, after the autoGMS → AutoLeap migration (data requests: reads and writes of customers and vehicles)`)
    log(syncTable(syncs))
  }

  const entry = {
    size,
    customers,
    vehicles: customers * VEHICLES_PER_CUSTOMER,
    measuredAt: new Date().toISOString(),
    root,
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    timeoutS: timeoutMs / 1000,
    runs: results
  }
  const outFile = recordBenchResult("scale", String(size), entry)
  log(`figures: ${outFile}`)
  if (args.result !== undefined) writeFileSync(args.result, `${JSON.stringify(entry, null, 2)}\n`)
}

await main()
