import { describe, expect, it } from "@effect/vitest"
import { csvField, renderActionsCsv } from "../../../src/report/index.js"
import { appliedSyncReport, dryRunReport, hostile } from "./sampleReports.js"

/** A strict RFC 4180 reader, to check the file parses back into the intended cells. */
const parseCsv = (text: string): Array<Array<string>> => {
  const rows: Array<Array<string>> = []
  let row: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ",") row.push(field), (field = "")
    else if (c === "\r" && text[i + 1] === "\n") row.push(field), rows.push(row), (row = []), (field = ""), i++
    else field += c
  }
  return rows
}

describe("actions.csv", () => {
  it("quotes fields with comma, quote or newline and doubles inner quotes", () => {
    expect(csvField("plain")).toBe("plain")
    expect(csvField("a,b")).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField("one\ntwo")).toBe('"one\ntwo"')
  })

  it("neutralises cells a spreadsheet would run as a formula", () => {
    for (const start of ["=", "+", "-", "@", "\t"]) expect(csvField(`${start}1+1`).replace(/^"/, "")).toMatch(/^'/)
    expect(csvField(hostile.formula)).toBe(`"'=HYPERLINK(""http://evil.example"",""click"")"`)
    expect(csvField("ok=1")).toBe("ok=1")
  })

  it("has a header and one row per record, with CRLF line ends, that parses back", () => {
    const report = dryRunReport()
    const text = renderActionsCsv(report)
    expect(text.endsWith("\r\n")).toBe(true)
    const rows = parseCsv(text)
    expect(rows[0]).toEqual(["entity", "direction", "action", "source_system", "source_id", "target_id", "label", "reason", "message", "changed_fields"])
    expect(rows).toHaveLength(report.actions.length + 1)
    expect(rows.every((r) => r.length === 10)).toBe(true)
    expect(rows[1]).toEqual([
      "customers",
      "autoleap-to-autogms",
      "create",
      "autoleap",
      "al-c-1",
      "",
      hostile.script,
      "",
      "",
      `firstName: (empty) → ${hostile.script}; notes: (empty) → ${hostile.multiline}; tags: (empty) → VIP, O'Brien & Sons`
    ])
    expect(rows[3]?.slice(4, 5)).toEqual([`'${hostile.formula}`])
    expect(rows[3]?.[7]).toBe("MISSING_NAME")
  })

  it("lists every record of an applied run, unchanged ones too", () => {
    const rows = parseCsv(renderActionsCsv(appliedSyncReport()))
    expect(rows.slice(1).map((r) => r[2])).toEqual(["update", "unchanged", "update", "conflict", "archive", "delete"])
    expect(rows[4]?.[1]).toBe("autogms-to-autoleap")
  })
})
