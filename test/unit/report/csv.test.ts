import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { actionsCsvLines, csvField, toActionRecord, writeActionsCsv, type ActionRecord } from "../../../src/report/index.js"
import { temporaryPath } from "../../../src/report/write.js"
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

const csvText = (rows: Iterable<ActionRecord>): string => [...actionsCsvLines(rows)].join("")

const withTempDir = <A, E>(use: (dir: string) => Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.acquireUseRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "shopbridge-csv-"))),
    use,
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
  )

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
    const { actions, records } = dryRunReport()
    const text = csvText(actions.each())
    expect(text.endsWith("\r\n")).toBe(true)
    const rows = parseCsv(text)
    expect(rows[0]).toEqual(["entity", "direction", "action", "source_system", "source_id", "target_id", "label", "reason", "message", "changed_fields", "warnings"])
    expect(rows).toHaveLength(records.length + 1)
    expect(rows.every((r) => r.length === 11)).toBe(true)
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
      `firstName: (empty) → ${hostile.script}; notes: (empty) → ${hostile.multiline}; tags: (empty) → VIP, O'Brien & Sons`,
      "INVALID_EMAIL"
    ])
    const quarantined = rows.find((r) => r[7] === "MISSING_NAME")
    expect(quarantined?.[4]).toBe(`'${hostile.formula}`)
  })

  it("lists every record of an applied run, unchanged ones too, grouped by action in display order", () => {
    const rows = parseCsv(csvText(appliedSyncReport().actions.each()))
    expect(rows.slice(1).map((r) => r[2])).toEqual(["update", "update", "archive", "delete", "conflict", "unchanged"])
    expect(rows[3]?.[1]).toBe("autogms-to-autoleap")
  })

  it.effect("writes many rows in bounded chunks while it reads them, then renames the file into place", () =>
    withTempDir((dir) =>
      Effect.gen(function* () {
        const file = path.join(dir, "actions.csv")
        const chunkBytes = 4096
        const count = 5000
        // Before each row is handed over, how much the temporary file holds already.
        const writtenBefore: Array<number> = []
        function* rows(): Generator<ActionRecord> {
          for (let i = 0; i < count; i++) {
            writtenBefore.push(fs.statSync(temporaryPath(file)).size)
            yield toActionRecord({ entity: "vehicles", from: "autogms", to: "autoleap", action: "create", sourceId: `v-${i}`, label: `Vehicle ${i}, "n°${i}"` })
          }
        }
        yield* writeActionsCsv(file, rows(), { chunkBytes })

        const text = fs.readFileSync(file, "utf8")
        expect(fs.existsSync(temporaryPath(file))).toBe(false)
        const parsed = parseCsv(text)
        expect(parsed).toHaveLength(count + 1)
        expect(parsed[count]?.[6]).toBe(`Vehicle ${count - 1}, "n°${count - 1}"`)

        // Bytes of the header and of the rows before row k: what a writer holding nothing back would have written.
        const lineEnds: Array<number> = []
        let offset = 0
        for (const line of text.split(/(?<=\r\n)/)) lineEnds.push((offset += Buffer.byteLength(line, "utf8")))
        writtenBefore.forEach((written, k) => {
          const produced = lineEnds[k] ?? 0
          expect(written).toBeLessThanOrEqual(produced)
          expect(produced - written).toBeLessThan(chunkBytes)
        })
      })
    )
  )

  it.effect("fails with a typed error naming the file and leaves no temporary file when a row cannot be produced", () =>
    withTempDir((dir) =>
      Effect.gen(function* () {
        const file = path.join(dir, "actions.csv")
        function* rows(): Generator<ActionRecord> {
          yield toActionRecord({ entity: "customers", from: "autoleap", to: "autogms", action: "create", sourceId: "c", label: "C" })
          throw new Error("the plan table went away")
        }
        const result = yield* Effect.either(writeActionsCsv(file, rows()))
        expect(Either.isLeft(result) && result.left._tag === "ReportWriteError" && result.left.path === file).toBe(true)
        expect(Either.isLeft(result) && result.left.message).toMatch(/the plan table went away/)
        expect(fs.readdirSync(dir)).toEqual([])
      })
    )
  )
})
