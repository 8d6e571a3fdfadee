// Both simulators at the APIs' documented limits with their minute shortened (e.g. to 3 s), in this process, and the
// programs under test (shopbridge's CLI, the naive script) run against them as child processes, so their CPU is never
// the simulators' and their wall time is what a user would wait. Used by floor.mjs and versus.mjs.
import { spawn } from "node:child_process"
import { once } from "node:events"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

/** AutoLeap's documented per-minute limits per method class (contract/autoleap.md; PATCH assumed equal to PUT). */
export const AUTOLEAP_LIMITS = { GET: 150, POST: 50, PUT: 50, PATCH: 50, DELETE: 50 }
/** autoGMS's documented tiers, per key per minute, for every method at once (contract/autogms.md). */
export const AUTOGMS_TIERS = { 60: "Standard", 300: "Premium" }
/** Both APIs' largest page, and AutoLeap's largest bulk write. */
export const PAGE_SIZE = 100
export const BULK_SIZE = 100
/** "Out of the way": for the set-up runs that are not measured. */
const RAISED = 1_000_000

const limitsText = (limits) => Object.entries(limits).map(([method, n]) => `${method}=${n}`).join(",")

/** The built tree's modules (its dist/), so the simulators and generator are the ones the CLI was built with. */
export const importDist = (root, path) => import(pathToFileURL(join(root, "dist", path)).href)

/**
 * Starts both simulators seeded with `dataset`, their minute `windowMs` long, autoGMS's key on tier `autogmsLimit`.
 * `limits("documented" | "raised")` switches both simulators' limits; `env(...)` is what a client needs to reach them
 * with the same limits and the same minute.
 */
export const startWorld = async ({ root, dataset, windowMs, autogmsLimit }) => {
  const { startSandbox } = await importDist(root, "sim/sandbox.js")
  const sandbox = await startSandbox({ seed: dataset, rateWindowMs: windowMs })
  const apiKey = sandbox.env.AUTOGMS_API_KEY
  const budgets = (which) =>
    which === "documented"
      ? { autoleap: AUTOLEAP_LIMITS, autogms: autogmsLimit }
      : { autoleap: Object.fromEntries(Object.keys(AUTOLEAP_LIMITS).map((m) => [m, RAISED])), autogms: RAISED }

  const limits = (which) => {
    const b = budgets(which)
    sandbox.autoleap.configure({ rateLimits: b.autoleap })
    sandbox.autogms.configure({ ratePerMinute: { [apiKey]: b.autogms }, resetRateLimits: true })
  }
  const env = (which) => {
    const b = budgets(which)
    return {
      ...sandbox.env,
      AUTOLEAP_RATE_LIMITS: limitsText(b.autoleap),
      AUTOGMS_RATE_LIMIT: String(b.autogms),
      SHOPBRIDGE_RATE_WINDOW_MS: String(windowMs)
    }
  }
  limits("documented")
  return { sandbox, windowMs, autogmsLimit, limits, env, close: () => sandbox.close() }
}

/** The caller's own AUTOLEAP_* / AUTOGMS_* / SHOPBRIDGE_* settings must not leak into a measured child. */
const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AUTOLEAP_|AUTOGMS_|SHOPBRIDGE_|NODE_OPTIONS$)/.test(name)))

/**
 * Runs a program to its end and resolves with its exit code, wall time and the tail of its stderr. `cwd` is its own
 * folder: no .env of this repository is read. A run past `timeoutMs` is asked to stop (SIGINT), then killed.
 */
export const runChild = async ({ command, args, env, cwd, timeoutMs }) => {
  const started = performance.now()
  const child = spawn(command, args, { cwd, env: { ...cleanEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"] })
  let stderr = ""
  let stdout = ""
  child.stdout.setEncoding("utf8")
  child.stdout.on("data", (chunk) => (stdout = (stdout + chunk).slice(-4000)))
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)))
  let timedOut = false
  const timers = [
    setTimeout(() => {
      timedOut = true
      child.kill("SIGINT")
      timers.push(setTimeout(() => child.kill("SIGKILL"), 30_000))
    }, timeoutMs)
  ]
  const [code, signal] = await once(child, "exit")
  for (const t of timers) clearTimeout(t)
  return { code, signal, timedOut, wallMs: performance.now() - started, stdout, stderr }
}

/** `shopbridge <args>` as npx runs it (the bin, whose shebang carries the CLI's V8 flags), on `state` and `runsDir`. */
export const runShopbridge = ({ root, args, env, cwd, timeoutMs = 900_000 }) =>
  runChild({ command: join(root, "dist", "cli", "bin.js"), args, env, cwd, timeoutMs })

/** The newest run's folder in `runsDir` (run ids sort by time), or null. */
const latestRunDir = (runsDir) => {
  const ids = existsSync(runsDir) ? readdirSync(runsDir).filter((id) => existsSync(join(runsDir, id, "report.json"))).sort() : []
  const last = ids[ids.length - 1]
  return last === undefined ? null : join(runsDir, last)
}

/** The newest run's report.json and actions.csv rows, or nulls. */
export const latestRun = (runsDir) => {
  const dir = latestRunDir(runsDir)
  if (dir === null) return { report: null, actions: null }
  const actionsFile = join(dir, "actions.csv")
  return {
    report: JSON.parse(readFileSync(join(dir, "report.json"), "utf8")),
    actions: existsSync(actionsFile) ? readCsv(readFileSync(actionsFile, "utf8")) : null
  }
}

/**
 * What a simulator saw since its stats were last reset: requests by method class and status. 429s are counted from
 * its request log; the most requests of a method class in any rolling window of the shortened minute shows whether a
 * limit was ever exceeded.
 */
export const requestsSeen = (sim) => {
  const s = sim.stats()
  return {
    total: s.total,
    byMethod: s.byMethod,
    byEndpoint: s.byEndpoint,
    throttled: s.throttled,
    maxPerWindowByMethod: s.maxPerRollingMinuteByMethod,
    maxPerWindow: s.maxPerRollingMinute
  }
}

/** Data writes among a simulator's requests so far (not reads, not AutoLeap's login and logout). */
const writesIn = (stats) =>
  Object.entries(stats.byEndpoint).reduce((n, [endpoint, count]) => (endpoint.startsWith("GET ") || endpoint.includes("/partners/") ? n : n + count), 0)

/**
 * Samples both simulators' request counts every `everyMs` while a program runs, and tells where its wall time went:
 * before its first request (start-up, opening the state), reading (first request → first write: the reads and the
 * plan), writing (first write → last request) and after its last request (verification, report, exit).
 */
export const sampleRequests = (world, everyMs = 100) => {
  const started = performance.now()
  const samples = []
  const take = () => {
    const al = world.sandbox.autoleap.stats()
    const ag = world.sandbox.autogms.stats()
    samples.push({ ms: Math.round(performance.now() - started), requests: al.total + ag.total, writes: writesIn(al) + writesIn(ag) })
  }
  const timer = setInterval(take, everyMs)
  return {
    stop: () => {
      clearInterval(timer)
      take()
      const last = samples[samples.length - 1]
      const firstAt = (matches) => samples.find(matches)?.ms ?? null
      return {
        firstRequestMs: firstAt((s) => s.requests > 0),
        firstWriteMs: firstAt((s) => s.writes > 0),
        lastRequestMs: firstAt((s) => s.requests === last.requests),
        samples
      }
    }
  }
}

/** Reads a CSV file's rows as objects (RFC 4180: quoted fields may hold commas, quotes and newlines). */
export const readCsv = (text) => {
  const rows = []
  let row = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ",") row.push(field), (field = "")
    else if (c === "\n") row.push(field), rows.push(row), (row = []), (field = "")
    else if (c !== "\r") field += c
  }
  if (field !== "" || row.length > 0) row.push(field), rows.push(row)
  const [header = [], ...body] = rows
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])))
}

/** `ceil(n / 100)` list calls read n records, and one call is needed to learn there are none. */
export const pages = (n) => Math.max(1, Math.ceil(n / PAGE_SIZE))
/** Bulk calls for n items: none when there are none. */
export const bulkCalls = (n) => Math.ceil(n / BULK_SIZE)

export const round2 = (n) => Math.round(n * 100) / 100
export const round3 = (n) => Math.round(n * 1000) / 1000

/** A Markdown table, numbers right-aligned. */
export const table = (header, rows) => {
  const cell = (v) => (v === null || v === undefined ? "—" : String(v))
  const text = rows.map((row) => row.map(cell))
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((row) => row[i].length)))
  const numeric = header.map((_, i) => text.every((row) => /^[-\d.,×%]+$|^—$/.test(row[i])))
  const line = (row) => `| ${row.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`
  const rule = `|${widths.map((w, i) => (numeric[i] ? ` ${"-".repeat(w - 1)}: ` : ` ${"-".repeat(w)} `)).join("|")}|`
  return [line(header), rule, ...text.map(line)].join("\n")
}
