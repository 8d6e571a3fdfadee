import { describe, expect, it } from "@effect/vitest"
import { assembleRunReport, renderTerminalSummary, type EntityCounts } from "../../../src/report/index.js"
import { appliedSyncReport, driftedApplyReport, dryRunReport } from "./sampleReports.js"

const columns: ReadonlyArray<keyof EntityCounts> = ["read", "created", "updated", "linked", "unchanged", "archived", "deleted", "skipped", "conflicts", "quarantined"]

describe("terminal summary", () => {
  it("shows every count per direction and entity", () => {
    const { report } = appliedSyncReport()
    const lines = renderTerminalSummary(report, "runs/x").split("\n")
    expect(lines[2]).toMatch(/^Direction\s+Records\s+Read\s+Created\s+Updated\s+Linked\s+Unchanged\s+Archived\s+Deleted\s+Skipped\s+Conflicts\s+Quarantined$/)
    for (const direction of report.directions)
      for (const [entity, counts] of Object.entries(direction.entities)) {
        const row = lines.find((l) => l.includes(direction.from === "autoleap" ? "AutoLeap → autoGMS" : "autoGMS → AutoLeap") && l.toLowerCase().includes(entity))
        const numbers = row?.trim().split(/\s+/).slice(-columns.length).map(Number)
        expect(numbers).toEqual(columns.map((c) => counts?.[c]))
      }
  })

  it("lists quarantine by code and where the report files are, without colour codes", () => {
    const text = renderTerminalSummary(dryRunReport().report, "runs/20250301-101500-abcd/")
    expect(text).toMatch(/Quarantined \(3\), not written:/)
    expect(text).toContain("  1  INVALID_VIN         The VIN is not 17 valid characters")
    expect(text).toContain("runs/20250301-101500-abcd/report.html")
    expect(text).toContain("runs/20250301-101500-abcd/actions.csv")
    expect(text).toContain("Warnings: 2")
    expect(text).toContain("Estimated time at the configured rate limits: 3 h 21 min (120 AutoLeap and 12,000 autoGMS requests).")
    expect(text).not.toMatch(/\u001b/)
  })

  it("counts the conflicts still awaiting review from the report's conflicts", () => {
    expect(renderTerminalSummary(appliedSyncReport().report, "runs/x")).toContain("Conflicts: 2 (1 awaiting review).")
    const report = assembleRunReport({
      runId: "r",
      command: "sync",
      dryRun: false,
      startedAt: "2025-01-01T00:00:00Z",
      finishedAt: "2025-01-01T00:00:01Z",
      directions: [],
      conflicts: [
        { entity: "customers", autoleapId: "a", autogmsId: "b", fields: ["email"], resolution: "open" },
        { entity: "customers", autoleapId: "c", autogmsId: "d", fields: ["email"], resolution: "autogms" }
      ]
    })
    expect(renderTerminalSummary(report, "runs/r")).toContain("Conflicts: 2 (1 awaiting review).")
  })

  it("adds the drift column and line when records changed since the plan", () => {
    const text = renderTerminalSummary(driftedApplyReport().report, "runs/d")
    expect(text).toMatch(/Quarantined\s+Drifted\n/)
    expect(text).toMatch(/AutoLeap → autoGMS\s+Customers\s+3\s+1\s+1\s+0\s+0\s+0\s+0\s+1\s+0\s+0\s+2\n/)
    expect(text).toContain("Changed since the plan: 2 (1 planned again, 1 held back).")
  })
})
