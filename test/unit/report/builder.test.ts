import { describe, expect, it } from "@effect/vitest"
import { assembleRunReport, toActionRecord, type ActionInput } from "../../../src/report/index.js"
import { appliedSyncReport, dryRunReport } from "./sampleReports.js"

const base = { entity: "customers", from: "autoleap", to: "autogms", sourceId: "x", label: "X" } as const
const action = (overrides: Partial<ActionInput>): ReturnType<typeof toActionRecord> => toActionRecord({ ...base, action: "create", ...overrides })

describe("report builder", () => {
  it("derives every count from the actions, per direction and entity", () => {
    const report = dryRunReport()
    expect(report.directions).toEqual([
      {
        from: "autoleap",
        to: "autogms",
        entities: {
          customers: { read: 4, created: 1, updated: 0, unchanged: 0, archived: 0, deleted: 0, linked: 1, conflicts: 0, quarantined: 1, skipped: 1 },
          vehicles: { read: 3, created: 1, updated: 0, unchanged: 0, archived: 0, deleted: 0, linked: 0, conflicts: 0, quarantined: 2, skipped: 0 }
        }
      }
    ])
  })

  it("lists quarantined records, warnings and conflicts from the actions, with plain words when no message was given", () => {
    const report = dryRunReport()
    expect(report.quarantine.map((q) => [q.entity, q.code])).toEqual([
      ["customers", "MISSING_NAME"],
      ["vehicles", "INVALID_VIN"],
      ["vehicles", "MISSING_MAKE_MODEL"]
    ])
    expect(report.quarantine[2]?.message).toMatch(/make or model/)
    expect(report.warnings.map((w) => [w.sourceId, w.code])).toEqual([
      ["al-c-1", "INVALID_EMAIL"],
      ["al-v-1", "VIN_CHECK_DIGIT"]
    ])
    expect(report.warnings.every((w) => w.system === "autoleap")).toBe(true)
  })

  it("counts a resolved conflict as its write and as a conflict, and maps ids to each system", () => {
    const report = appliedSyncReport()
    const alToAg = report.directions.find((d) => d.from === "autoleap")?.entities.customers
    const agToAl = report.directions.find((d) => d.from === "autogms")?.entities.customers
    expect(alToAg).toMatchObject({ read: 3, updated: 2, unchanged: 1, conflicts: 1 })
    expect(agToAl).toMatchObject({ read: 2, conflicts: 1, archived: 1 })
    expect(report.conflicts).toEqual([
      { entity: "customers", autoleapId: "al-3", autogmsId: "ag-3", fields: ["email"], resolution: "newest: AutoLeap kept" },
      { entity: "customers", autoleapId: "al-4", autogmsId: "ag-4", fields: ["phone", "notes"], resolution: "manual: awaiting review" }
    ])
  })

  it("shows a declared entity with zeros even when nothing was read", () => {
    const report = assembleRunReport({
      runId: "r",
      command: "migrate",
      dryRun: true,
      startedAt: "2025-01-01T00:00:00Z",
      finishedAt: "2025-01-01T00:00:01Z",
      scope: [{ from: "autogms", to: "autoleap", entities: ["customers", "vehicles"] }],
      actions: []
    })
    expect(report.directions[0]?.entities.vehicles).toMatchObject({ read: 0, created: 0, quarantined: 0 })
    expect(report.requests.autogms).toEqual({ total: 0, retried: 0, throttled: 0 })
  })

  it("derives the status: completed only when nothing needs review, unless the pipeline says otherwise", () => {
    const header = { runId: "r", command: "migrate", dryRun: false, startedAt: "a", finishedAt: "b" } as const
    expect(assembleRunReport({ ...header, actions: [action({})] }).status).toBe("completed")
    expect(assembleRunReport({ ...header, actions: [action({ action: "quarantine", reason: "INVALID_VIN" })] }).status).toBe("completed_with_errors")
    expect(assembleRunReport({ ...header, actions: [action({ action: "conflict" })] }).status).toBe("completed_with_errors")
    expect(
      assembleRunReport({
        ...header,
        actions: [action({})],
        verification: [{ from: "autoleap", to: "autogms", entity: "customers", expected: 1, found: 0, mismatches: [] }]
      }).status
    ).toBe("completed_with_errors")
    expect(assembleRunReport({ ...header, actions: [action({})], status: "interrupted" }).status).toBe("interrupted")
    expect(appliedSyncReport().status).toBe("completed_with_errors")
  })

  it("computes the estimate per method class at the configured limits", () => {
    const estimate = dryRunReport().estimate
    expect(estimate?.autogms.lines).toEqual([{ method: "all", requests: 12000, perMinute: 60, minutes: 200 }])
    expect(estimate?.autoleap.minutes).toBeCloseTo(0.8)
    expect(estimate?.minutes).toBeCloseTo(200.8)
  })
})
