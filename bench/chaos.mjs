// The chaos suite (issue 12): for each seed, a generated shop on both simulators with a random mix of 5xx, lost
// responses, resets, latency spikes and AutoLeap token expiry, and every command a shop runs (migrate both ways, a dry
// run then `apply`, syncs after edits in both apps), SIGKILLed at random moments and resumed until done. After each
// seed the end state is judged from outside (bench/chaos/checks.mjs). Exits 1 on any duplicate, loss or failed check.
//
//   npm run chaos -- [--seeds N] [--first S] [--seed S] [--customers N] [--summary FILE] [--no-record] [--verbose]
//
// --seeds N runs seeds S..S+N-1 (--first, default 1); --seed S replays one seed; --customers is the shop's size (per
// side, 1.5 vehicles each). A seed fixes the data, the faults' rates and sequence, the kill points and the edits; the
// interleaving of concurrent requests is the one thing it cannot fix, so a replay meets the same situations, not
// always the very same bytes. A failed seed's files (state.db, runs/) are kept and named.
import { existsSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { runSeed } from "./chaos/seed.mjs"
import { loadDist } from "./chaos/world.mjs"
import { recordBenchResult } from "./results.mjs"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")

const usage = (message) => {
  process.stderr.write(`chaos: ${message}\nusage: npm run chaos -- [--seeds N] [--first S] [--seed S] [--customers N] [--summary FILE] [--no-record] [--verbose]\n`)
  process.exit(2)
}

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "5" },
    first: { type: "string", default: "1" },
    seed: { type: "string" },
    customers: { type: "string", default: "16" },
    summary: { type: "string" },
    "no-record": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false }
  },
  strict: true
})

const whole = (value, name, min) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) usage(`${name} must be a whole number of at least ${min}, not "${value}"`)
  return n
}
const seeds =
  args.seed === undefined
    ? Array.from({ length: whole(args.seeds, "--seeds", 1) }, (_, i) => whole(args.first, "--first", 1) + i)
    : [whole(args.seed, "--seed", 1)]
const customers = whole(args.customers, "--customers", 2)
if (!existsSync(join(root, "dist", "cli", "bin.js"))) usage("dist/ is missing: build first (npx tsc -p tsconfig.build.json)")

const out = (line) => process.stdout.write(`${line}\n`)
const sum = (list, pick) => list.reduce((n, x) => n + pick(x), 0)

const describeSeed = (f) => {
  if (f.checks === undefined) return `seed ${f.seed}: FAILED after ${f.seconds} s — ${f.failure}`
  const c = f.checks
  const verdict = f.ok ? "ok" : "FAILED"
  return `seed ${f.seed}: ${verdict} in ${f.seconds} s — ${f.runs} runs, ${f.kills} kills, ${f.aborts} aborts, ${sum(Object.values(f.faults), (n) => n)} faults, ${f.edits} edits, ${f.creates} new records; ${c.links} links, ${c.quarantined} quarantined; ${c.duplicates} duplicates, ${c.lost} lost`
}

const dist = await loadDist(root)
const started = performance.now()
const results = []
for (const seed of seeds) {
  let figures
  try {
    figures = await runSeed({ root, dist, seed, customers })
  } catch (error) {
    // A bug of the runner itself (or a simulator) must name its seed too, not end the suite.
    figures = { seed, ok: false, failure: `the runner failed: ${error?.stack ?? error}`, seconds: 0, kills: 0, aborts: 0, runs: 0, faults: {}, history: [] }
  }
  results.push(figures)
  out(describeSeed(figures))
  if (!figures.ok || args.verbose) {
    for (const line of figures.checks?.examples ?? []) out(`    ${line}`)
    for (const line of figures.history) out(`    ${line}`)
    if (figures.kept !== undefined) out(`    files kept in ${figures.kept}`)
  }
}

const checked = results.filter((f) => f.checks !== undefined)
const faults = {}
for (const f of results) for (const [kind, n] of Object.entries(f.faults)) faults[kind] = (faults[kind] ?? 0) + n
const failed = results.filter((f) => !f.ok)
const summary = {
  seeds: results.length,
  customersPerSide: customers,
  seconds: Math.round((performance.now() - started) / 1000),
  cliRuns: sum(results, (f) => f.runs),
  killsSurvived: sum(results.filter((f) => f.ok), (f) => f.kills),
  kills: sum(results, (f) => f.kills),
  abortsResumed: sum(results, (f) => f.aborts),
  faults,
  duplicates: sum(checked, (f) => f.checks.duplicates),
  lost: sum(checked, (f) => f.checks.lost),
  unjustifiedQuarantines: sum(checked, (f) => f.checks.unjustifiedQuarantines),
  unequalPairs: sum(checked, (f) => f.checks.unequal),
  integrityFailures: checked.filter((f) => !f.checks.integrityOk).length,
  openLedgerRows: sum(checked, (f) => f.checks.openLedger),
  unfinishedRuns: sum(checked, (f) => f.checks.unfinishedRuns),
  stepsThatCouldNotFinish: results.filter((f) => f.checks === undefined).length,
  failedSeeds: failed.map((f) => f.seed)
}

out("")
out(`chaos: ${summary.seeds} seeds, ${customers} customers a side (+1.5 vehicles each), ${summary.seconds} s, ${summary.cliRuns} CLI runs`)
out(`seeds run: ${summary.seeds}`)
out(`kills survived: ${summary.killsSurvived}`)
out(`aborts resumed (exit 3): ${summary.abortsResumed}`)
out(`faults injected: ${Object.entries(faults).map(([kind, n]) => `${kind} ${n}`).join(" · ")} (total ${sum(Object.values(faults), (n) => n)})`)
out(`duplicates: ${summary.duplicates}`)
out(`records lost: ${summary.lost}`)
out(
  `quarantines unjustified: ${summary.unjustifiedQuarantines} · linked pairs unequal: ${summary.unequalPairs} · integrity failures: ${summary.integrityFailures} · ledger rows left open: ${summary.openLedgerRows} · runs unfinished: ${summary.unfinishedRuns} · steps that could not finish: ${summary.stepsThatCouldNotFinish}`
)
for (const f of failed) out(`replay: npm run chaos -- --seed ${f.seed} --customers ${customers}`)

if (args.summary !== undefined) writeFileSync(args.summary, `${JSON.stringify(summary, null, 2)}\n`)
if (!args["no-record"]) recordBenchResult("chaos", `${summary.seeds}x${customers}`, summary)
process.exit(failed.length === 0 ? 0 : 1)
