import { describe, expect, it } from "@effect/vitest"
import { renderTerminalSummary } from "../../../src/report/index.js"
import { appliedSyncReport, dryRunReport } from "./sampleReports.js"

describe("terminal summary", () => {
  it("shows every count per direction and entity", () => {
    const report = appliedSyncReport()
    const lines = renderTerminalSummary(report, "runs/x").split("\n")
    expect(lines[2]).toMatch(/^Direction\s+Records\s+Read\s+Created\s+Updated\s+Linked\s+Unchanged\s+Archived\s+Deleted\s+Skipped\s+Conflicts\s+Quarantined$/)
    for (const direction of report.directions)
      for (const [entity, counts] of Object.entries(direction.entities)) {
        const row = lines.find((l) => l.includes(direction.from === "autoleap" ? "AutoLeap → autoGMS" : "autoGMS → AutoLeap") && l.toLowerCase().includes(entity))
        const c = counts!
        const numbers = row?.trim().split(/\s+/).slice(-10).map(Number)
        expect(numbers).toEqual([c.read, c.created, c.updated, c.linked, c.unchanged, c.archived, c.deleted, c.skipped, c.conflicts, c.quarantined])
      }
  })

  it("lists quarantine by code and where the report files are, without colour codes", () => {
    const text = renderTerminalSummary(dryRunReport(), "runs/20250301-101500-abcd/")
    expect(text).toMatch(/Quarantined \(3\), not written:/)
    expect(text).toContain("  1  INVALID_VIN         The VIN is not 17 valid characters")
    expect(text).toContain("runs/20250301-101500-abcd/report.html")
    expect(text).toContain("runs/20250301-101500-abcd/actions.csv")
    expect(text).toContain("Warnings: 2")
    expect(text).toContain("Estimated time at the configured rate limits: 3 h 21 min (120 AutoLeap and 12,000 autoGMS requests).")
    expect(text).not.toMatch(/\u001b/)
  })
})
