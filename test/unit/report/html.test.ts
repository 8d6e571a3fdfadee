import { describe, expect, it } from "@effect/vitest"
import { ACTION_SAMPLE_LIMIT, escapeHtml, renderHtml } from "../../../src/report/index.js"
import { idsIn, manyFindings } from "./manyFindings.js"
import { sampleRun } from "./fromActions.js"
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
      const ours = new Set(["!doctype", "html", "head", "meta", "title", "style", "body", "main", "section", "nav", "div", "a", "code", "caption", "h1", "h2", "h3", "p", "span", "strong", "ol", "ul", "li", "table", "thead", "tbody", "tr", "th", "td"])
      expect(tags.filter((t) => !ours.has(t))).toEqual([])
    }
  })

  it("still shows every hostile value, as text, where a reader expects it", () => {
    const text = visibleText(render(dryRunReport()))
    expect(text).toContain(hostile.script) // the label and the field value
    expect(text).toContain(hostile.formula) // the quarantined record's id
    expect(text).toContain(`VIN "${hostile.script}" is not 17 characters`)
    expect(text).toContain("O'Brien & Sons")
    expect(text).toContain(`notes: ${hostile.multiline}`)
    expect(text).toContain("line1: a | b, city: Austin")
  })

  it("is self-contained: no script, no external reference", () => {
    const html = render(appliedSyncReport())
    expect(html).not.toMatch(/\bsrc\s*=/i)
    // Links only within the page (the table of contents, "here is how").
    for (const m of html.matchAll(/\bhref\s*=\s*"([^"]*)"/gi)) expect(m[1]).toMatch(/^#[\w-]+$/)
    expect(html).not.toMatch(/url\(|@import|https?:\/\//i)
    expect(html).toMatch(/<style>[\s\S]+<\/style>/)
  })

  it("has the summary, counts, estimate, requests, quarantine, warnings, conflicts, verification and changes by kind", () => {
    const dry = visibleText(render(dryRunReport()))
    expect(dry).toContain("Dry run — nothing was written; some records need review")
    expect(dry).toContain("About 3 h 21 min at the configured rate limits (12,120 requests).")
    expect(dry).toMatch(/MISSING_MAKE_MODEL — The vehicle has no make or model/)
    expect(dry).toContain("Planned changes, record by record")
    expect(dry).toContain("Would create (1)")
    expect(dry).toContain("Would hold back (2)")
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
    expect(text).toContain("2 customers had changed since the plan")
    expect(text).toMatch(/Drifted/)
    expect(text).toContain(`${hostile.script}planned again from the new versionupdatedphone: +15550000001 → +15550000009`)
    expect(text).toContain(`O'Brien & Sonsheld back, not writtenskippednotes: (empty) → ${hostile.multiline}`)
  })

  it("shows the first actions of each kind and says how many more are in actions.csv", () => {
    const b = sampleRun({ runId: "big", command: "migrate", dryRun: true, startedAt: "2025-03-01T10:15:00.000Z" })
    for (let i = 0; i < ACTION_SAMPLE_LIMIT + 30; i++)
      b.record({ entity: "customers", from: "autoleap", to: "autogms", action: "create", sourceId: `id-${i}`, label: `Customer ${String(i).padStart(4, "0")}` })
    b.record({ entity: "customers", from: "autoleap", to: "autogms", action: "link", sourceId: "l", targetId: "t", label: "Linked one" })
    const run = b.build({ finishedAt: "2025-03-01T10:16:00.000Z" })
    const text = visibleText(renderHtml(run.report, run.actions.samples))
    expect(text).toContain(`Customer ${String(ACTION_SAMPLE_LIMIT - 1).padStart(4, "0")}`)
    expect(text).not.toContain(`Customer ${ACTION_SAMPLE_LIMIT}`)
    expect(text).toContain("Would create (1,030)")
    expect(text).toContain("30 more are in actions.csv.")
    expect(text).toContain("Linked one")
    expect(text.match(/more are in actions\.csv/g)).toHaveLength(1)
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

describe("report.html for a shop owner", () => {
  const dry = render(dryRunReport())
  const dryText = visibleText(dry)

  it("opens with a plain-language summary: what will be copied, and how many need fixing first, linked to how", () => {
    const summary = dry.slice(dry.indexOf('<div class="summary">'), dry.indexOf("</div>"))
    const text = visibleText(summary)
    expect(text).toContain(
      "From AutoLeap to autoGMS: 1 customer and 1 vehicle will be copied; 1 customer already in autoGMS will be linked to their match there; 1 customer will be left out."
    )
    expect(text).toContain("3 records need fixing first — here is how.")
    expect(summary).toContain('<a href="#fix">here is how</a>')
    expect(text).toContain("shopbridge apply 20250301-101500-abcd")
    // Nothing comes between the title and the summary but the status.
    expect(visibleText(dry.slice(dry.indexOf("</h1>"), dry.indexOf('<div class="summary">'))).trim()).toBe("Dry run — nothing was written; some records need review")
  })

  it("says what a finished run did, in the past tense", () => {
    const text = visibleText(render(appliedSyncReport()))
    expect(text).toContain("From AutoLeap to autoGMS: 2 customers were updated.")
    expect(text).toContain("From autoGMS to AutoLeap: 1 customer was archived; 1 vehicle was deleted.")
    expect(text).toContain("1 record changed on both sides and waits for your decision — see them.")
  })

  it("has a table of contents whose every link leads to a heading on the page", () => {
    const nav = dry.slice(dry.indexOf("<nav>"), dry.indexOf("</nav>"))
    const targets = [...nav.matchAll(/href="#([\w-]+)"/g)].map((m) => m[1])
    expect(targets).toEqual(["fix", "records", "records-autoleap-autogms-customers", "records-autoleap-autogms-vehicles", "warnings", "verification", "counts", "estimate", "requests"])
    for (const id of targets) expect(dry).toMatch(new RegExp(`<h[23] id="${id}">`))
  })

  it("explains each reason code once, with what to do, above its records", () => {
    expect(dryText).toContain("INVALID_VIN — The VIN is not 17 valid characters (1)")
    expect(dryText).toContain("What to do: Correct the VIN in the source system")
    expect(dryText.indexOf("What to fix first")).toBeLessThan(dryText.indexOf("Planned changes, record by record"))
  })

  it("one table per entity with the direction in its heading, groups in action order, rows sorted by record", () => {
    const b = sampleRun({ runId: "sorted", command: "migrate", dryRun: true, startedAt: "2025-03-01T10:15:00.000Z" })
    const rec = (entity: "customers" | "vehicles", action: "create" | "link" | "quarantine", label: string) =>
      b.record({ entity, from: "autoleap", to: "autogms", action, sourceId: `${entity}-${label}`, label, ...(action === "quarantine" ? { reason: "MISSING_NAME" } : {}) })
    rec("vehicles", "create", "2019 Zeta")
    rec("customers", "quarantine", "Quinn")
    rec("customers", "create", "Zed")
    rec("customers", "link", "Liam")
    rec("customers", "create", "Amy")
    rec("vehicles", "create", "2003 Alpha")
    const run = b.build({ finishedAt: "2025-03-01T10:16:00.000Z" })
    const text = visibleText(renderHtml(run.report, run.actions.samples))
    const order = ["Customers: AutoLeap → autoGMS", "Would create (2)", "Amy", "Zed", "Would link to existing (1)", "Liam", "Would hold back (1)", "Quinn", "Vehicles: AutoLeap → autoGMS", "2003 Alpha", "2019 Zeta"]
    // From the section's heading on (the table of contents names the tables too).
    const positions = order.map((s) => text.indexOf(s, text.lastIndexOf("Planned changes, record by record")))
    expect(positions.every((p) => p >= 0)).toBe(true)
    expect(positions).toEqual([...positions].sort((x, y) => x - y))
    // The direction is the heading's, not a column repeated on every row.
    const html = renderHtml(run.report, run.actions.samples)
    const records = html.slice(html.indexOf('id="records"'), html.indexOf('id="warnings"'))
    expect(records).not.toContain(">Direction<")
  })

  it("shows the values a create will write, not a column of '(empty) →'", () => {
    const created = dryText.slice(dryText.indexOf("Would create (1)"), dryText.indexOf("Would link to existing"))
    expect(created).toContain(`firstName: ${hostile.script}`)
    expect(created).toContain(`tags: VIP, ${hostile.apostrophe}`)
    expect(created).not.toContain("(empty) →")
  })

  it("never breaks an id, a code or a count inside a word; names and text wrap between words", () => {
    const css = dry.slice(dry.indexOf("<style>"), dry.indexOf("</style>"))
    expect(css).toMatch(/\.id,\.num\{white-space:nowrap\}/)
    expect(css).not.toMatch(/overflow-wrap:anywhere|word-break:break-all/)
    // Every source id, target id and reason code in a table sits in a cell that does not wrap.
    expect(dry).toContain('<td class="id">al-c-2</td><td class="id">ag-c-9</td>')
    expect(dry).toContain('<span class="id">MISSING_MAKE_MODEL</span>')
  })
})
