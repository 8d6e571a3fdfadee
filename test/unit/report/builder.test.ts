import { describe, expect, it } from "@effect/vitest"
import {
  assembleRunReport,
  emptyCounts,
  isOpenConflict,
  needsReview,
  type ConflictEntry,
  type RunReportInput
} from "../../../src/report/index.js"
import { appliedSyncReport, driftedApplyReport, dryRunReport } from "./sampleReports.js"

const header = { runId: "r", command: "migrate", dryRun: false, startedAt: "2025-01-01T00:00:00Z", finishedAt: "2025-01-01T00:00:01Z" } as const
const directions: RunReportInput["directions"] = [{ from: "autoleap", to: "autogms", entities: { customers: { ...emptyCounts, read: 2, created: 2 } } }]
const conflict = (resolution: string): ConflictEntry => ({ entity: "customers", autoleapId: "al-1", autogmsId: "ag-1", fields: ["email"], resolution })
const quarantined = { entity: "vehicles", system: "autoleap", sourceId: "v", code: "INVALID_VIN", message: "bad VIN" } as const

describe("assembleRunReport", () => {
  it("takes the counts as given and fills what was not said with none", () => {
    const report = assembleRunReport({ ...header, directions })
    expect(report).toEqual({
      ...header,
      status: "completed",
      directions,
      quarantine: [],
      warnings: [],
      conflicts: [],
      drifted: [],
      requests: { autoleap: { total: 0, retried: 0, throttled: 0 }, autogms: { total: 0, retried: 0, throttled: 0 } },
      estimate: null,
      verification: null,
      sync: null
    })
    expect(report).not.toHaveProperty("actions")
  })

  it("keeps the requests of one API when only that one is given", () => {
    const report = assembleRunReport({ ...header, directions, requests: { autogms: { total: 5, retried: 1, throttled: 2 } } })
    expect(report.requests).toEqual({ autoleap: { total: 0, retried: 0, throttled: 0 }, autogms: { total: 5, retried: 1, throttled: 2 } })
  })

  it("derives the status: completed only when nothing needs review, unless the pipeline says otherwise", () => {
    const status = (input: Partial<RunReportInput>) => assembleRunReport({ ...header, directions, ...input }).status
    expect(status({})).toBe("completed")
    expect(status({ quarantine: [quarantined] })).toBe("completed_with_errors")
    expect(status({ conflicts: [conflict("open")] })).toBe("completed_with_errors")
    expect(status({ conflicts: [conflict("manual: awaiting review")] })).toBe("completed_with_errors")
    expect(status({ conflicts: [conflict("newest: AutoLeap kept")] })).toBe("completed")
    expect(status({ verification: [{ from: "autoleap", to: "autogms", entity: "customers", expected: 1, found: 0, mismatches: [] }] })).toBe(
      "completed_with_errors"
    )
    expect(
      status({
        verification: [
          { from: "autoleap", to: "autogms", entity: "customers", expected: 1, found: 1, mismatches: [{ sourceId: "a", targetId: "b", label: "A", fields: ["email"] }] }
        ]
      })
    ).toBe("completed_with_errors")
    expect(status({ warnings: [{ ...quarantined, code: "VIN_CHECK_DIGIT" }] })).toBe("completed")
    // A sync whose archives and deletes were held back (over sync.deletes.maxPercent) waits for a person.
    const cursors = [{ system: "autoleap", entity: "vehicles", before: null, after: null }] as const
    expect(status({ command: "sync", sync: { cursors, echoes: 0, deletesHeldBack: "Archives and deletes held back: …" } })).toBe("completed_with_errors")
    expect(status({ command: "sync", sync: { cursors, echoes: 0, deletesHeldBack: null } })).toBe("completed")
    expect(status({ quarantine: [quarantined], status: "interrupted" })).toBe("interrupted")
  })

  it("does not ask for review because of drift: each drifted record was planned again or deliberately held", () => {
    expect(driftedApplyReport().report.status).toBe("completed")
    expect(driftedApplyReport().report.drifted.map((d) => d.resolution)).toEqual(["replanned", "held"])
  })
})

describe("needsReview", () => {
  it("is what the CLI's exit code follows", () => {
    expect(needsReview(dryRunReport().report)).toBe(true)
    expect(needsReview(appliedSyncReport().report)).toBe(true)
    expect(needsReview(driftedApplyReport().report)).toBe(false)
  })

  it("counts a conflict as open while it is 'open' or awaiting review", () => {
    expect(isOpenConflict(conflict("open"))).toBe(true)
    expect(isOpenConflict(conflict("manual: Awaiting review"))).toBe(true)
    expect(isOpenConflict(conflict("autogms"))).toBe(false)
  })
})

describe("estimate", () => {
  it("computes the estimate per method class at the configured limits", () => {
    const estimate = dryRunReport().report.estimate
    expect(estimate?.autogms.lines).toEqual([{ method: "all", requests: 12000, perMinute: 60, minutes: 200 }])
    expect(estimate?.autoleap.minutes).toBeCloseTo(0.8)
    expect(estimate?.minutes).toBeCloseTo(200.8)
  })
})
