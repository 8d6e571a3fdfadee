import { describe, expect, it } from "@effect/vitest"
import { escapeMarkdown, renderMarkdown } from "../../../src/report/index.js"
import { appliedSyncReport, dryRunReport, hostile } from "./sampleReports.js"

describe("report.md", () => {
  it("puts the counts first, per direction and entity", () => {
    const md = renderMarkdown(dryRunReport())
    const counts = md.indexOf("## Counts")
    expect(counts).toBeGreaterThan(0)
    expect(counts).toBeLessThan(md.indexOf("## Quarantined records"))
    expect(md).toContain("| AutoLeap → autoGMS | Customers | 4 | 1 | 0 | 1 | 0 | 0 | 0 | 1 | 0 | 1 |")
    expect(md).toContain("| AutoLeap → autoGMS | Vehicles | 3 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 2 |")
  })

  it("says what a dry run would do, and why records were held back", () => {
    const md = renderMarkdown(dryRunReport())
    expect(md).toMatch(/^# Dry run report/)
    expect(md).toContain("would hold back 1 customer and 2 vehicles")
    expect(md).toContain("| INVALID_VIN | The VIN is not 17 valid characters | 1 |")
    expect(md).toContain("## Planned changes")
  })

  it("shows verification and conflicts of an applied run", () => {
    const md = renderMarkdown(appliedSyncReport())
    expect(md).toContain("| autoGMS → AutoLeap | Customers | 1 | 0 | 1 |")
    expect(md).toContain("not found on the target")
    expect(md).toContain("manual: awaiting review")
  })

  it("escapes values so they cannot open tags, links or break a table row", () => {
    expect(escapeMarkdown(hostile.script)).toBe("\\<script\\>alert(1)\\</script\\>")
    expect(escapeMarkdown("[x](javascript:y) *b* &amp;")).toBe("\\[x\\](javascript:y) \\*b\\* \\&amp;")
    expect(escapeMarkdown("a | b\nc")).toBe("a \\| b c")
    const md = renderMarkdown(dryRunReport())
    expect(md).not.toContain("<script>")
    expect(md).not.toContain("line one\nline two")
    // Every table row has the same number of unescaped pipes as its header.
    for (const block of md.split("\n\n").filter((b) => b.startsWith("|"))) {
      const widths = block.split("\n").filter((row) => row !== "").map((row) => row.replace(/\\\|/g, "").split("|").length)
      expect(new Set(widths).size).toBe(1)
    }
  })
})
