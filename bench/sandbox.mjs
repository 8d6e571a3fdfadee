// Both simulators in a process of their own, so their memory (every record of both sides) is never counted as the
// CLI's. Usage: node bench/sandbox.mjs --root DIR --seed DATASET_DIR --rate-limit N
// Prints one JSON line {"env": {...}} on stdout once both listen (the variables the CLI needs, limits raised), then
// serves until SIGTERM / SIGINT or until its stdin closes (the runner died).
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { parseArgs } from "node:util"

const { values } = parseArgs({
  options: { root: { type: "string" }, seed: { type: "string" }, "rate-limit": { type: "string" } },
  strict: true
})
if (values.root === undefined || values.seed === undefined) {
  process.stderr.write("usage: node bench/sandbox.mjs --root DIR --seed DATASET_DIR [--rate-limit N]\n")
  process.exit(2)
}
const rateLimit = Number(values["rate-limit"] ?? 1_000_000)

// The built simulators of the tree being measured (its dist/), so a baseline copy of the repo measures its own code.
const { startSandbox } = await import(pathToFileURL(join(values.root, "dist", "sim", "sandbox.js")).href)
const sandbox = await startSandbox({ seed: values.seed })

// Limits raised out of the way on both sides: this benchmark measures shopbridge's own cost, not pacing.
sandbox.autoleap.configure({ rateLimits: { GET: rateLimit, POST: rateLimit, PUT: rateLimit, PATCH: rateLimit, DELETE: rateLimit } })
sandbox.autogms.configure({ ratePerMinute: { [sandbox.env.AUTOGMS_API_KEY]: rateLimit } })
const env = {
  ...sandbox.env,
  AUTOLEAP_RATE_LIMITS: ["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => `${m}=${rateLimit}`).join(","),
  AUTOGMS_RATE_LIMIT: String(rateLimit)
}
// CPU so far (seeding), so the runner can tell the simulators' share of a run's wall time from the CLI's.
const cpuMs = () => {
  const usage = process.resourceUsage()
  return Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)
}
process.stdout.write(`${JSON.stringify({ env, rssBytes: process.memoryUsage.rss(), cpuMs: cpuMs() })}\n`)

let closing = false
const stop = async () => {
  if (closing) return
  closing = true
  // The last line: the runner subtracts the CPU at start-up to get what serving the run cost.
  process.stdout.write(`${JSON.stringify({ cpuMs: cpuMs(), maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`)
  await sandbox.close()
  process.exit(0)
}
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
process.stdin.on("end", stop)
process.stdin.on("close", stop)
process.stdin.resume()
