import { assembleRunReport, emptyCounts, type RunReport } from "../../../src/report/index.js"

/**
 * A report with `n` each of quarantined records, warnings, conflicts and drifted records, every one with its own id:
 * more than any action sample, to check that the report lists them all.
 */
export const manyFindings = (n: number): { readonly report: RunReport; readonly ids: ReadonlyArray<string> } => {
  // The "-end" keeps "q-1" from being found inside "q-10".
  const range = (prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}-end`)
  const quarantined = range("q")
  const warned = range("w")
  const conflicted = range("c")
  const drifted = range("d")
  const report = assembleRunReport({
    runId: "many",
    command: "migrate",
    dryRun: false,
    startedAt: "2025-03-04T00:00:00.000Z",
    finishedAt: "2025-03-04T01:00:00.000Z",
    directions: [{ from: "autoleap", to: "autogms", entities: { vehicles: { ...emptyCounts, read: 4 * n, quarantined: n, drifted: n } } }],
    quarantine: quarantined.map((sourceId) => ({ entity: "vehicles", system: "autoleap", sourceId, code: "INVALID_VIN", message: "bad VIN" })),
    warnings: warned.map((sourceId) => ({ entity: "vehicles", system: "autoleap", sourceId, code: "VIN_CHECK_DIGIT", message: "check digit" })),
    conflicts: conflicted.map((autoleapId) => ({ entity: "vehicles", autoleapId, autogmsId: null, fields: ["vin"], resolution: "newest: AutoLeap kept" })),
    drifted: drifted.map((sourceId) => ({ entity: "vehicles", system: "autoleap", sourceId, label: "Car", resolution: "replanned", action: "update", changes: [] }))
  })
  return { report, ids: [...quarantined, ...warned, ...conflicted, ...drifted] }
}

/** The ids of `manyFindings` that a rendered text shows, each once. */
export const idsIn = (text: string): ReadonlySet<string> => new Set(text.match(/[qwcd]-\d+-end/g) ?? [])
