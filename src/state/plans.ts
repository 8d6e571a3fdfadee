import type Database from "better-sqlite3"
import { fromJson, toJson } from "./json.js"
import type { Entity, PlanAction, PlanDrift, PlanItemInput, PlanItemRow, PlanOutcome, PlanOutcomeKind, PlanPhase, System } from "./model.js"

interface Row {
  readonly id: number
  readonly run_id: string
  readonly from_system: System
  readonly to_system: System
  readonly entity: Entity
  readonly source_id: string
  readonly action: PlanAction
  readonly writes: number
  readonly target_id: string | null
  readonly owner_source_id: string | null
  readonly source_hash: string
  readonly hash: string
  readonly lookup_key: string
  readonly label: string
  readonly reason_code: string | null
  readonly detail: string
  readonly drift: PlanDrift | null
  readonly outcome: PlanOutcomeKind | null
  readonly outcome_target_id: string | null
  readonly outcome_detail: string | null
  readonly verified: number | null
}

const toItem = (r: Row): PlanItemRow => ({
  id: r.id,
  runId: r.run_id,
  from: r.from_system,
  to: r.to_system,
  entity: r.entity,
  sourceId: r.source_id,
  action: r.action,
  writes: r.writes === 1,
  targetId: r.target_id,
  ownerSourceId: r.owner_source_id,
  sourceHash: r.source_hash,
  hash: r.hash,
  lookupKey: r.lookup_key,
  label: r.label,
  reasonCode: r.reason_code,
  detail: fromJson(r.detail),
  drift: r.drift,
  outcome: r.outcome,
  outcomeTargetId: r.outcome_target_id,
  outcomeDetail: fromJson(r.outcome_detail),
  verified: r.verified === null ? null : r.verified === 1
})

/**
 * How a row is reported: a refusal by the target is a quarantine, a 409 that pointed at an existing record a link;
 * otherwise the planned action. A write of a real run that has not happened (yet) counts as nothing: `pending`.
 */
const kindOf = (table: string): string => `CASE
  WHEN ${table}.outcome = 'rejected' THEN 'quarantine'
  WHEN ${table}.outcome = 'existing' THEN 'link'
  WHEN ${table}.writes = 1 AND ${table}.outcome IS NULL AND (SELECT dry_run FROM runs WHERE runs.id = ${table}.run_id) = 0 THEN 'pending'
  ELSE ${table}.action END`
const kindSql = kindOf("plan_items")

const phaseFilters: Readonly<Record<PlanPhase, string>> = {
  creates: "writes = 1 AND outcome IS NULL AND action = 'create'",
  updates: "writes = 1 AND outcome IS NULL AND action NOT IN ('create', 'archive', 'delete')",
  retires: "writes = 1 AND outcome IS NULL AND action IN ('archive', 'delete')",
  linkOnly: "action = 'link' AND writes = 0 AND outcome IS NULL",
  quarantine: "action = 'quarantine'",
  all: "1 = 1"
}

export interface PlanKindCount {
  readonly from: System
  readonly entity: Entity
  readonly kind: string
  readonly count: number
}

export const plansTable = (db: Database.Database) => {
  // Positional parameters, as for snapshot records: one row per source record of a run.
  const upsert = db.prepare<[string, System, System, Entity, string, PlanAction, number, string | null, string | null, string, string, string, string, string | null, string, PlanDrift | null]>(
    `INSERT INTO plan_items (run_id, from_system, to_system, entity, source_id, action, writes, target_id, owner_source_id,
       source_hash, hash, lookup_key, label, reason_code, detail, drift)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, from_system, entity, source_id) DO UPDATE SET action = excluded.action, writes = excluded.writes,
       target_id = excluded.target_id, owner_source_id = excluded.owner_source_id, source_hash = excluded.source_hash,
       hash = excluded.hash, lookup_key = excluded.lookup_key, label = excluded.label, reason_code = excluded.reason_code,
       detail = excluded.detail, drift = excluded.drift, outcome = NULL, outcome_target_id = NULL, outcome_detail = NULL,
       verified = NULL`
  )
  // A sync's merge writes both sides: once its first write is done, the links have moved on and planning again would
  // find nothing left to do, so the second write (its twin: the same pair of records the other way) is kept.
  const clearOpen = db.prepare<[string, System, Entity]>(
    `DELETE FROM plan_items WHERE run_id = ? AND from_system = ? AND entity = ? AND outcome IS NULL
       AND NOT (writes = 1 AND EXISTS (
         SELECT 1 FROM plan_items AS twin
         WHERE twin.run_id = plan_items.run_id AND twin.entity = plan_items.entity AND twin.from_system <> plan_items.from_system
           AND twin.source_id = plan_items.target_id AND twin.target_id = plan_items.source_id AND twin.outcome IS NOT NULL))`
  )
  const settled = db.prepare<[string, System, Entity, string], number>(
    `SELECT 1 FROM plan_items WHERE run_id = ? AND from_system = ? AND entity = ? AND source_id = ? AND outcome IS NOT NULL`
  ).pluck()
  const bySource = db.prepare<[string, System, Entity, string], Row>(
    `SELECT * FROM plan_items WHERE run_id = ? AND from_system = ? AND entity = ? AND source_id = ?`
  )
  const ownerPlan = db.prepare<[string, System, string], { action: PlanAction; target_id: string | null; outcome: PlanOutcomeKind | null; outcome_target_id: string | null }>(
    `SELECT action, target_id, outcome, outcome_target_id FROM plan_items WHERE run_id = ? AND from_system = ? AND entity = 'customers' AND source_id = ?`
  )
  const targetTaken = db.prepare<[string, Entity, string], number>(
    `SELECT 1 FROM plan_items WHERE run_id = ? AND entity = ? AND target_id = ? LIMIT 1`
  ).pluck()
  const chunks = Object.fromEntries(
    (Object.keys(phaseFilters) as Array<PlanPhase>).map((phase) => [
      phase,
      db.prepare<[string, System, Entity, number, number], Row>(
        `SELECT * FROM plan_items WHERE run_id = ? AND from_system = ? AND entity = ? AND ${phaseFilters[phase]} AND id > ? ORDER BY id LIMIT ?`
      )
    ])
  ) as Record<PlanPhase, Database.Statement<[string, System, Entity, number, number], Row>>
  const settle = db.prepare<[PlanOutcomeKind, string | null, string | null, number | null, number]>(
    `UPDATE plan_items SET outcome = ?, outcome_target_id = ?, outcome_detail = ?, verified = ? WHERE id = ?`
  )
  const settleBySource = db.prepare<[PlanOutcomeKind, string | null, string, System, Entity, string]>(
    `UPDATE plan_items SET outcome = ?, outcome_target_id = ? WHERE run_id = ? AND from_system = ? AND entity = ? AND source_id = ? AND outcome IS NULL`
  )
  const counts = db.prepare<[string], { from_system: System; entity: Entity; kind: string; n: number }>(
    `SELECT from_system, entity, ${kindSql} AS kind, count(*) AS n FROM plan_items WHERE run_id = ? GROUP BY 1, 2, 3`
  )
  const driftCounts = db.prepare<[string], { from_system: System; entity: Entity; n: number }>(
    `SELECT from_system, entity, count(*) AS n FROM plan_items WHERE run_id = ? AND drift IS NOT NULL GROUP BY 1, 2`
  )
  const ofKind = db.prepare<[string, string, number], Row>(
    `SELECT * FROM plan_items WHERE run_id = ? AND ${kindSql} = ? ORDER BY entity, id LIMIT ?`
  )
  // Only the columns a findings list needs, never the rows' records: a run may have 250,000 rows.
  const warningRows = db.prepare<[string, number], { entity: Entity; from_system: System; source_id: string; code: string; message: string }>(
    `SELECT entity, from_system, source_id, code, message FROM (
       SELECT p.entity, p.from_system, p.source_id, p.id, json_extract(w.value, '$.code') AS code, json_extract(w.value, '$.message') AS message,
         row_number() OVER (PARTITION BY json_extract(w.value, '$.code') ORDER BY p.entity, p.id) AS nth
       FROM plan_items p, json_each(p.detail, '$.warnings') w
       WHERE p.run_id = ? AND ${kindOf("p")} NOT IN ('quarantine', 'pending', 'skip'))
     WHERE nth <= ? ORDER BY entity, id`
  )
  const warningTotal = db.prepare<[string], number>(
    `SELECT count(*) FROM plan_items p, json_each(p.detail, '$.warnings')
     WHERE p.run_id = ? AND ${kindOf("p")} NOT IN ('quarantine', 'pending', 'skip')`
  ).pluck()
  const quarantineRows = db.prepare<[string], { entity: Entity; from_system: System; source_id: string; code: string | null; message: string | null }>(
    `SELECT entity, from_system, source_id,
       CASE WHEN outcome = 'rejected' THEN json_extract(outcome_detail, '$.code') ELSE coalesce(reason_code, json_extract(detail, '$.reason.code')) END AS code,
       CASE WHEN outcome = 'rejected' THEN json_extract(outcome_detail, '$.message') ELSE json_extract(detail, '$.reason.message') END AS message
     FROM plan_items WHERE run_id = ? AND ${kindSql} = 'quarantine' ORDER BY entity, id`
  )
  const drifted = db.prepare<[string], Row>(`SELECT * FROM plan_items WHERE run_id = ? AND drift IS NOT NULL ORDER BY entity, id`)
  const verification = db.prepare<[string], { from_system: System; to_system: System; entity: Entity; expected: number; found: number }>(
    `SELECT from_system, to_system, entity, count(*) AS expected, coalesce(sum(verified), 0) AS found
     FROM plan_items WHERE run_id = ? AND outcome IN ('written', 'existing') GROUP BY 1, 2, 3`
  )
  const mismatches = db.prepare<[string, number], Row>(
    `SELECT * FROM plan_items WHERE run_id = ? AND outcome IN ('written', 'existing') AND verified = 0 ORDER BY entity, id LIMIT ?`
  )
  const everyOfKind = db.prepare<[string, string], Row>(`SELECT * FROM plan_items WHERE run_id = ? AND ${kindSql} = ? ORDER BY entity, id`)
  const copy = db.prepare<[string, string]>(
    `INSERT INTO plan_items (run_id, from_system, to_system, entity, source_id, action, writes, target_id, owner_source_id,
       source_hash, hash, lookup_key, label, reason_code, detail, drift)
     SELECT ?, from_system, to_system, entity, source_id, action, writes, target_id, owner_source_id, source_hash, hash,
       lookup_key, label, reason_code, detail, drift
     FROM plan_items WHERE run_id = ? ORDER BY id`
  )
  const openWrites = db.prepare<[string], { from_system: System; entity: Entity; action: PlanAction; n: number }>(
    `SELECT from_system, entity, action, count(*) AS n FROM plan_items
     WHERE run_id = ? AND writes = 1 AND outcome IS NULL GROUP BY 1, 2, 3`
  )
  const holdBack = db.prepare<{ runId: string; actions: string; code: string; reason: string }>(
    `UPDATE plan_items SET action = 'skip', writes = 0, reason_code = @code, detail = json_set(detail, '$.reason', json(@reason))
     WHERE run_id = @runId AND writes = 1 AND outcome IS NULL AND action IN (SELECT value FROM json_each(@actions))`
  )
  const withReason = db.prepare<[string, string], number>(`SELECT count(*) FROM plan_items WHERE run_id = ? AND reason_code = ?`).pluck()
  const pruneChunk = db.prepare<[number, number]>(
    `DELETE FROM plan_items WHERE id IN (
       SELECT p.id FROM plan_items p JOIN runs r ON r.id = p.run_id
       WHERE r.pair_id = ? AND r.status IN ('completed', 'completed_with_errors') AND NOT (r.dry_run = 1 AND r.applied_by IS NULL)
       LIMIT ?)`
  )

  return {
    /** Inserts the rows; a row already planned for the same record (a re-plan) is replaced and its outcome cleared. */
    insert: (runId: string, items: ReadonlyArray<PlanItemInput>): void => {
      for (const i of items) {
        upsert.run(runId, i.from, i.to, i.entity, i.sourceId, i.action, i.writes ? 1 : 0, i.targetId, i.ownerSourceId, i.sourceHash, i.hash,
          i.lookupKey, i.label, i.reasonCode, JSON.stringify(i.detail), i.drift ?? null)
      }
    },
    /** A resumed run plans again what it has not carried out; what it did before the stop stays as it was. */
    clearOpen: (runId: string, from: System, entity: Entity): number => clearOpen.run(runId, from, entity).changes,
    isSettled: (runId: string, from: System, entity: Entity, sourceId: string): boolean => settled.get(runId, from, entity, sourceId) === 1,
    bySource: (runId: string, from: System, entity: Entity, sourceId: string): PlanItemRow | undefined => {
      const row = bySource.get(runId, from, entity, sourceId)
      return row === undefined ? undefined : toItem(row)
    },
    /** A customer's planned action and target, without its detail: what a vehicle's owner resolves to. */
    customerPlan: (runId: string, from: System, sourceId: string) => {
      const row = ownerPlan.get(runId, from, sourceId)
      return row === undefined
        ? undefined
        : { action: row.action, targetId: row.target_id, outcome: row.outcome, outcomeTargetId: row.outcome_target_id }
    },
    isTargetTaken: (runId: string, entity: Entity, targetId: string): boolean => targetTaken.get(runId, entity, targetId) === 1,
    chunk: (runId: string, from: System, entity: Entity, phase: PlanPhase, afterId: number, limit: number): ReadonlyArray<PlanItemRow> =>
      chunks[phase].all(runId, from, entity, afterId, limit).map(toItem),
    settle: (outcomes: ReadonlyArray<PlanOutcome>): void => {
      for (const o of outcomes) {
        settle.run(o.outcome, o.targetId ?? null, toJson(o.detail), o.verified === undefined || o.verified === null ? null : o.verified ? 1 : 0, o.planItemId)
      }
    },
    /** A write an earlier attempt left open, found on the target: its plan row is done. */
    settleBySource: (runId: string, from: System, entity: Entity, sourceId: string, outcome: PlanOutcomeKind, targetId: string | null): number =>
      settleBySource.run(outcome, targetId, runId, from, entity, sourceId).changes,
    counts: (runId: string): ReadonlyArray<PlanKindCount> => [
      ...counts.all(runId).map((r) => ({ from: r.from_system, entity: r.entity, kind: r.kind, count: r.n })),
      ...driftCounts.all(runId).map((r) => ({ from: r.from_system, entity: r.entity, kind: "drifted", count: r.n }))
    ],
    ofKind: (runId: string, kind: string, limit: number): ReadonlyArray<PlanItemRow> => ofKind.all(runId, kind, limit).map(toItem),
    /** The warnings of rows that are (or will be) written: the first `perCode` of each code, and how many in all. */
    warnings: (runId: string, perCode: number) => ({
      listed: warningRows.all(runId, perCode).map((r) => ({ entity: r.entity, system: r.from_system, sourceId: r.source_id, code: r.code, message: r.message })),
      total: warningTotal.get(runId) ?? 0
    }),
    /** Every quarantined record (held back by the plan or refused by the target), with its reason. */
    quarantined: (runId: string) =>
      quarantineRows.all(runId).map((r) => ({ entity: r.entity, system: r.from_system, sourceId: r.source_id, code: r.code ?? "UNKNOWN", message: r.message ?? "" })),
    drifted: (runId: string): ReadonlyArray<PlanItemRow> => drifted.all(runId).map(toItem),
    verification: (runId: string) =>
      verification.all(runId).map((r) => ({ from: r.from_system, to: r.to_system, entity: r.entity, expected: r.expected, found: r.found })),
    mismatches: (runId: string, limit: number): ReadonlyArray<PlanItemRow> => mismatches.all(runId, limit).map(toItem),
    /** Every row reported as `kind`, one at a time (for actions.csv): never all in memory. */
    eachOfKind: function* (runId: string, kind: string): Generator<PlanItemRow> {
      for (const row of everyOfKind.iterate(runId, kind)) yield toItem(row)
    },
    /** Writes still to be carried out, per entity: creates and the rest. */
    openWrites: (runId: string): ReadonlyArray<{ readonly from: System; readonly entity: Entity; readonly action: PlanAction; readonly count: number }> =>
      openWrites.all(runId).map((r) => ({ from: r.from_system, entity: r.entity, action: r.action, count: r.n })),
    /** Writes of the given actions not carried out yet become skips for the reason (sync: archives and deletes held back). */
    holdBack: (runId: string, actions: ReadonlyArray<PlanAction>, reason: { readonly code: string; readonly message: string }): number =>
      holdBack.run({ runId, actions: JSON.stringify(actions), code: reason.code, reason: JSON.stringify(reason) }).changes,
    /** Rows of the run with a reason code (e.g. sync's ECHO). */
    countWithReason: (runId: string, code: string): number => withReason.get(runId, code) ?? 0,
    /** `apply`: the dry run's plan becomes the applying run's. */
    copy: (fromRunId: string, toRunId: string): number => copy.run(toRunId, fromRunId).changes,
    /** Deletes up to `limit` rows of finished runs (an unapplied dry run's plan stays for apply); 0 when done. */
    pruneChunk: (pairId: number, limit: number): number => pruneChunk.run(pairId, limit).changes
  }
}
