import { mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "vitest"
import { generateDataset } from "../../src/sim/fixtures/generate.js"
import { writeDataset } from "../../src/sim/fixtures/writeDataset.js"

const CUSTOMERS = 100_000

it(`generates ${CUSTOMERS.toLocaleString("en-US")} customers and ${(CUSTOMERS * 1.5).toLocaleString("en-US")} vehicles per side`, async () => {
  // A warm-up on a small set so the figure is the steady-state cost, not JIT compilation.
  generateDataset({ customers: 5_000, seed: 1 })
  const heapBefore = process.memoryUsage().heapUsed
  const started = performance.now()
  const dataset = generateDataset({ customers: CUSTOMERS, seed: 42 })
  const generatedMs = performance.now() - started
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6

  expect(dataset.autoleap.customers).toHaveLength(CUSTOMERS)
  expect(dataset.autogms.vehicles).toHaveLength(CUSTOMERS * 1.5)

  const dir = await mkdtemp(join(tmpdir(), "shopbridge-bench-"))
  try {
    const writeStarted = performance.now()
    await writeDataset(dir, dataset)
    const writtenMs = performance.now() - writeStarted
    const bytes = (await stat(join(dir, "autoleap.json"))).size + (await stat(join(dir, "autogms.json"))).size
    const records = (CUSTOMERS + CUSTOMERS * 1.5) * 2
    console.log(
      [
        `generator: ${records.toLocaleString("en-US")} records (2 sides × ${CUSTOMERS.toLocaleString("en-US")} customers + ${(CUSTOMERS * 1.5).toLocaleString("en-US")} vehicles)`,
        `  generate: ${Math.round(generatedMs)} ms (${Math.round(records / (generatedMs / 1000)).toLocaleString("en-US")} records/s), heap +${Math.round(heapMb)} MB`,
        `  write:    ${Math.round(writtenMs)} ms, ${(bytes / 1e6).toFixed(0)} MB on disk`
      ].join("\n")
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
