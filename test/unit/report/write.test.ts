import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { readRunReport, renderHtml, renderJson, renderMarkdown, writeRunReport } from "../../../src/report/index.js"
import { dryRunReport } from "./sampleReports.js"

const tempRoot = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "shopbridge-report-"))),
  (root) => Effect.promise(() => fs.rm(root, { recursive: true, force: true }))
)

describe("writeRunReport", () => {
  it.scoped("creates the run folder, writes the four files, and reads report.json back", () =>
    Effect.gen(function* () {
      const root = yield* tempRoot
      const dir = path.join(root, "runs", "r1")
      const { report, actions, records } = dryRunReport()
      const written = yield* writeRunReport(dir, report, actions)
      expect(written.map((f) => path.basename(f))).toEqual(["report.json", "report.md", "report.html", "actions.csv"])
      const names = yield* Effect.promise(() => fs.readdir(dir))
      expect(names.sort()).toEqual(["actions.csv", "report.html", "report.json", "report.md"])
      const read = (name: string) => Effect.promise(() => fs.readFile(path.join(dir, name), "utf8"))
      expect(yield* read("report.json")).toBe(renderJson(report))
      expect(yield* read("report.md")).toBe(renderMarkdown(report, actions.samples))
      expect(yield* read("report.html")).toBe(renderHtml(report, actions.samples))
      expect((yield* read("actions.csv")).split("\r\n").filter((l) => l !== "")).toHaveLength(records.length + 1)
      expect(yield* readRunReport(dir)).toEqual(report)
    })
  )

  it.scoped("fails with a typed error naming the path when it cannot write or read", () =>
    Effect.gen(function* () {
      const root = yield* tempRoot
      const blocker = path.join(root, "file")
      yield* Effect.promise(() => fs.writeFile(blocker, "x"))
      const { report, actions } = dryRunReport()
      const write = yield* Effect.either(writeRunReport(path.join(blocker, "run"), report, actions))
      expect(Either.isLeft(write) && write.left._tag === "ReportWriteError" && write.left.path.startsWith(blocker)).toBe(true)
      const read = yield* Effect.either(readRunReport(path.join(root, "missing")))
      expect(Either.isLeft(read) && read.left._tag).toBe("ReportReadError")
    })
  )
})
