import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { decodeRunReport, decodeRunReportValue, renderJson } from "../../../src/report/index.js"
import { appliedSyncReport, driftedApplyReport, dryRunReport } from "./sampleReports.js"

describe("report.json", () => {
  it.effect("decodes back to the same report: dry run, applied sync, apply with drift", () =>
    Effect.gen(function* () {
      for (const { report } of [dryRunReport(), appliedSyncReport(), driftedApplyReport()]) {
        expect(yield* decodeRunReport(renderJson(report))).toEqual(report)
        expect(yield* decodeRunReportValue(JSON.parse(renderJson(report)))).toEqual(report)
      }
    })
  )

  it("keeps the field names of the cli.md contract, and holds no per-record actions", () => {
    const json = JSON.parse(renderJson(appliedSyncReport().report)) as Record<string, unknown>
    for (const key of ["runId", "command", "dryRun", "status", "startedAt", "finishedAt", "directions", "quarantine", "warnings", "conflicts", "requests"])
      expect(json).toHaveProperty(key)
    expect(json).toHaveProperty(["directions", 0, "entities", "customers", "linked"])
    expect(json).toHaveProperty(["requests", "autogms", "throttled"], 3)
    expect(json).toHaveProperty("drifted", [])
    expect(json).not.toHaveProperty("actions")
  })

  it.effect("reads a report written before drift was tracked: its actions ignored, drift none", () =>
    Effect.gen(function* () {
      const { report, records } = dryRunReport()
      const old = JSON.parse(renderJson(report)) as Record<string, unknown>
      delete old["drifted"]
      for (const direction of report.directions) for (const counts of Object.values(direction.entities)) expect(counts?.drifted).toBe(0)
      const oldDirections = report.directions.map((d) => ({
        ...d,
        entities: Object.fromEntries(Object.entries(d.entities).map(([entity, { drifted: _, ...counts }]) => [entity, counts]))
      }))
      const decoded = yield* decodeRunReport(JSON.stringify({ ...old, directions: oldDirections, actions: records }))
      expect(decoded).toEqual(report)
      expect(decoded).not.toHaveProperty("actions")
    })
  )

  it.effect("rejects a file that is not a run report, naming what is wrong", () =>
    Effect.gen(function* () {
      const broken = JSON.parse(renderJson(dryRunReport().report)) as Record<string, unknown>
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
