import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { readRunReport, renderHtml, writeRunReport } from "../../../src/report/index.js"
import { dryRunReport } from "./sampleReports.js"

describe("writeRunReport", () => {
  it.effect("creates the run folder, writes the four files, and reads report.json back", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "shopbridge-report-")))
      const dir = path.join(root, "runs", "r1")
      const report = dryRunReport()
      const written = yield* writeRunReport(dir, report)
      expect(written.map((f) => path.basename(f))).toEqual(["report.json", "report.md", "report.html", "actions.csv"])
      const names = yield* Effect.promise(() => fs.readdir(dir))
      expect(names.sort()).toEqual(["actions.csv", "report.html", "report.json", "report.md"])
      expect(yield* Effect.promise(() => fs.readFile(path.join(dir, "report.html"), "utf8"))).toBe(renderHtml(report))
      expect(yield* readRunReport(dir)).toEqual(report)
      yield* Effect.promise(() => fs.rm(root, { recursive: true, force: true }))
    })
  )

  it.effect("fails with a typed error naming the path when it cannot write or read", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "shopbridge-report-")))
      const blocker = path.join(root, "file")
      yield* Effect.promise(() => fs.writeFile(blocker, "x"))
      const write = yield* Effect.either(writeRunReport(path.join(blocker, "run"), dryRunReport()))
      expect(Either.isLeft(write) && write.left._tag === "ReportWriteError" && write.left.path.startsWith(blocker)).toBe(true)
      const read = yield* Effect.either(readRunReport(path.join(root, "missing")))
      expect(Either.isLeft(read) && read.left._tag).toBe("ReportReadError")
      yield* Effect.promise(() => fs.rm(root, { recursive: true, force: true }))
    })
  )
})
