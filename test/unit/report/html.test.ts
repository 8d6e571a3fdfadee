import { describe, expect, it } from "@effect/vitest"
import { escapeHtml, renderHtml, toActionRecord, type RunReport } from "../../../src/report/index.js"
import { appliedSyncReport, dryRunReport, hostile } from "./sampleReports.js"

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

describe("report.html", () => {
  it("escapes & < > \" ' for text and attributes", () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
  })

  it("never lets a hostile value become markup, in names, notes, reasons, ids or field values", () => {
    for (const report of [dryRunReport(), appliedSyncReport()]) {
      const html = renderHtml(report)
      expect(html).not.toMatch(/<script/i)
      expect(html).not.toContain(hostile.quote)
      expect(html).not.toContain("O'Brien")
      expect(html).not.toContain("O'Brien & Sons")
      // Every < in the page opens one of our own tags.
      const tags = [...html.matchAll(/<\/?([a-zA-Z!][\w-]*)/g)].map((m) => (m[1] ?? "").toLowerCase())
      const ours = new Set(["!doctype", "html", "head", "meta", "title", "style", "body", "main", "section", "h1", "h2", "p", "span", "strong", "ul", "li", "table", "thead", "tbody", "tr", "th", "td"])
      expect(tags.filter((t) => !ours.has(t))).toEqual([])
    }
  })

  it("still shows every hostile value, as text, where a reader expects it", () => {
    const text = visibleText(renderHtml(dryRunReport()))
    expect(text).toContain(hostile.script) // the label and the field value
    expect(text).toContain(hostile.formula) // the quarantined record's id
    expect(text).toContain(`VIN "${hostile.script}" is not 17 characters`)
    expect(text).toContain("O'Brien & Sons")
    expect(text).toContain(`notes: (empty) → ${hostile.multiline}`)
    expect(text).toContain("line1: a | b, city: Austin")
  })

  it("is self-contained: no script, no external reference", () => {
    const html = renderHtml(appliedSyncReport())
    expect(html).not.toMatch(/\b(src|href)\s*=/i)
    expect(html).not.toMatch(/url\(|@import|https?:\/\//i)
    expect(html).toMatch(/<style>[\s\S]+<\/style>/)
  })

  it("has the summary, counts, estimate, requests, quarantine, warnings, conflicts, verification and changes", () => {
    const dry = visibleText(renderHtml(dryRunReport()))
    expect(dry).toContain("Dry run — nothing was written; some records need review")
    expect(dry).toContain("AutoLeap → autoGMS: 7 records read; would create 1 customer and 1 vehicle; would link to existing 1 customer; would hold back 1 customer and 2 vehicles; would skip 1 customer.")
    expect(dry).toContain("About 3 h 21 min at the configured rate limits (12,120 requests).")
    expect(dry).toMatch(/MISSING_MAKE_MODEL.*make or model/)
    expect(dry).toContain("Planned changes")
    expect(dry).toContain("phone: +15550001111 → +15550002222")
    expect(dry).toContain("Not run: a dry run writes nothing to check.")

    const applied = visibleText(renderHtml(appliedSyncReport()))
    expect(applied).toContain("newest: AutoLeap kept")
    expect(applied).toContain("not found on the target")
    expect(applied).toContain("email: ana@old.example → ana@new.example")
    expect(applied).toMatch(/autoGMS→?.*21.*0.*3/)
  })

  it("caps the changes table and points to actions.csv", () => {
    const base = dryRunReport()
    const many = Array.from({ length: 30 }, (_, i) =>
      toActionRecord({ entity: "customers", from: "autoleap", to: "autogms", action: "create", sourceId: `id-${i}`, label: `Customer ${i}` })
    )
    const report: RunReport = { ...base, actions: many }
    const text = visibleText(renderHtml(report, { changesCap: 10 }))
    expect(text).toContain("Customer 9")
    expect(text).not.toContain("Customer 10")
    expect(text).toContain("Showing the first 10 of 30 changes; actions.csv lists them all.")
  })
})
