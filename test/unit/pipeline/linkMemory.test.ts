/**
 * Link memory (what sync builds on): after a migration each link holds, per side, the hash of the record as that side
 * stores it, the hash of what was written, and the base record. Checked by re-reading the records as a later sync would.
 */
import { Effect, Option } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { executeMigration } from "../../../src/cli/runMigration.js"
import { autogmsVehicleToModel, autoleapCustomerToModel, autoleapVehicleToModel } from "../../../src/mapping/index.js"
import { storedHash } from "../../../src/pipeline/plan.js"
import { startSandbox, type Sandbox } from "../../../src/sim/sandbox.js"
import type { AutogmsVehicle } from "../../../src/sources/autogms/schema.js"
import type { AutoleapCustomer, AutoleapVehicle } from "../../../src/sources/autoleap/schema.js"
import { StateStore, type Link } from "../../../src/state/index.js"
import { ctx } from "../mapping/support.js"

let sandbox: Sandbox
const dir = mkdtempSync(join(tmpdir(), "shopbridge-link-memory-"))
const statePath = join(dir, "state.db")

beforeAll(async () => {
  sandbox = await startSandbox({ seed: "small" })
  Object.assign(process.env, sandbox.env)
  await Effect.runPromise(
    executeMigration({
      options: { from: "autoleap", to: "autogms", entities: ["customers", "vehicles"], dryRun: false, includeArchived: false, mappingPath: null, runsDir: join(dir, "runs") },
      statePath,
      say: () => undefined
    })
  )
}, 60_000)
afterAll(async () => {
  await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
})

const linkOf = (entity: "customers" | "vehicles", autoleapId: string): Promise<Link> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const store = yield* StateStore
      const state = yield* store.pair({ autoleapCompanyId: sandbox.env["AUTOLEAP_COMPANY_ID"] ?? "", autogmsGarageId: sandbox.env["AUTOGMS_GARAGE_ID"] ?? "" })
      const link = yield* state.link(entity, "autoleap", autoleapId)
      return Option.getOrThrowWith(link, () => new Error(`no link for AutoLeap ${entity} ${autoleapId}`))
    }).pipe(Effect.provide(StateStore.layer(statePath)))
  )

describe("link memory after a migration AutoLeap → autoGMS", () => {
  it("a vehicle read again from AutoLeap matches its link's seen hash; read from autoGMS, the hash seen and written there", async () => {
    const written = sandbox.autoleap.dump().vehicles.filter((v) => v.companyId === sandbox.env["AUTOLEAP_COMPANY_ID"])
    let checked = 0
    for (const wire of written) {
      const again = autoleapVehicleToModel(wire as unknown as AutoleapVehicle, ctx)
      const link = await linkOf("vehicles", again.record.source.id).catch(() => undefined)
      if (link === undefined) continue
      expect(link.autoleap.seen).toBe(storedHash(again.record))
      const there = sandbox.autogms.dump().vehicles.find((v) => v.id === link.autogmsId)
      expect(there).toBeDefined()
      const onTarget = autogmsVehicleToModel(there as unknown as AutogmsVehicle, ctx)
      expect(link.autogms.seen).toBe(storedHash(onTarget.record))
      if (link.autogms.written !== null) expect(link.autogms.written).toBe(storedHash(onTarget.record))
      checked++
    }
    expect(checked).toBeGreaterThan(20)
  })

  it("a created customer's link keeps the base record (the model as both sides now hold it) and both sides' sidecars", async () => {
    const wire = sandbox.autoleap.dump().customers.find((c) => c.customerId === "al-cus-000003")
    const again = autoleapCustomerToModel(wire as unknown as AutoleapCustomer, ctx)
    const link = await linkOf("customers", "al-cus-000003")
    expect(link.autoleap.seen).toBe(storedHash(again.record))
    expect(link.base).toMatchObject({ kind: "customer", firstName: again.record.firstName, lastName: again.record.lastName, email: again.record.email })
    expect(link.sidecar).toHaveProperty("autoleap")
  })
})
