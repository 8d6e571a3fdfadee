/**
 * Mapping + validation throughput: 100,000 generated AutoLeap customers with 150,000 vehicles, read into the model,
 * de-duplicated, validated for autoGMS, written as autoGMS bodies and hashed — on one core. Target: ≥ 50,000 records/s.
 * Run: npx vitest run --config vitest.bench.config.ts test/bench/mapping.bench.ts
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import type { CustomerRef } from "../../src/domain/ids.js"
import { generateDataset } from "../../src/sim/fixtures/generate.js"
import {
  autoleapCustomerToModel,
  autoleapVehicleToModel,
  contentHash,
  makeMappingContext,
  modelCustomerToAutogms,
  modelVehicleToAutogms,
  resolveSourceDuplicates,
  validateCustomerFor,
  validateVehicleFor
} from "../../src/mapping/index.js"
import { clearPhoneCaches } from "../../src/mapping/normalize.js"
import { defaultMapping } from "../unit/mapping/support.js"

const CUSTOMERS = Number(process.env["BENCH_CUSTOMERS"] ?? 100_000)

describe("mapping throughput", () => {
  it(`maps and validates ${CUSTOMERS} customers with their vehicles at ≥ 50,000 records/s`, () => {
    const dataset = generateDataset({ customers: CUSTOMERS, vehiclesPerCustomer: 1.5, seed: 42 })
    const customers = dataset.autoleap.customers
    const vehicles = dataset.autoleap.vehicles
    const ctx = makeMappingContext(defaultMapping, { now: new Date("2026-03-01T00:00:00Z") })

    const run = () => {
      const start = performance.now()
      const mappedCustomers = resolveSourceDuplicates(customers.map((c) => autoleapCustomerToModel(c, ctx)))
      const linked = new Set<string>()
      let quarantined = 0
      let hashes = 0
      for (const m of mappedCustomers) {
        const v = validateCustomerFor("autogms", m, ctx)
        if (!v.ok) {
          quarantined++
          continue
        }
        linked.add(m.record.source.id)
        modelCustomerToAutogms(m.record, null, ctx)
        if (contentHash(m.record).length > 0) hashes++
      }
      const resolve = (owner: CustomerRef | null) => (owner !== null && linked.has(owner.id) ? `ag-${owner.id}` : null)
      const mappedVehicles = resolveSourceDuplicates(vehicles.map((v) => autoleapVehicleToModel(v, ctx)))
      for (const m of mappedVehicles) {
        const v = validateVehicleFor("autogms", m, ctx, { resolveCustomerId: resolve })
        if (!v.ok) {
          quarantined++
          continue
        }
        if (Either.isRight(modelVehicleToAutogms(m.record, null, ctx, resolve)) && contentHash(m.record).length > 0) hashes++
      }
      const seconds = (performance.now() - start) / 1000
      return { seconds, quarantined, hashes }
    }

    // Each measured run starts with cold phone caches, as a first migration would; one warm-up run lets the JIT settle.
    run()
    const results = [0, 1].map(() => {
      clearPhoneCaches()
      return run()
    })
    const best = results.reduce((a, b) => (a.seconds < b.seconds ? a : b))
    const records = customers.length + vehicles.length
    const perSecond = Math.round(records / best.seconds)
    console.log(
      `mapping + validation: ${customers.length} customers + ${vehicles.length} vehicles = ${records} records in ` +
        `${best.seconds.toFixed(2)} s → ${perSecond.toLocaleString("en-US")} records/s (quarantined ${best.quarantined}, written ${best.hashes})`
    )
    expect(perSecond).toBeGreaterThanOrEqual(50_000)
  })
})
