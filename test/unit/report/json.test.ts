import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { decodeRunReport, renderJson } from "../../../src/report/index.js"
import { appliedSyncReport, dryRunReport } from "./sampleReports.js"

describe("report.json", () => {
  it.effect("decodes back to the same report, dry run and applied run", () =>
    Effect.gen(function* () {
      for (const report of [dryRunReport(), appliedSyncReport()]) {
        const decoded = yield* decodeRunReport(renderJson(report))
        expect(decoded).toEqual(report)
      }
    })
  )

  it("keeps the field names of the cli.md contract", () => {
    const json = JSON.parse(renderJson(appliedSyncReport())) as Record<string, unknown>
    for (const key of ["runId", "command", "dryRun", "status", "startedAt", "finishedAt", "directions", "quarantine", "warnings", "conflicts", "requests"])
      expect(json).toHaveProperty(key)
    expect(json).toHaveProperty(["directions", 0, "entities", "customers", "linked"])
    expect(json).toHaveProperty(["requests", "autogms", "throttled"], 3)
  })

  it.effect("rejects a file that is not a run report, naming what is wrong", () =>
    Effect.gen(function* () {
      const broken = JSON.parse(renderJson(dryRunReport())) as Record<string, unknown>
      broken["status"] = "done"
      delete broken["runId"]
      const result = yield* Effect.either(decodeRunReport(JSON.stringify(broken)))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("ReportDecodeError")
        expect(result.left.message).toMatch(/runId/)
        expect(result.left.message).toMatch(/status/)
      }
      const notJson = yield* Effect.either(decodeRunReport("{not json"))
      expect(Either.isLeft(notJson)).toBe(true)
    })
  )
})
