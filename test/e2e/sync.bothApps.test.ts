/**
 * Sync after changes made in both apps, black-box; each case was found by the chaos suite (bench/chaos.mjs):
 * - a vehicle changed on both sides: the merged record kept the other side's owner (ORPHAN_VEHICLE both ways, the
 *   copies different for good);
 * - a sync killed between a merge's two writes: the resume re-planned from links the first write had moved on, and the
 *   second write was never made;
 * - a value changed back to what shopbridge once wrote there was taken for shopbridge's own echo and never carried.
 */
import { describe, expect, it } from "vitest"
import { readReport, runCli, runIdFrom, sleep, spawnCli, type Running, type World, worldPerTest } from "./migrateHarness.js"
import { autogmsCustomer, autogmsVehicle, autoleapCustomer, autoleapVehicle, expectDone, migratedPair, migratedWorld, sync } from "./syncHarness.js"

const vehicleOn = (world: World, pair: { autoleapId: string; autogmsId: string }) => {
  const al = autoleapVehicle(world, pair.autoleapId)
  const ag = autogmsVehicle(world, pair.autogmsId)
  if (al === undefined || ag === undefined) throw new Error(`vehicle ${pair.autoleapId} ⇄ ${pair.autogmsId} is gone`)
  return { al, ag }
}

describe("sync after changes in both apps", () => {
  const newWorld = worldPerTest()

  it("a vehicle changed on both sides: different fields and the same field (newest) merged on both, still on its customer", async () => {
    const world = await migratedWorld(newWorld)
    const pair = migratedPair(world, "vehicles")
    const before = vehicleOn(world, pair)

    world.sandbox.autoleap.edit("vehicles", pair.autoleapId, { color: "Teal", notes: "from AutoLeap" })
    await sleep(20)
    world.sandbox.autogms.edit("vehicles", pair.autogmsId, { mileage: 123_456, notes: "from autoGMS" })
    const merged = await sync(world)
    expectDone(merged)

    const report = readReport(world.runsDir, runIdFrom(merged.stdout, [world.runsDir]) ?? "")
    expect(report.quarantine).toEqual([])
    expect(report.conflicts).toEqual([expect.objectContaining({ entity: "vehicles", fields: ["notes"] })])
    const after = vehicleOn(world, pair)
    expect([after.al["color"], after.ag["color"]]).toEqual(["Teal", "Teal"])
    expect([after.al["mileage"], after.ag["mileage"]]).toEqual([123_456, 123_456])
    expect(after.al["notes"]).toBe(after.ag["notes"])
    expect(["from AutoLeap", "from autoGMS"]).toContain(after.al["notes"])
    expect([after.al["customerId"], after.ag["customerId"]]).toEqual([before.al["customerId"], before.ag["customerId"]])

    const quiet = await sync(world)
    expectDone(quiet)
    expect(quiet.stderr).toContain("nothing to do")
  })

  it("killed between the merge's two writes, the resume makes the second", async () => {
    const world = await migratedWorld(newWorld)
    const pair = migratedPair(world, "vehicles")
    world.sandbox.autoleap.edit("vehicles", pair.autoleapId, { notes: "from AutoLeap" })
    world.sandbox.autogms.edit("vehicles", pair.autogmsId, { color: "Plum" })

    // The sync's one autoGMS write (the vehicle, towards autoGMS first) is applied, and the CLI dies before its answer.
    const injector = world.sandbox.autogms.faults
    const afterWrite = injector.afterWrite.bind(injector)
    let running: Running | undefined
    injector.afterWrite = () => {
      running?.child.kill("SIGKILL")
      return afterWrite()
    }
    running = spawnCli(["sync", "--state", world.state, "--runs-dir", world.runsDir], { env: world.env, cwd: world.dir })
    const killed = await running.done
    injector.afterWrite = afterWrite
    expect(killed.signal).toBe("SIGKILL")
    expect(autogmsVehicle(world, pair.autogmsId)?.["notes"]).toBe("from AutoLeap")
    expect(autoleapVehicle(world, pair.autoleapId)?.["color"]).not.toBe("Plum")

    expectDone(await runCli(["resume", "--state", world.state], { env: world.env, cwd: world.dir }))
    const after = vehicleOn(world, pair)
    expect([after.al["color"], after.ag["color"]]).toEqual(["Plum", "Plum"])
    expect([after.al["notes"], after.ag["notes"]]).toEqual(["from AutoLeap", "from AutoLeap"])
    const quiet = await sync(world)
    expectDone(quiet)
    expect(quiet.stderr).toContain("nothing to do")
  })

  it("a value changed back to what the migration wrote is carried like any change", async () => {
    const world = await migratedWorld(newWorld)
    const pair = migratedPair(world, "customers")
    const marketing = () => [autoleapCustomer(world, pair.autoleapId)?.["okForMarketing"], autogmsCustomer(world, pair.autogmsId)?.["marketingOptIn"]]
    const [original] = marketing()
    expect(typeof original).toBe("boolean")
    world.sandbox.autogms.edit("customers", pair.autogmsId, { marketingOptIn: original !== true })
    expectDone(await sync(world))
    expect(marketing()).toEqual([original !== true, original !== true])
    world.sandbox.autogms.edit("customers", pair.autogmsId, { marketingOptIn: original })
    expectDone(await sync(world))
    expect(marketing()).toEqual([original, original])
  })
})
