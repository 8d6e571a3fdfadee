import { describe, expect, it } from "@effect/vitest"
import { ACTION_SAMPLE_LIMIT, escapeMarkdown, renderMarkdown, runActionsFromArray, toActionRecord } from "../../../src/report/index.js"
import { idsIn, manyFindings } from "./manyFindings.js"
import { appliedSyncReport, driftedApplyReport, dryRunReport, hostile } from "./sampleReports.js"

const render = (run: ReturnType<typeof dryRunReport>): string => renderMarkdown(run.report, run.actions.samples)

/** Every table row has the same number of unescaped pipes as its header. */
const expectWellFormedTables = (md: string): void => {
  for (const block of md.split("\n\n").filter((b) => b.startsWith("|"))) {
    const widths = block.split("\n").filter((row) => row !== "").map((row) => row.replace(/\\\|/g, "").split("|").length)
    expect(new Set(widths).size).toBe(1)
  }
}

describe("report.md", () => {
  it("puts the counts first, per direction and entity", () => {
    const md = render(dryRunReport())
    const counts = md.indexOf("## Counts")
    expect(counts).toBeGreaterThan(0)
    expect(counts).toBeLessThan(md.indexOf("## Quarantined records"))
    expect(md).toContain("| AutoLeap → autoGMS | Customers | 4 | 1 | 0 | 1 | 0 | 0 | 0 | 1 | 0 | 1 |")
    expect(md).toContain("| AutoLeap → autoGMS | Vehicles | 3 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 2 |")
  })

  it("says what a dry run would do, and why records were held back", () => {
    const md = render(dryRunReport())
    expect(md).toMatch(/^# Dry run report/)
    expect(md).toContain("would hold back 1 customer and 2 vehicles")
    expect(md).toContain("| INVALID_VIN | The VIN is not 17 valid characters | 1 |")
    expect(md).toContain("## Planned changes")
    expect(md).toContain("### Would create (2)")
    expect(md.indexOf("### Would create")).toBeLessThan(md.indexOf("### Would link to existing"))
    expect(md.indexOf("### Would link to existing")).toBeLessThan(md.indexOf("### Would hold back"))
    expect(md).not.toContain("more create actions")
  })

  it("shows verification and conflicts of an applied run, and counts the unchanged records without listing them", () => {
    const md = render(appliedSyncReport())
    expect(md).toContain("| autoGMS → AutoLeap | Customers | 1 | 0 | 1 |")
    expect(md).toContain("not found on the target")
    expect(md).toContain("manual: awaiting review")
    expect(md).toContain("1 record is unchanged; actions.csv lists it.")
    expect(md).not.toContain("### Unchanged")
    expect(md).not.toContain("Ben Ode")
  })

  it("adds a drift column and section only when records changed since the plan", () => {
    const md = render(driftedApplyReport())
    expect(md).toContain("| Direction | Records | Read | Created | Updated | Linked | Unchanged | Archived | Deleted | Skipped | Conflicts | Quarantined | Drifted |")
    expect(md).toContain("| AutoLeap → autoGMS | Customers | 3 | 1 | 1 | 0 | 0 | 0 | 0 | 1 | 0 | 0 | 2 |")
    expect(md).toContain("## Changed since the plan")
    expect(md).toContain(
      "| Customers | AutoLeap | al-c-3 | O'Brien \\& Sons | held back, not written | skipped | notes: (empty) → line one line two, with comma |"
    )
    expect(render(dryRunReport())).not.toMatch(/Drifted|Changed since the plan/)
    expectWellFormedTables(md)
  })

  it("shows the first actions of each kind and says how many more are in actions.csv", () => {
    const many = Array.from({ length: ACTION_SAMPLE_LIMIT + 1 }, (_, i) =>
      toActionRecord({ entity: "vehicles", from: "autoleap", to: "autogms", action: "update", sourceId: `v-${i}`, targetId: `t-${i}`, label: `Car ${i}` })
    )
    const md = renderMarkdown(appliedSyncReport().report, runActionsFromArray(many).samples)
    expect(md).toContain("### Updated (1,001)")
    expect(md).toContain(`| Car ${ACTION_SAMPLE_LIMIT - 1} |`)
    expect(md).not.toContain(`| Car ${ACTION_SAMPLE_LIMIT} |`)
    expect(md).toContain("1 more update action is in actions.csv.")
  })

  it("lists every quarantined record, warning, conflict and drifted record, however many", () => {
    const { report, ids } = manyFindings(2500)
    const md = renderMarkdown(report, [])
    expect(idsIn(md)).toEqual(new Set(ids))
    expectWellFormedTables(md)
  })

  it("says where the actions are when it has none to show", () => {
    const md = renderMarkdown(dryRunReport().report, [], { actionsNote: "Re-rendered from the state store: see actions.csv of the original run." })
    expect(md).toContain("## Planned changes\n\nRe-rendered from the state store: see actions.csv of the original run.")
    expect(md).not.toContain("No record changes.")
  })

  it("escapes values so they cannot open tags, links or break a table row", () => {
    expect(escapeMarkdown(hostile.script)).toBe("\\<script\\>alert(1)\\</script\\>")
    expect(escapeMarkdown("[x](javascript:y) *b* &amp;")).toBe("\\[x\\](javascript:y) \\*b\\* \\&amp;")
    expect(escapeMarkdown("a | b\nc")).toBe("a \\| b c")
    const md = render(dryRunReport())
    expect(md).not.toContain("<script>")
    expect(md).not.toContain("line one\nline two")
    expectWellFormedTables(md)
  })
})
