/**
 * A targeted sync (what `webhooks serve` runs for a delivery): only the named autoGMS customers and their vehicles are
 * brought to AutoLeap, no cursor moves, a linked record's changes are left to the sweep, and writes a killed run left
 * open make it stand aside (the sweep settles them first, so nothing is created twice). In-process against the sandbox.
 */
import { Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { executeMigration } from "../../../src/cli/runMigration.js"
import { executeSync, type StoredSyncOptions } from "../../../src/cli/runSync.js"
import { startSandbox, type Sandbox } from "../../../src/sim/sandbox.js"
import { StateStore } from "../../../src/state/index.js"

let sandbox: Sandbox
const dir = mkdtempSync(join(tmpdir(), "shopbridge-targeted-sync-"))
const statePath = join(dir, "state.db")
const runsDir = join(dir, "runs")
const quiet = { say: () => undefined }

const sweep: StoredSyncOptions = { direction: "both", conflict: "newest", dryRun: false, overlapMs: 120_000, reconcile: false, includeArchived: false, mappingPath: null, runsDir }
const targeted = (customers: ReadonlyArray<string>): StoredSyncOptions => ({ ...sweep, direction: "autogms-to-autoleap", only: { from: "autogms", customers } })
const run = (options: StoredSyncOptions) => Effect.runPromise(executeSync({ options, statePath, ...quiet }))

const autoleapCustomers = () => sandbox.autoleap.dump().customers.filter((c) => c.companyId === sandbox.env["AUTOLEAP_COMPANY_ID"])
const withEmail = (email: string) => autoleapCustomers().filter((c) => (c["emails"] as Array<{ emailAddress: string }>).some((e) => e.emailAddress === email))

const createInAutogms = (fields: Record<string, unknown>): string => {
  const created = sandbox.autogms.create("customers", sandbox.env["AUTOGMS_GARAGE_ID"] ?? "", fields)
  return String(created["id"])
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: "small" })
  Object.assign(process.env, sandbox.env)
  await Effect.runPromise(
    executeMigration({
      options: { from: "autoleap", to: "autogms", entities: ["customers", "vehicles"], dryRun: false, includeArchived: false, mappingPath: null, runsDir },
      statePath,
      ...quiet
    })
  )
  await run(sweep)
}, 90_000)
afterAll(async () => {
  await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("a targeted sync", () => {
  it("brings over the named customer and its vehicle, nothing else, and moves no cursor", async () => {
    const named = createInAutogms({ firstName: "Tara", lastName: "Geted", email: "tara.geted@example.com" })
    sandbox.autogms.create("vehicles", sandbox.env["AUTOGMS_GARAGE_ID"] ?? "", { customerId: named, make: "Mazda", model: "3", year: 2018 })
    createInAutogms({ firstName: "Una", lastName: "Named", email: "una.named@example.com" })
    const before = autoleapCustomers().length

    const outcome = await run(targeted([named]))
    expect(withEmail("tara.geted@example.com")).toHaveLength(1)
    const owner = String(withEmail("tara.geted@example.com")[0]?.["customerId"])
    expect(sandbox.autoleap.dump().vehicles.filter((v) => v["customerId"] === owner).map((v) => v["model"])).toEqual(["3"])
    expect(autoleapCustomers().length).toBe(before + 1)
    expect(outcome.report.sync?.cursors.every((c) => c.after === c.before)).toBe(true)

    // The sweep still finds the other one, and does not bring the named one a second time.
    await run(sweep)
    expect(withEmail("una.named@example.com")).toHaveLength(1)
    expect(withEmail("tara.geted@example.com")).toHaveLength(1)
  })

  it("leaves a linked customer's changes to the sweep", async () => {
    const named = createInAutogms({ firstName: "Lina", lastName: "Linked", email: "lina.linked@example.com" })
    await run(targeted([named]))
    sandbox.autogms.edit("customers", named, { notes: "changed in autoGMS" })
    await run(targeted([named]))
    expect(withEmail("lina.linked@example.com")[0]?.["notes"] ?? null).not.toBe("changed in autoGMS")
    await run(sweep)
    expect(withEmail("lina.linked@example.com")[0]?.["notes"]).toBe("changed in autoGMS")
  })

  it("stands aside while a killed run's writes are open; the sweep settles them and brings the customer once", async () => {
    const named = createInAutogms({ firstName: "Otto", lastName: "Open", email: "otto.open@example.com" })
    // A run that recorded a write and died before its outcome.
    await Effect.runPromise(
      Effect.gen(function* () {
        const store = yield* StateStore
        const state = yield* store.pair({ autoleapCompanyId: sandbox.env["AUTOLEAP_COMPANY_ID"] ?? "", autogmsGarageId: sandbox.env["AUTOGMS_GARAGE_ID"] ?? "" })
        const killed = yield* state.startRun({ command: "sync", directions: [{ from: "autogms", to: "autoleap" }], options: {}, dryRun: false })
        yield* state.recordIntents(killed.id, [{ entity: "customers", targetSystem: "autoleap", action: "create", naturalKey: "email:otto.open@example.com", payloadHash: "h", sourceId: named }])
      }).pipe(Effect.provide(StateStore.layer(statePath)))
    )
    await run(targeted([named]))
    expect(withEmail("otto.open@example.com")).toHaveLength(0)
    await run(sweep)
    expect(withEmail("otto.open@example.com")).toHaveLength(1)
  })
})
