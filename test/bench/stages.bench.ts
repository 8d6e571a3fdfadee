/**
 * The local stages of a migration, without HTTP: wire records decoded with the client's schemas, mapped to the model,
 * written page by page into snapshots of both sides (the extract stage's own code), then planned by indexed lookups
 * into the plan table (the plan stage's own code) — on one core, against a state file on disk.
 * Target (issue 10): ≥ 50,000 records/s, counting every record of both sides.
 * Run: npx vitest run --config vitest.bench.config.ts test/bench/stages.bench.ts   (BENCH_CUSTOMERS=… to resize)
 */
import { Effect, Layer, Option, Schema, Stream } from "effect"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import type { SystemName } from "../../src/domain/ids.js"
import { autogmsCustomerToModel, autogmsVehicleToModel, autoleapCustomerToModel, autoleapVehicleToModel, makeMappingContext } from "../../src/mapping/index.js"
import { snapshotStream } from "../../src/pipeline/extract.js"
import type { TargetCapabilities } from "../../src/pipeline/plan.js"
import { planEntityStage } from "../../src/pipeline/planStage.js"
import type { StageServices } from "../../src/pipeline/stage.js"
import type { Gateway } from "../../src/pipeline/gateway.js"
import { clearPhoneCaches } from "../../src/mapping/normalize.js"
import { generateDataset } from "../../src/sim/fixtures/generate.js"
import { AutogmsCustomer, AutogmsVehicle } from "../../src/sources/autogms/schema.js"
import { AutoleapCustomer, AutoleapVehicle } from "../../src/sources/autoleap/schema.js"
import { StateStore } from "../../src/state/index.js"
import { defaultMapping } from "../unit/mapping/support.js"

const CUSTOMERS = Number(process.env["BENCH_CUSTOMERS"] ?? 40_000)
const TARGET_RECORDS_PER_SECOND = 50_000

/** A gateway that only declares what the target can hold: these stages send nothing. */
const offline = (system: SystemName, capabilities: TargetCapabilities): Gateway => {
  const none = Effect.die(new Error(`the local stages bench sent a request to ${system}`))
  const entity = { read: Stream.die("no reads"), readChanged: () => Stream.die("no reads"), write: () => none }
  return {
    system,
    groupSize: 100,
    capabilities,
    check: none,
    count: () => none,
    customers: entity,
    vehicles: entity,
    requestCounts: Effect.succeed({ total: 0, retried: 0, throttled: 0, paced: 0, rateLimited: 0 }),
    serverTime: Effect.succeed(Option.none()),
    estimate: () => []
  }
}

describe("local stages throughput", () => {
  it(`decodes, maps, snapshots and plans ${CUSTOMERS} customers per side with their vehicles at ≥ ${TARGET_RECORDS_PER_SECOND} records/s`, async () => {
    const dataset = generateDataset({ customers: CUSTOMERS, vehiclesPerCustomer: 1.5, seed: 42 })
    const ctx = makeMappingContext(defaultMapping, { now: new Date("2026-03-01T00:00:00Z") })
    const dir = mkdtempSync(join(tmpdir(), "shopbridge-stages-bench-"))
    const statePath = join(dir, "state.db")
    const decode = {
      alCustomer: Schema.decodeUnknownSync(AutoleapCustomer),
      alVehicle: Schema.decodeUnknownSync(AutoleapVehicle),
      agCustomer: Schema.decodeUnknownSync(AutogmsCustomer),
      agVehicle: Schema.decodeUnknownSync(AutogmsVehicle)
    }
    const records =
      dataset.autoleap.customers.length + dataset.autoleap.vehicles.length + dataset.autogms.customers.length + dataset.autogms.vehicles.length

    // Decode + map alone, no state: the floor under the whole figure.
    const mapOnly = (() => {
      const started = performance.now()
      for (const c of dataset.autoleap.customers) autoleapCustomerToModel(decode.alCustomer(c), ctx)
      for (const v of dataset.autoleap.vehicles) autoleapVehicleToModel(decode.alVehicle(v), ctx)
      for (const c of dataset.autogms.customers) autogmsCustomerToModel(decode.agCustomer(c), ctx)
      for (const v of dataset.autogms.vehicles) autogmsVehicleToModel(decode.agVehicle(v), ctx)
      const elapsed = performance.now() - started
      clearPhoneCaches() // the measured run below starts as cold as a CLI run
      return elapsed
    })()

    const program = Effect.gen(function* () {
      const store = yield* StateStore
      const state = yield* store.pair({ autoleapCompanyId: "bench-company", autogmsGarageId: "bench-garage" })
      const runId = "bench-run"
      yield* state.startRun({ runId, command: "migrate", directions: [{ from: "autoleap", to: "autogms" }], options: {}, dryRun: true })
      const services: StageServices = {
        gateways: {
          autoleap: offline("autoleap", { clearsFields: false, secondaryPhoneAlone: false }),
          autogms: offline("autogms", { clearsFields: true, secondaryPhoneAlone: true })
        },
        state,
        ctx,
        progress: { start: () => Effect.void, advance: () => Effect.void, finish: () => Effect.void, log: () => Effect.void },
        say: () => Effect.void
      }
      const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.map(Effect.timed(effect), ([duration, value]) => ({ duration, value }))

      const extract = yield* timed(
        Effect.all({
          alCustomers: snapshotStream(services, runId, "autoleap", "customers", Stream.fromIterable(dataset.autoleap.customers).pipe(Stream.map((c) => autoleapCustomerToModel(decode.alCustomer(c), ctx)))),
          alVehicles: snapshotStream(services, runId, "autoleap", "vehicles", Stream.fromIterable(dataset.autoleap.vehicles).pipe(Stream.map((v) => autoleapVehicleToModel(decode.alVehicle(v), ctx)))),
          agCustomers: snapshotStream(services, runId, "autogms", "customers", Stream.fromIterable(dataset.autogms.customers).pipe(Stream.map((c) => autogmsCustomerToModel(decode.agCustomer(c), ctx)))),
          agVehicles: snapshotStream(services, runId, "autogms", "vehicles", Stream.fromIterable(dataset.autogms.vehicles).pipe(Stream.map((v) => autogmsVehicleToModel(decode.agVehicle(v), ctx))))
        })
      )
      const ids = extract.value
      const direction = { from: "autoleap", to: "autogms" } as const
      const plan = yield* timed(
        Effect.zipRight(
          planEntityStage(services, runId, direction, "customers", { source: ids.alCustomers, target: ids.agCustomers }),
          planEntityStage(services, runId, direction, "vehicles", { source: ids.alVehicles, target: ids.agVehicles })
        )
      )
      return { extractMs: extract.duration, planMs: plan.duration }
    }).pipe(Effect.provide(Layer.fresh(StateStore.layer(statePath))))

    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    const { extractMs, planMs } = await Effect.runPromise(program)
    const wallMs = performance.now() - started
    const cpu = process.cpuUsage(cpuBefore)
    const rate = (records * 1000) / wallMs
    const dbBytes = statSync(statePath).size
    console.log(
      [
        `local stages: ${records} records (AutoLeap ${dataset.autoleap.customers.length} + ${dataset.autoleap.vehicles.length}, autoGMS ${dataset.autogms.customers.length} + ${dataset.autogms.vehicles.length})`,
        `  decode + map alone (no state): ${Math.round(mapOnly)} ms, ${Math.round((records * 1000) / mapOnly)} records/s`,
        `  extract (decode + map + snapshot, both sides): ${String(extractMs)}`,
        `  plan (AutoLeap → autoGMS, customers then vehicles): ${String(planMs)}`,
        `  total ${(wallMs / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1000 / records).toFixed(3)} CPU ms per record: ${Math.round(rate)} records/s`,
        `  state.db ${(dbBytes / 1e6).toFixed(1)} MB`
      ].join("\n")
    )
    rmSync(dir, { recursive: true, force: true })
    expect(rate).toBeGreaterThanOrEqual(TARGET_RECORDS_PER_SECOND)
  })
})
