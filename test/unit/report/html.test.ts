import { describe, expect, it } from "@effect/vitest"
import { ACTION_SAMPLE_LIMIT, escapeHtml, renderHtml, runActionsFromArray, toActionRecord } from "../../../src/report/index.js"
import { idsIn, manyFindings } from "./manyFindings.js"
import { appliedSyncReport, driftedApplyReport, dryRunReport, hostile } from "./sampleReports.js"

/** The text of the page with tags removed and entities decoded: what a reader sees. */
const visibleText = (html: string): string =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, "")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")

const render = (run: ReturnType<typeof dryRunReport>): string => renderHtml(run.report, run.actions.samples)

describe("report.html", () => {
  it("escapes & < > \" ' for text and attributes", () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
  })

  it("never lets a hostile value become markup, in names, notes, reasons, ids or field values", () => {
    for (const run of [dryRunReport(), appliedSyncReport(), driftedApplyReport()]) {
      const html = render(run)
      expect(html).not.toMatch(/<script/i)
      expect(html).not.toContain(hostile.quote)
      expect(html).not.toContain("O'Brien")
      expect(html).not.toContain("O'Brien & Sons")
      // Every < in the page opens one of our own tags.
      const tags = [...html.matchAll(/<\/?([a-zA-Z!][\w-]*)/g)].map((m) => (m[1] ?? "").toLowerCase())
      const ours = new Set(["!doctype", "html", "head", "meta", "title", "style", "body", "main", "section", "h1", "h2", "h3", "p", "span", "strong", "ul", "li", "table", "thead", "tbody", "tr", "th", "td"])
      expect(tags.filter((t) => !ours.has(t))).toEqual([])
    }
  })

  it("still shows every hostile value, as text, where a reader expects it", () => {
    const text = visibleText(render(dryRunReport()))
    expect(text).toContain(hostile.script) // the label and the field value
    expect(text).toContain(hostile.formula) // the quarantined record's id
    expect(text).toContain(`VIN "${hostile.script}" is not 17 characters`)
    expect(text).toContain("O'Brien & Sons")
    expect(text).toContain(`notes: (empty) → ${hostile.multiline}`)
    expect(text).toContain("line1: a | b, city: Austin")
  })

  it("is self-contained: no script, no external reference", () => {
    const html = render(appliedSyncReport())
    expect(html).not.toMatch(/\b(src|href)\s*=/i)
    expect(html).not.toMatch(/url\(|@import|https?:\/\//i)
    expect(html).toMatch(/<style>[\s\S]+<\/style>/)
  })

  it("has the summary, counts, estimate, requests, quarantine, warnings, conflicts, verification and changes by kind", () => {
    const dry = visibleText(render(dryRunReport()))
    expect(dry).toContain("Dry run — nothing was written; some records need review")
    expect(dry).toContain("AutoLeap → autoGMS: 7 records read; would create 1 customer and 1 vehicle; would link to existing 1 customer; would hold back 1 customer and 2 vehicles; would skip 1 customer.")
    expect(dry).toContain("About 3 h 21 min at the configured rate limits (12,120 requests).")
    expect(dry).toMatch(/MISSING_MAKE_MODEL.*make or model/)
    expect(dry).toContain("Planned changes")
    expect(dry).toContain("Would create (2)")
    expect(dry).toContain("Would hold back (3)")
    expect(dry).toContain("phone: +15550001111 → +15550002222")
    expect(dry).toContain("Not run: a dry run writes nothing to check.")
    expect(dry).not.toContain("Drifted")

    const applied = visibleText(render(appliedSyncReport()))
    expect(applied).toContain("newest: AutoLeap kept")
    expect(applied).toContain("not found on the target")
    expect(applied).toContain("email: ana@old.example → ana@new.example")
    expect(applied).toContain("1 record is unchanged; actions.csv lists it.")
    expect(applied).toMatch(/autoGMS→?.*21.*0.*3/)
  })

  it("lists the records that changed since the plan, with what changed and what apply did", () => {
    const text = visibleText(render(driftedApplyReport()))
    expect(text).toContain("Changed since the plan")
    expect(text).toContain("2 customers changed since the plan")
    expect(text).toMatch(/Drifted/)
    expect(text).toContain(`${hostile.script}planned again from the new versionupdatedphone: +15550000001 → +15550000009`)
    expect(text).toContain(`O'Brien & Sonsheld back, not writtenskippednotes: (empty) → ${hostile.multiline}`)
  })

  it("shows the first actions of each kind and says how many more are in actions.csv", () => {
    const many = Array.from({ length: ACTION_SAMPLE_LIMIT + 30 }, (_, i) =>
      toActionRecord({ entity: "customers", from: "autoleap", to: "autogms", action: "create", sourceId: `id-${i}`, label: `Customer ${i}` })
    )
    const link = toActionRecord({ entity: "customers", from: "autoleap", to: "autogms", action: "link", sourceId: "l", targetId: "t", label: "Linked one" })
    const text = visibleText(renderHtml(dryRunReport().report, runActionsFromArray([...many, link]).samples))
    expect(text).toContain(`Customer ${ACTION_SAMPLE_LIMIT - 1}`)
    expect(text).not.toContain(`Customer ${ACTION_SAMPLE_LIMIT}`)
    expect(text).toContain("Would create (1,030)")
    expect(text).toContain("30 more create actions are in actions.csv.")
    expect(text).toContain("Linked one")
    expect(text).not.toContain("more link actions")
  })

  it("lists every quarantined record, warning, conflict and drifted record, however many", () => {
    const { report, ids } = manyFindings(2500)
    const text = visibleText(renderHtml(report, []))
    expect(idsIn(text)).toEqual(new Set(ids))
  })

  it("says where the actions are when it has none to show, instead of 'no record changes'", () => {
    const text = visibleText(renderHtml(dryRunReport().report, [], { actionsNote: "The per-record actions are in runs/x/actions.csv." }))
    expect(text).toContain("The per-record actions are in runs/x/actions.csv.")
    expect(text).not.toContain("No record changes.")
    expect(visibleText(renderHtml(dryRunReport().report, []))).toContain("No record changes.")
  })
})
