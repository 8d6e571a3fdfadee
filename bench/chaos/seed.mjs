// One seed of the chaos suite: a generated shop on both simulators with a random mix of faults, then every command a
// shop runs — migrate AutoLeap → autoGMS, a dry run of autoGMS → AutoLeap and `apply` of its plan, and two syncs after
// edits in both apps — each killed at random moments and resumed until it completes; then the end state is judged.
import { checkWorld, passed } from "./checks.mjs"
import { runIdOf, runToCompletion } from "./cli.mjs"
import { editBothSides } from "./edits.mjs"
import { drawFaults, startWorld } from "./world.mjs"

/**
 * About how many API requests a whole run of each step makes for a shop of `customers` a side (measured at 12: 36, 9,
 * 11 and 22): kill points are spread over them. Fixed by the size alone, so a seed replays the same kill points.
 */
const requestsOf = (step, customers) => ({ migrate: 8 + 2.5 * customers, dry: 9, apply: 8 + customers / 4, sync: 16 + customers / 2 })[step]

/** The ids of every record the shop made itself, per system and entity: the seed's, then the runner's creations. */
const userIdsOf = (dataset) => ({
  autoleap: { customers: new Set(dataset.autoleap.customers.map((c) => c.customerId)), vehicles: new Set(dataset.autoleap.vehicles.map((v) => v.vehicleId)) },
  autogms: { customers: new Set(dataset.autogms.customers.map((c) => c.id)), vehicles: new Set(dataset.autogms.vehicles.map((v) => v.id)) }
})

/** Cases an edit leaves as they were: a copied email or VIN stays shared (edits never touch either), so they are edited too. */
const editableCases = new Set(["duplicate-email", "duplicate-vin"])

const spoiledOf = (dataset) =>
  new Set(
    [dataset.injected.autoleap, dataset.injected.autogms]
      .flatMap((side) => [...side.customers, ...side.vehicles])
      .filter((r) => !editableCases.has(r.case))
      .map((r) => r.id)
  )

/**
 * Runs seed `seed` with `customers` customers a side. Resolves with its figures: kills survived, aborts, faults by
 * kind, the checks, the steps' histories and, when something failed, why and where its files were kept.
 */
export const runSeed = async ({ root, dist, seed, customers }) => {
  const started = performance.now()
  const rng = dist.makeRng(seed)
  // More hard cases and more overlap than a real shop, so every seed meets quarantines, warnings and matches.
  const dataset = dist.generateDataset({ customers, seed, badRecordRate: 0.15, overlap: 0.2 })
  const faults = { autoleap: drawFaults(rng, { tokens: true }), autogms: drawFaults(rng, { tokens: false }) }
  const world = await startWorld(dist, dataset, faults)
  const userIds = userIdsOf(dataset)
  const spoiled = spoiledOf(dataset)
  const counter = { n: 0 }
  const figures = { seed, kills: 0, aborts: 0, runs: 0, edits: 0, creates: 0, history: [] }

  // Each step may be killed up to twice; the first migration always is, mid-run, so no seed goes without a kill.
  const budgets = [rng.int(1, 2), rng.int(0, 1), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)]

  const step = async (name, kind, args, maxKills) => {
    const killFirst = kind === "migrate"
    const outcome = await runToCompletion({ root, world, rng, args, maxKills, killFirst, estimate: Math.round(requestsOf(kind, customers)) })
    figures.kills += outcome.kills
    figures.aborts += outcome.aborts
    figures.runs += outcome.history.length
    figures.history.push(`${name}:`, ...outcome.history.map((line) => `  ${line}`))
    if (!outcome.ok) throw new StepFailed(`${name} could not finish: ${outcome.why}`)
    return outcome.result
  }

  const edit = async (round) => {
    const done = await editBothSides({ world, dist, rng, spoiled, counter, round, userIds })
    figures.edits += done.edits + 2 * done.conflicts
    figures.creates += done.creates
  }

  let failure
  try {
    await step("migrate autoleap→autogms", "migrate", ["migrate", "--from", "autoleap", "--to", "autogms"], budgets[0])
    const dry = await step("dry run autogms→autoleap", "dry", ["migrate", "--from", "autogms", "--to", "autoleap", "--dry-run"], budgets[1])
    const planId = runIdOf(dry.stdout)
    if (planId === undefined) throw new StepFailed(`the dry run printed no run id:\n${dry.stdout.slice(0, 500)}`)
    await step("apply", "apply", ["apply", planId], budgets[2])
    await edit(1)
    await step("sync 1", "sync", ["sync"], budgets[3])
    await edit(2)
    await step("sync 2", "sync", ["sync"], budgets[4])
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error
    failure = error.message
  }

  figures.faults = world.injected()
  figures.checks = failure === undefined ? await checkWorld(world, { seedIds: userIdsOf(dataset), userIds }) : undefined
  figures.ok = failure === undefined && passed(figures.checks)
  figures.failure = failure
  figures.seconds = Math.round((performance.now() - started) / 100) / 10
  figures.kept = figures.ok ? undefined : world.dir
  await world.close({ keep: !figures.ok })
  return figures
}

class StepFailed extends Error {}
