/**
 * Black-box harness for the `shopbridge migrate` / `resume` end-to-end tests: the simulators run in the test process
 * (src/sim/sandbox.ts), the built CLI (dist/cli/bin.js) runs as a child process, and every check goes through what a
 * user could see: exit code, stdout/stderr, the files of `<runs-dir>/<runId>/`, and the simulators' dumps and stats.
 * Nothing here imports the pipeline.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { mkdir, mkdtemp, rm, rmdir } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative, resolve } from "node:path"
import { afterAll, afterEach, beforeAll } from "vitest"
import { startSandbox, type Sandbox } from "../../src/sim/sandbox.js"
import { generateDataset, type GenerateOptions } from "../../src/sim/fixtures/generate.js"
import { loadDataset } from "../../src/sim/fixtures/load.js"
import type { Dataset } from "../../src/sim/fixtures/seedTypes.js"
import type { FaultConfig, FaultInjector } from "../../src/sim/common/faults.js"
import type { RequestStats } from "../../src/sim/common/requestLog.js"
import { SANDBOX_AUTOGMS, SANDBOX_AUTOLEAP } from "../../src/sim/fixtures/sandboxAccounts.js"
import { startAutogmsSim } from "../../src/sim/autogms/index.js"
import { startAutoleapSim } from "../../src/sim/autoleap/index.js"

export const root = resolve(import.meta.dirname, "..", "..")
export const bin = join(root, "dist", "cli", "bin.js")

// ---------------------------------------------------------------------------------------------------------------------
// Build: once per test run, shared by every migrate*.test.ts file (they run in parallel forks).

const newestMtime = (dir: string): number => {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path))
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/** Every src/**.ts has its dist/**.js, written after the source last changed. */
const distIsFresh = (): boolean => {
  const src = join(root, "src")
  const stale = (dir: string): boolean => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (stale(path)) return true
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const out = join(root, "dist", relative(src, path)).replace(/\.ts$/, ".js")
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(path).mtimeMs) return true
      }
    }
    return false
  }
  return newestMtime(src) > 0 && !stale(src)
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

/**
 * Builds dist/ with `tsc -p tsconfig.build.json` unless it is already fresh. A lock directory keeps the parallel test
 * files from running tsc at the same time. tsc emits even when files other engineers are still writing have type
 * errors; what matters is the built CLI.
 */
export const ensureBuilt = async (): Promise<void> => {
  const lock = join(tmpdir(), "shopbridge-e2e-migrate-build.lock")
  for (let waited = 0; ; waited += 200) {
    try {
      await mkdir(lock)
      break
    } catch {
      // Another file is building; a lock older than 90 s is from a killed run (tsc takes ~10 s).
      try {
        if (Date.now() - statSync(lock).mtimeMs > 90_000) await rmdir(lock)
      } catch {
        /* gone meanwhile */
      }
      if (waited > 200_000) throw new Error(`build lock ${lock} held too long`)
      await sleep(200)
    }
  }
  try {
    if (distIsFresh()) return
    await new Promise<void>((done) =>
      execFile(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.build.json")], { cwd: root }, () => done())
    )
  } finally {
    await rmdir(lock).catch(() => undefined)
  }
  if (!existsSync(bin)) throw new Error(`no ${bin} after the build`)
}

// ---------------------------------------------------------------------------------------------------------------------
// Worlds: a sandbox (both simulators) plus a scratch directory with the state file and the runs dir.

export interface WorldOptions {
  /** "small" (the curated fixtures) or a generated dataset. */
  readonly seed: "small" | Dataset
  /** Rate limits far above what a test needs, so only tests about limits wait for them. Default true. */
  readonly fastLimits?: boolean
  /** The autoGMS sandbox key's per-minute limit (reseeded), also given to the CLI as AUTOGMS_RATE_LIMIT. */
  readonly autogmsKeyRate?: number
  readonly faults?: Partial<FaultConfig>
  readonly autoleapTokens?: { readonly accessTokenTtlMs: number; readonly refreshTokenTtlMs: number }
  /**
   * The autoGMS simulator's clock is `Date.now() + offsetMs`, read at each request: a test can move it back to make
   * requests that fall early in a rate window, then set it to 0 so the CLI sees a consistent clock.
   */
  readonly autogmsClock?: { offsetMs: number }
}

export interface World {
  readonly sandbox: Sandbox
  readonly dataset: Dataset
  /** The environment the CLI needs (cli.md names), pointing at this world's simulators. */
  readonly env: Record<string, string>
  readonly dir: string
  readonly state: string
  readonly runsDir: string
  readonly close: () => Promise<void>
}

const FAST_AUTOLEAP = { GET: 60_000, POST: 60_000, PUT: 60_000, PATCH: 60_000, DELETE: 60_000 }
const FAST_AUTOGMS = 60_000

export const generated = (options: GenerateOptions): Dataset => generateDataset(options)

/** startSandbox's two simulators and environment, with the autoGMS simulator on a clock the test moves. */
const sandboxWithClock = async (dataset: Dataset, clock: { offsetMs: number }, faults: Partial<FaultConfig> | undefined): Promise<Sandbox> => {
  const autoleap = await startAutoleapSim({ seed: dataset.autoleap, faults })
  const autogms = await startAutogmsSim({ seed: dataset.autogms, faults, now: () => Date.now() + clock.offsetMs })
  const key = dataset.autogms.apiKeys.find((k) => k.key === SANDBOX_AUTOGMS.readWriteKey)!
  return {
    autoleap,
    autogms,
    env: {
      AUTOLEAP_BASE_URL: autoleap.baseUrl,
      AUTOLEAP_PARTNER_ID: SANDBOX_AUTOLEAP.partnerId,
      AUTOLEAP_AUTH_KEY: SANDBOX_AUTOLEAP.authKey,
      AUTOLEAP_COMPANY_ID: SANDBOX_AUTOLEAP.companyId,
      AUTOLEAP_RATE_LIMITS: "GET=150,POST=50,PUT=50,PATCH=50,DELETE=50",
      AUTOGMS_BASE_URL: autogms.baseUrl,
      AUTOGMS_API_KEY: key.key,
      AUTOGMS_GARAGE_ID: SANDBOX_AUTOGMS.garageId,
      AUTOGMS_RATE_LIMIT: String(key.ratePerMinute)
    },
    close: async () => void (await Promise.all([autoleap.close(), autogms.close()]))
  }
}

export const startWorld = async (options: WorldOptions): Promise<World> => {
  // A copy: the simulators must never share (or mutate) another world's records.
  const base = options.seed === "small" ? await loadDataset("small") : structuredClone(options.seed)
  const fast = options.fastLimits ?? true
  const keyRate = options.autogmsKeyRate ?? (fast ? FAST_AUTOGMS : undefined)
  const dataset: Dataset =
    keyRate === undefined
      ? base
      : {
          ...base,
          autogms: {
            ...base.autogms,
            apiKeys: base.autogms.apiKeys.map((k) => (k.key === SANDBOX_AUTOGMS.readWriteKey ? { ...k, ratePerMinute: keyRate } : k))
          }
        }
  const sandbox = options.autogmsClock === undefined ? await startSandbox({ seed: dataset, faults: options.faults }) : await sandboxWithClock(dataset, options.autogmsClock, options.faults)
  const env: Record<string, string> = { ...sandbox.env }
  if (fast) {
    sandbox.autoleap.configure({ rateLimits: FAST_AUTOLEAP })
    env["AUTOLEAP_RATE_LIMITS"] = Object.entries(FAST_AUTOLEAP)
      .map(([m, n]) => `${m}=${n}`)
      .join(",")
  }
  if (keyRate !== undefined) env["AUTOGMS_RATE_LIMIT"] = String(keyRate)
  if (options.autoleapTokens !== undefined) sandbox.autoleap.configure(options.autoleapTokens)
  const dir = await mkdtemp(join(tmpdir(), "shopbridge-e2e-migrate-"))
  const world: World = {
    sandbox,
    dataset,
    env,
    dir,
    state: join(dir, "state.db"),
    runsDir: join(dir, "runs"),
    close: async () => {
      await sandbox.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
  return world
}

/**
 * For a describe block whose tests each start their own world: the CLI is built first, each test's worlds are closed
 * after it, and any CLI child still running is killed at the end. Returns the function that starts a world.
 */
export const worldPerTest = (): ((options: WorldOptions) => Promise<World>) => {
  const open: Array<World> = []
  beforeAll(ensureBuilt, 180_000)
  afterEach(async () => {
    await Promise.all(open.splice(0).map((w) => w.close()))
  })
  afterAll(killAll)
  return async (options) => {
    const world = await startWorld(options)
    open.push(world)
    return world
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Running the CLI.

export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

export interface Running {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  readonly done: Promise<CliResult>
}

const children = new Set<ChildProcess>()

/** Kills (SIGKILL) every child still running; for afterAll. */
export const killAll = (): void => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
}

/** The test runner's environment without any AUTOLEAP_* / AUTOGMS_* variable, so each test decides them all. */
const baseEnv = (): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(AUTOLEAP|AUTOGMS)_/.test(k)) out[k] = v
  return out
}

export interface SpawnOptions {
  readonly env: Readonly<Record<string, string | undefined>>
  /** Default: a fresh directory (no .env there). */
  readonly cwd: string
  /** SIGKILL after this long (a hung CLI must fail the test, not the suite). Default 60 s. */
  readonly timeoutMs?: number
  /**
   * "npx": `npx shopbridge …` from the repository root, as the README says, in a process group of its own so a test can
   * signal the group as a terminal's Ctrl-C does (`process.kill(-pid)`). Default: `node dist/cli/bin.js` directly.
   */
  readonly via?: "node" | "npx"
}

export const spawnCli = (args: ReadonlyArray<string>, options: SpawnOptions): Running => {
  const env: Record<string, string> = baseEnv()
  for (const [k, v] of Object.entries(options.env)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  env["NO_COLOR"] = "1"
  const started = Date.now()
  const child =
    options.via === "npx"
      ? spawn("npx", ["--yes", "shopbridge", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true })
      : spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] })
  children.add(child)
  let stdout = ""
  let stderr = ""
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")))
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")))
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000)
  const done = new Promise<CliResult>((resolveDone) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      children.delete(child)
      resolveDone({ code, signal, stdout, stderr, ms: Date.now() - started })
    })
  )
  return { child, stdout: () => stdout, stderr: () => stderr, done }
}

export const runCli = (args: ReadonlyArray<string>, options: SpawnOptions): Promise<CliResult> => spawnCli(args, options).done

/** `migrate` in a world, with its own state file and runs dir unless told otherwise. */
export const migrate = (
  world: World,
  from: "autoleap" | "autogms",
  to: "autoleap" | "autogms",
  extra: ReadonlyArray<string> = [],
  options: Partial<SpawnOptions> & { readonly state?: string; readonly runsDir?: string } = {}
): Running =>
  spawnCli(["migrate", "--from", from, "--to", to, "--state", options.state ?? world.state, "--runs-dir", options.runsDir ?? world.runsDir, ...extra], {
    env: options.env ?? world.env,
    cwd: options.cwd ?? world.dir,
    timeoutMs: options.timeoutMs,
    via: options.via
  })

export const resume = (world: World, options: Partial<SpawnOptions> & { readonly state?: string } = {}): Running =>
  spawnCli(["resume", "--state", options.state ?? world.state], {
    env: options.env ?? world.env,
    cwd: options.cwd ?? world.dir,
    timeoutMs: options.timeoutMs
  })

/** What a failed expectation should show about a CLI run. */
export const describeRun = (r: CliResult): string =>
  `exit ${r.code}${r.signal === null ? "" : ` (${r.signal})`} after ${r.ms} ms\n--- stdout ---\n${r.stdout.slice(0, 3000)}\n--- stderr ---\n${r.stderr.slice(0, 3000)}`

// ---------------------------------------------------------------------------------------------------------------------
// Run outputs.

export const REPORT_FILES = ["report.json", "report.md", "report.html", "actions.csv", "log.ndjson"] as const

/**
 * The run id from the first line of output: the name of the run's folder under the runs dir that the first line
 * mentions (cli.md: "The run id is printed on the first line of output"). Undefined when no folder matches.
 */
export const runIdFrom = (stdout: string, runsDirs: ReadonlyArray<string>): string | undefined => {
  const first = stdout.split("\n")[0] ?? ""
  for (const dir of runsDirs) {
    if (!existsSync(dir)) continue
    const hit = readdirSync(dir)
      .filter((name) => name.length > 0 && first.includes(name))
      .sort((a, b) => b.length - a.length)[0]
    if (hit !== undefined) return hit
  }
  return undefined
}

export interface EntityCounts {
  readonly read: number
  readonly created: number
  readonly updated: number
  readonly unchanged: number
  readonly archived: number
  readonly deleted: number
  readonly linked: number
  readonly conflicts: number
  readonly quarantined: number
  readonly [other: string]: number
}

export interface Issue {
  readonly entity: string
  readonly system: string
  readonly sourceId: string
  readonly code: string
  readonly message: string
}

/** report.json as cli.md describes it; the test checks each field's presence separately. */
export interface Report {
  readonly runId: string
  readonly command: string
  readonly dryRun: boolean
  readonly status: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly directions: ReadonlyArray<{
    readonly from: string
    readonly to: string
    readonly entities: { readonly customers?: EntityCounts; readonly vehicles?: EntityCounts; readonly [e: string]: EntityCounts | undefined }
  }>
  readonly quarantine: ReadonlyArray<Issue>
  readonly warnings: ReadonlyArray<Issue>
  readonly conflicts: ReadonlyArray<unknown>
  readonly requests: Record<string, { total: number; retried: number; throttled: number }>
}

export const readReport = (runsDir: string, runId: string): Report =>
  JSON.parse(readFileSync(join(runsDir, runId, "report.json"), "utf8")) as Report

/** The counts of one entity in the report's only direction. */
export const countsOf = (report: Report, entity: "customers" | "vehicles"): EntityCounts => {
  const counts = report.directions[0]?.entities[entity]
  if (counts === undefined) throw new Error(`report.json has no ${entity} counts: ${JSON.stringify(report.directions)}`)
  return counts
}

/** RFC 4180 (quoted fields, doubled quotes, CRLF or LF). */
export const parseCsv = (text: string): Array<Array<string>> => {
  const rows: Array<Array<string>> = []
  let row: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ",") {
      row.push(field)
      field = ""
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++
      row.push(field)
      rows.push(row)
      row = []
      field = ""
    } else field += c
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

export interface ActionRow {
  readonly entity: string
  readonly action: string
  readonly sourceId: string
  readonly targetId: string
  readonly reason: string
}

/** actions.csv, its columns found by name (cli.md: entity, action, source id, target id, reason, changed fields). */
export const readActions = (runsDir: string, runId: string): Array<ActionRow> => {
  const rows = parseCsv(readFileSync(join(runsDir, runId, "actions.csv"), "utf8"))
  const header = (rows[0] ?? []).map((h) => h.toLowerCase().replace(/[^a-z]/g, ""))
  const col = (name: string): number => {
    const i = header.indexOf(name)
    if (i < 0) throw new Error(`actions.csv has no '${name}' column: ${rows[0]?.join(",")}`)
    return i
  }
  const [entity, action, sourceId, targetId, reason] = [col("entity"), col("action"), col("sourceid"), col("targetid"), col("reason")]
  return rows.slice(1).map((r) => ({
    entity: r[entity] ?? "",
    action: r[action] ?? "",
    sourceId: r[sourceId] ?? "",
    targetId: r[targetId] ?? "",
    reason: r[reason] ?? ""
  }))
}

// ---------------------------------------------------------------------------------------------------------------------
// Simulator stats.

/** Endpoints that obtain or drop AutoLeap tokens: POSTs, but not writes to the shop's data. */
const AUTH_ENDPOINTS = new Set(["POST /partners/login", "POST /partners/generateNewAccessToken", "POST /partners/logout"])

/** Requests that change data, by endpoint (`POST /customers`: 3); empty when the simulator received no write at all. */
export const writesIn = (stats: RequestStats): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const [endpoint, n] of Object.entries(stats.byEndpoint)) {
    const method = endpoint.split(" ")[0]!
    if (method === "GET" || method === "HEAD" || AUTH_ENDPOINTS.has(endpoint)) continue
    out[endpoint] = n
  }
  return out
}

export const sum = (xs: Record<string, number>): number => Object.values(xs).reduce((a, b) => a + b, 0)

// ---------------------------------------------------------------------------------------------------------------------
// Dumps: natural keys, duplicates, and a normal form that ignores ids and timestamps.

type Rec = Record<string, unknown>

export const normEmail = (e: unknown): string | undefined => (typeof e === "string" && e.trim().length > 0 ? e.trim().toLowerCase() : undefined)

/** Digits of a phone, with the US country code added to a bare 10-digit number: enough to compare E.164 and display forms. */
export const normPhone = (p: unknown): string | undefined => {
  if (typeof p !== "string") return undefined
  const digits = p.replace(/\D/g, "")
  if (digits.length < 7) return undefined
  return digits.length === 10 ? `1${digits}` : digits
}

export const normVin = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim().length > 0 ? v.toUpperCase().replace(/[\s-]/g, "") : undefined

export const normPlate = (p: unknown, region: unknown): string | undefined =>
  typeof p === "string" && p.trim().length > 0 ? `${p.toUpperCase().replace(/[\s-]/g, "")}/${String(region ?? "").toUpperCase()}` : undefined

/** Natural keys of a customer or vehicle of either system (mapping.md: email, phone; VIN, plate + region). */
export const customerKeys = (c: Rec): Array<string> => {
  const keys: Array<string> = []
  if ("emails" in c || "phones" in c) {
    for (const e of (c["emails"] as Array<Rec> | undefined) ?? []) {
      const k = normEmail(e["emailAddress"])
      if (k !== undefined) keys.push(`email:${k}`)
    }
  } else {
    const k = normEmail(c["email"])
    if (k !== undefined) keys.push(`email:${k}`)
  }
  return [...new Set(keys)]
}

export const vehicleKeys = (v: Rec): Array<string> => {
  const k = normVin(v["vin"])
  return k === undefined ? [] : [`vin:${k}`]
}

/** How many records hold each key, for the keys held by more than one. */
export const duplicatedKeys = (records: ReadonlyArray<Rec>, keysOf: (r: Rec) => Array<string>): Record<string, number> => {
  const counts = new Map<string, number>()
  for (const r of records) for (const k of keysOf(r)) counts.set(k, (counts.get(k) ?? 0) + 1)
  const out: Record<string, number> = {}
  for (const [k, n] of counts) if (n > 1) out[k] = n
  return out
}

/** Keys duplicated more often after than before: a run must never add one. */
export const newDuplicates = (before: Record<string, number>, after: Record<string, number>): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const [k, n] of Object.entries(after)) if (n > (before[k] ?? 1)) out[k] = n
  return out
}

const stable = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value as Rec)
      .sort()
      .filter((k) => (value as Rec)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stable((value as Rec)[k])}`)
      .join(",")}}`
  }
  return JSON.stringify(value)
}

const omit = (r: Rec, keys: ReadonlyArray<string>): Rec => {
  const out: Rec = {}
  for (const [k, v] of Object.entries(r)) if (!keys.includes(k)) out[k] = v
  return out
}

export interface Snapshot {
  readonly customers: ReadonlyArray<Rec>
  readonly vehicles: ReadonlyArray<Rec>
}

/** The sandbox garage's (autoGMS) or company's (AutoLeap) records. */
export const snapshot = (world: World, system: "autoleap" | "autogms"): Snapshot => {
  if (system === "autogms") {
    const d = structuredClone(world.sandbox.autogms.dump())
    const garage = world.env["AUTOGMS_GARAGE_ID"]
    return {
      customers: d.customers.filter((c) => c.garageId === garage) as unknown as Array<Rec>,
      vehicles: d.vehicles.filter((v) => v.garageId === garage) as unknown as Array<Rec>
    }
  }
  const d = structuredClone(world.sandbox.autoleap.dump())
  const company = world.env["AUTOLEAP_COMPANY_ID"]
  return {
    customers: d.customers.filter((c) => c.companyId === company) as unknown as Array<Rec>,
    vehicles: d.vehicles.filter((v) => v.companyId === company) as unknown as Array<Rec>
  }
}

const ID_FIELDS = {
  autogms: { customer: ["id", "createdAt", "updatedAt"], vehicle: ["id", "createdAt", "updatedAt", "customerId"], customerId: "id" },
  autoleap: {
    customer: ["customerId", "createdDate", "updatedDate"],
    vehicle: ["vehicleId", "createdDate", "updatedDate", "customerId"],
    customerId: "customerId"
  }
} as const

/**
 * The records as sorted strings with ids and timestamps left out and each vehicle's customer replaced by that customer's
 * content: two worlds that hold the same data (whatever ids they handed out) give equal normal forms.
 */
export const normalForm = (snap: Snapshot, system: "autoleap" | "autogms"): { customers: Array<string>; vehicles: Array<string> } => {
  const f = ID_FIELDS[system]
  const customerText = new Map<string, string>()
  for (const c of snap.customers) customerText.set(String(c[f.customerId]), stable(omit(c, f.customer)))
  const customers = [...customerText.values()].sort()
  const vehicles = snap.vehicles
    .map((v) => stable({ ...omit(v, f.vehicle), owner: customerText.get(String(v["customerId"])) ?? `missing:${String(v["customerId"])}` }))
    .sort()
  return { customers, vehicles }
}

/** The entries of `a` not in `b` (multiset difference), for readable failures. */
export const multisetMinus = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): Array<string> => {
  const counts = new Map<string, number>()
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1)
  const out: Array<string> = []
  for (const x of a) {
    const n = counts.get(x) ?? 0
    if (n > 0) counts.set(x, n - 1)
    else out.push(x)
  }
  return out
}

/**
 * On top of a simulator's seeded fault rates, forces some faults at fixed points so that a test with few requests (bulk
 * writes) still meets each kind: `before[n]` is the fault for the n-th API request (1-based), `lostWrites` the successful
 * writes (n-th, counting every 2xx write including auth) whose response is lost after the write was applied. Returns
 * counters of what was actually forced.
 */
export const forceFaults = (
  injector: FaultInjector,
  plan: { readonly before?: Readonly<Record<number, "server-error" | "reset">>; readonly lostWrites?: ReadonlyArray<number> }
): { readonly forced: () => { before: number; lost: number } } => {
  const originalBefore = injector.before.bind(injector)
  const originalAfter = injector.afterWrite.bind(injector)
  let requests = 0
  let writes = 0
  let forcedBefore = 0
  let forcedLost = 0
  injector.before = () => {
    requests++
    const forced = plan.before?.[requests]
    if (forced !== undefined) {
      forcedBefore++
      return forced
    }
    return originalBefore()
  }
  injector.afterWrite = () => {
    writes++
    if (plan.lostWrites?.includes(writes)) {
      forcedLost++
      return writes % 2 === 0 ? "lost-502" : "lost-reset"
    }
    return originalAfter()
  }
  return { forced: () => ({ before: forcedBefore, lost: forcedLost }) }
}

/** A seeded pseudo-random source for kill points, so a failing run can be replayed (the seed is printed). */
export const seededRandom = (seed: number): (() => number) => {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 0x1_0000_0000
  }
}

export const waitFor = async (condition: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> => {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (condition()) return true
    await sleep(everyMs)
  }
  return condition()
}

export { sleep }
