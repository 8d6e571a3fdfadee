/**
 * A run's report, from the state store: counts by aggregate queries over the plan table, the findings listed from it,
 * and the per-record actions as a bounded sample (report.md / .html) plus one streamed pass (actions.csv).
 */
import { Clock, Effect } from "effect"
import type { Entity } from "../domain/entity.js"
import {
  ACTION_SAMPLE_LIMIT,
  actionDisplayOrder,
  assembleRunReport,
  counterOfAction,
  emptyCounts,
  toActionRecord,
  type ActionKind,
  type ActionRecord,
  type DirectionReport,
  type EntityCounts,
  type Estimate,
  type RunActions,
  type RunReport,
  type RunStatus,
  type SyncSummary
} from "../report/index.js"
import type { PlanItemRow, PlanKindCount } from "../state/index.js"
import type { Direction } from "./plan.js"
import { changesOf, detailOf } from "./planStage.js"
import type { StageServices } from "./stage.js"

/** Warnings listed per code; the report counts them all and actions.csv has each. */
const WARNINGS_PER_CODE = 1000
/** Mismatches listed in the report; verification counts them all. */
const MISMATCH_LIMIT = 1000

const isActionKind = (kind: string): kind is ActionKind => (actionDisplayOrder as ReadonlyArray<string>).includes(kind)

/** How a row is reported (the plan table's rule, see state/plans.ts): the target's refusal or 409 overrides the plan. */
const kindOf = (row: PlanItemRow): ActionKind =>
  row.outcome === "rejected" ? "quarantine" : row.outcome === "existing" ? "link" : row.action

const reasonOf = (row: PlanItemRow) => {
  const refusal = row.outcome === "rejected" ? (row.outcomeDetail as { readonly code: string; readonly message: string } | null) : null
  return refusal ?? detailOf(row.detail).reason
}

export const actionOf = (row: PlanItemRow): ActionRecord => {
  const detail = detailOf(row.detail)
  const reason = reasonOf(row)
  const quarantined = kindOf(row) === "quarantine"
  return toActionRecord({
    entity: row.entity,
    from: row.from,
    to: row.to,
    action: kindOf(row),
    sourceId: row.sourceId,
    targetId: row.outcomeTargetId ?? row.targetId,
    label: row.label,
    reason: reason?.code ?? null,
    message: reason?.message ?? null,
    changes: changesOf(row),
    warnings: quarantined ? [] : detail.warnings.map((w) => ({ code: w.code, message: w.message }))
  })
}

export interface ReportScope {
  readonly runId: string
  readonly command: "migrate" | "sync"
  readonly dryRun: boolean
  readonly startedAt: string
  readonly directions: ReadonlyArray<Direction>
  readonly entities: ReadonlyArray<Entity>
  /** Records read from each direction's source, per entity. */
  readonly reads: ReadonlyArray<{ readonly from: Direction["from"]; readonly entity: Entity; readonly count: number }>
  readonly estimate: Estimate | null
  /** A sync's cursors and echoes. */
  readonly sync?: SyncSummary
}

type MutableCounts = { -readonly [K in keyof EntityCounts]: number }

const directionsOf = (counted: ReadonlyArray<PlanKindCount>, scope: ReportScope): ReadonlyArray<DirectionReport> =>
  scope.directions.map((direction) => {
    const counts = new Map<Entity, MutableCounts>(scope.entities.map((e) => [e, { ...emptyCounts }]))
    for (const r of scope.reads) {
      const entity = counts.get(r.entity)
      if (r.from === direction.from && entity !== undefined) entity.read += r.count
    }
    for (const c of counted) {
      const entity = counts.get(c.entity)
      if (c.from !== direction.from || entity === undefined) continue
      if (c.kind === "drifted") entity.drifted += c.count
      else if (isActionKind(c.kind)) entity[counterOfAction[c.kind]] += c.count
    }
    return { from: direction.from, to: direction.to, entities: Object.fromEntries(counts) }
  })

/** The report of a run so far; `status` is given when it stopped early (interrupted, failed). */
export const reportFromStore = (services: Pick<StageServices, "state" | "gateways">, scope: ReportScope, status?: RunStatus) =>
  Effect.gen(function* () {
    const { state, gateways } = services
    const { runId } = scope
    const requests = yield* Effect.all({ autoleap: gateways.autoleap.requestCounts, autogms: gateways.autogms.requestCounts })
    const conflicts = yield* state.conflicts({ runId })
    const finishedAt = new Date(yield* Clock.currentTimeMillis).toISOString()
    // One aggregate over the plan, for the report's counts and the samples' totals: at 250,000 rows it takes seconds.
    const counted = yield* state.read("count plan", (reader) => reader.plan.counts(runId))
    const report: RunReport = yield* state.read("assemble report", (reader) => {
      const warnings = reader.plan.warnings(runId, WARNINGS_PER_CODE)
      const verification = reader.plan.verification(runId)
      const mismatches = reader.plan.mismatches(runId, MISMATCH_LIMIT)
      return assembleRunReport({
        runId,
        command: scope.command,
        dryRun: scope.dryRun,
        startedAt: scope.startedAt,
        finishedAt,
        ...(status === undefined ? {} : { status }),
        directions: directionsOf(counted, scope),
        quarantine: reader.plan.quarantined(runId),
        warnings: warnings.listed,
        warningsTotal: warnings.total,
        conflicts: conflicts.map((c) => ({ entity: c.entity, autoleapId: c.autoleapId, autogmsId: c.autogmsId, fields: c.fields, resolution: c.resolution })),
        drifted: reader.plan.drifted(runId).map((row) => ({
          entity: row.entity,
          system: row.from,
          sourceId: row.sourceId,
          label: row.label,
          resolution: row.drift ?? "replanned",
          action: kindOf(row),
          changes: changesOf(row)
        })),
        requests,
        estimate: scope.estimate,
        ...(scope.sync === undefined ? {} : { sync: scope.sync }),
        // Nothing is verified before anything was written: a dry run reports none.
        verification: scope.dryRun
          ? null
          : verification.map((v) => ({
              ...v,
              mismatches: mismatches
                .filter((m) => m.entity === v.entity && m.from === v.from)
                .map((m) => {
                  const found = m.outcomeDetail as { readonly missing: boolean; readonly fields: ReadonlyArray<string> } | null
                  return { sourceId: m.sourceId, targetId: found?.missing === true ? null : m.outcomeTargetId, label: m.label, fields: found?.fields ?? [] }
                })
            }))
      })
    })
    const samples = yield* state.read("sample actions", (reader) =>
      actionDisplayOrder.flatMap((action) => {
        const first = reader.plan.ofKind(runId, action, ACTION_SAMPLE_LIMIT)
        if (first.length === 0) return []
        const total = counted.filter((c) => c.kind === action).reduce((n, c) => n + c.count, 0)
        return [{ action, total, first: first.map(actionOf) }]
      })
    )
    const actions: RunActions = {
      samples,
      each: function* () {
        for (const action of actionDisplayOrder) for (const row of state.planRowsOfKind(runId, action)) yield actionOf(row)
      }
    }
    return { report, actions }
  })
