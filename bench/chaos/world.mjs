// One seed's world: both simulators (in this process, from the built dist/) seeded with a generated dataset, their
// limits raised out of the way, a random mix of faults, and a scratch directory for the CLI's state file and runs.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

const FAST = 60_000

/** The built modules the runner uses: the simulators, their generator and PRNG (never the client's code). */
export const loadDist = async (root) => {
  const load = (path) => import(pathToFileURL(join(root, "dist", path)).href)
  const [sandbox, generate, rng, vocabulary, vin] = await Promise.all([
    load("sim/sandbox.js"),
    load("sim/fixtures/generate.js"),
    load("sim/common/rng.js"),
    load("sim/fixtures/vocabulary.js"),
    load("domain/vin.js")
  ])
  return {
    startSandbox: sandbox.startSandbox,
    generateDataset: generate.generateDataset,
    makeRng: rng.makeRng,
    MODELS: vocabulary.MODELS,
    YEAR_CODES_FROM_2010: vocabulary.YEAR_CODES_FROM_2010,
    AREA_CODES: vocabulary.AREA_CODES,
    EXCHANGES: vocabulary.EXCHANGES,
    withCorrectCheckDigit: vin.withCorrectCheckDigit
  }
}

/**
 * A random mix of faults for one simulator: each kind is switched on or off by the seed, at a rate drawn from its range.
 * Rates stay low enough that a run still ends (retries, then resume), high enough that every seed meets several kinds.
 */
export const drawFaults = (rng, { tokens }) => {
  const maybe = (probability, low, high) => (rng.chance(probability) ? low + rng.next() * (high - low) : 0)
  return {
    seed: rng.int(1, 2 ** 31 - 1),
    serverErrorRate: maybe(0.7, 0.01, 0.06),
    resetRate: maybe(0.6, 0.01, 0.04),
    lostResponseRate: maybe(0.8, 0.03, 0.15),
    lostAs: "mixed",
    latencyMs: rng.int(0, 3),
    latencySpikeRate: maybe(0.6, 0.005, 0.03),
    latencySpikeMs: rng.int(200, 1_500),
    tokenExpiryRate: tokens ? maybe(0.7, 0.02, 0.08) : 0
  }
}

/** Starts the simulators on `dataset` with `faults` per simulator; `close` stops them and removes the scratch dir. */
export const startWorld = async (dist, dataset, faults) => {
  const sandbox = await dist.startSandbox({ seed: dataset })
  sandbox.autoleap.configure({ rateLimits: { GET: FAST, POST: FAST, PUT: FAST, PATCH: FAST, DELETE: FAST } })
  sandbox.autogms.configure({ ratePerMinute: { [sandbox.env.AUTOGMS_API_KEY]: FAST } })
  const dir = mkdtempSync(join(tmpdir(), "shopbridge-chaos-"))
  const requests = { autoleap: countRequests(sandbox.autoleap.faults), autogms: countRequests(sandbox.autogms.faults) }
  const world = {
    sandbox,
    dir,
    state: join(dir, "state.db"),
    runsDir: join(dir, "runs"),
    env: {
      ...sandbox.env,
      AUTOLEAP_RATE_LIMITS: ["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => `${m}=${FAST}`).join(","),
      AUTOGMS_RATE_LIMIT: String(FAST)
    },
    /** API requests both simulators have received so far (faulted ones included). */
    requests: () => requests.autoleap() + requests.autogms(),
    faultsOn: () => {
      sandbox.autoleap.faults.configure(faults.autoleap)
      sandbox.autogms.faults.configure(faults.autogms)
    },
    faultsOff: () => {
      const off = { serverErrorRate: 0, resetRate: 0, lostResponseRate: 0, latencyMs: 0, latencySpikeRate: 0, tokenExpiryRate: 0 }
      sandbox.autoleap.faults.configure(off)
      sandbox.autogms.faults.configure(off)
    },
    /** Faults injected so far by kind, both simulators together. */
    injected: () => {
      const total = { ...sandbox.autoleap.faults.injected() }
      for (const [kind, n] of Object.entries(sandbox.autogms.faults.injected())) total[kind] = (total[kind] ?? 0) + n
      return total
    },
    close: async ({ keep }) => {
      await sandbox.close()
      if (!keep) rmSync(dir, { recursive: true, force: true })
    }
  }
  world.faultsOn()
  return world
}

/**
 * Counts the requests a simulator's fault injector is asked about: it decides once per API request, before the handler,
 * so the count moves the moment a request arrives, which lets a kill land right after the n-th one.
 */
const countRequests = (injector) => {
  let n = 0
  const before = injector.before.bind(injector)
  injector.before = () => {
    n++
    return before()
  }
  return () => n
}
