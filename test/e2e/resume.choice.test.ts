/**
 * Which run `shopbridge resume` picks, and what it says when there is none to pick (issue 13, item 6). Runs of other
 * shop pairs and interrupted dry runs are put in the state file directly; the rest goes through the built CLI.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { StateStore } from "../../src/state/index.js"
import { describeRun, migrate, runCli, worldPerTest, type World } from "./migrateHarness.js"

const interruptedRun = (world: World, pair: { autoleapCompanyId: string; autogmsGarageId: string }, runId: string, dryRun: boolean) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const store = yield* StateStore
      const state = yield* store.pair(pair)
      const options = { from: "autoleap", to: "autogms", entities: ["customers", "vehicles"], dryRun, includeArchived: false, mappingPath: null, runsDir: world.runsDir }
      yield* state.startRun({ runId, command: "migrate", directions: [{ from: "autoleap", to: "autogms" }], options, dryRun })
      yield* state.finishRun(runId, { status: "interrupted", error: "interrupted (Ctrl-C)" })
    }).pipe(Effect.provide(StateStore.layer(world.state)))
  )

const resume = (world: World, args: ReadonlyArray<string> = [], env: Record<string, string> = world.env) =>
  runCli(["resume", ...args, "--state", world.state], { env, cwd: world.dir })

describe("shopbridge resume: which run", () => {
  const newWorld = worldPerTest()

  it("takes the latest interrupted run of the environment's shop pair and says which; another pair's run is named as such", async () => {
    const world = await newWorld({ seed: "small" })
    const here = { autoleapCompanyId: world.env["AUTOLEAP_COMPANY_ID"] ?? "", autogmsGarageId: world.env["AUTOGMS_GARAGE_ID"] ?? "" }
    await interruptedRun(world, { autoleapCompanyId: "another-company", autogmsGarageId: "another-garage" }, "20250101T000000Z-other0", false)

    const onlyOther = await resume(world)
    expect(onlyOther.code, describeRun(onlyOther)).toBe(2)
    expect(onlyOther.stderr).toContain("belongs to another shop pair")
    expect(onlyOther.stderr).toContain("another-company")
    const named = await resume(world, ["20250101T000000Z-other0"])
    expect(named.code, describeRun(named)).toBe(2)
    expect(named.stderr).toContain("belongs to another shop pair")

    await interruptedRun(world, here, "20250101T000001Z-ours00", false)
    const ours = await resume(world)
    expect([0, 1], describeRun(ours)).toContain(ours.code)
    expect(ours.stderr).toContain("resuming migrate run 20250101T000001Z-ours00")
  })

  it("an interrupted dry run is not resumed: it says to run the dry run again", async () => {
    const world = await newWorld({ seed: "small" })
    const here = { autoleapCompanyId: world.env["AUTOLEAP_COMPANY_ID"] ?? "", autogmsGarageId: world.env["AUTOGMS_GARAGE_ID"] ?? "" }
    await interruptedRun(world, here, "20250101T000002Z-dry000", true)
    const named = await resume(world, ["20250101T000002Z-dry000"])
    expect(named.code, describeRun(named)).toBe(2)
    expect(named.stderr).toContain("run the dry run again")
    expect(named.stderr).not.toContain("'shopbridge resume")
  })

  it("a run refused before reading anything (a wrong key) is not left to resume", async () => {
    const world = await newWorld({ seed: "small" })
    const refused = await migrate(world, "autoleap", "autogms", [], { env: { ...world.env, AUTOGMS_API_KEY: "not-a-key" } }).done
    expect(refused.code, describeRun(refused)).toBe(3)
    const after = await resume(world)
    expect(after.code, describeRun(after)).toBe(2)
    expect(after.stderr).toContain("nothing to resume")
  })
})
