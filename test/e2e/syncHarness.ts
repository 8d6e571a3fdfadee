/**
 * What the `shopbridge sync` end-to-end tests share: a migrated world, the CLI call, and the pairs of records the
 * migration linked (read from its actions.csv, as a user could). Nothing here imports the pipeline.
 */
import { readdirSync } from "node:fs"
import { expect } from "vitest"
import { describeRun, migrate, readActions, runCli, snapshot, type ActionRow, type CliResult, type World, type WorldOptions } from "./migrateHarness.js"

export type Rec = Record<string, unknown>

export const sync = (world: World, extra: ReadonlyArray<string> = []): Promise<CliResult> =>
  runCli(["sync", "--state", world.state, "--runs-dir", world.runsDir, ...extra], { env: world.env, cwd: world.dir })

export const expectDone = (result: CliResult) => expect([0, 1], describeRun(result)).toContain(result.code)

/** A migrated world, then one sync so both sides hold each other's records and every cursor is set. */
export const migratedWorld = async (newWorld: (options: WorldOptions) => Promise<World>, options: Partial<WorldOptions> = {}): Promise<World> => {
  const world = await newWorld({ seed: "small", ...options })
  expectDone(await migrate(world, "autoleap", "autogms").done)
  expectDone(await sync(world))
  return world
}

export const autogmsCustomer = (world: World, id: string): Rec | undefined => snapshot(world, "autogms").customers.find((c) => c["id"] === id)
export const autoleapCustomer = (world: World, id: string): Rec | undefined => snapshot(world, "autoleap").customers.find((c) => c["customerId"] === id)
export const autogmsVehicle = (world: World, id: string): Rec | undefined => snapshot(world, "autogms").vehicles.find((v) => v["id"] === id)
export const autoleapVehicle = (world: World, id: string): Rec | undefined => snapshot(world, "autoleap").vehicles.find((v) => v["vehicleId"] === id)

/** Run folders are named by sortable run ids: the first is the migration's. */
export const listRuns = (dir: string): Array<string> => readdirSync(dir).filter((d) => /^\d{8}T\d{6}Z-/.test(d)).sort()

/** What the migration created of an entity: each row's source id (AutoLeap) and the target id (autoGMS) it became. */
export const migratedRows = (world: World, entity: "customers" | "vehicles"): Array<ActionRow> =>
  readActions(world.runsDir, listRuns(world.runsDir)[0] ?? "").filter((a) => a.entity === entity && a.action === "create" && a.targetId !== "")

export interface Pair {
  readonly autoleapId: string
  readonly autogmsId: string
}

export const migratedPair = (world: World, entity: "customers" | "vehicles", index = 0): Pair => {
  const created = migratedRows(world, entity)[index]
  if (created === undefined) throw new Error(`the migration created fewer than ${index + 1} ${entity}`)
  return { autoleapId: created.sourceId, autogmsId: created.targetId }
}

/** A request to the autoGMS API as the sandbox key, as an app of the shop would make it. */
export const autogmsApi = (world: World, method: string, path: string, body?: Rec): Promise<Response> =>
  fetch(`${world.env["AUTOGMS_BASE_URL"]}/garages/${world.env["AUTOGMS_GARAGE_ID"]}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-api-key": world.env["AUTOGMS_API_KEY"] ?? "" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
