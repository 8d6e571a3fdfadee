import type Database from "better-sqlite3"
import { fromJson, toJson } from "./json.js"
import type { CounterIncrement, Direction, Entity, FinishRun, Run, RunCommand, RunCounter, RunStatus, RunWarning, StartRun, System } from "./model.js"

interface RunRow {
  readonly id: string
  readonly autoleap_company_id: string
  readonly autogms_garage_id: string
  readonly command: RunCommand
  readonly directions: string
  readonly options: string
  readonly dry_run: number
  readonly status: RunStatus
  readonly started_at: string
  readonly finished_at: string | null
  readonly resumes: number
  readonly error: string | null
  readonly report: string | null
  readonly applied_by: string | null
  readonly resumable: number
}

const toRun = (row: RunRow): Run => ({
  id: row.id,
  pair: { autoleapCompanyId: row.autoleap_company_id, autogmsGarageId: row.autogms_garage_id },
  command: row.command,
  directions: fromJson(row.directions) as ReadonlyArray<Direction>,
  options: fromJson(row.options),
  dryRun: row.dry_run === 1,
  status: row.status,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  resumes: row.resumes,
  error: row.error,
  report: fromJson(row.report),
  appliedBy: row.applied_by,
  resumable: row.resumable === 1 && !row.dry_run && row.status !== "completed" && row.status !== "completed_with_errors"
})

const selectRun = `
  SELECT r.*, p.autoleap_company_id, p.autogms_garage_id
  FROM runs r JOIN shop_pairs p ON p.id = r.pair_id`

export const runsTable = (db: Database.Database) => {
  const insert = db.prepare<[string, number, string, string, string, number, string]>(
    `INSERT INTO runs (id, pair_id, command, directions, options, dry_run, status, started_at)
     VALUES (?, ?, ?, ?, ?, ?, 'running', ?)`
  )
  const byId = db.prepare<[string], RunRow>(`${selectRun} WHERE r.id = ?`)
  const all = db.prepare<[number], RunRow>(`${selectRun} ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`)
  const resumable = db.prepare<[number], RunRow>(
    `${selectRun} WHERE r.pair_id = ? AND r.status IN ('running', 'interrupted', 'failed') AND r.dry_run = 0 AND r.resumable = 1
     ORDER BY r.started_at DESC, r.rowid DESC`
  )
  const finish = db.prepare<[string, string, string | null, string | null, number, string]>(
    `UPDATE runs SET status = ?, finished_at = ?, report = coalesce(?, report), error = ?, resumable = ? WHERE id = ?`
  )
  const reopen = db.prepare<[string]>(
    `UPDATE runs SET status = 'running', finished_at = NULL, error = NULL, resumes = resumes + 1 WHERE id = ?`
  )
  const interruptIfRunning = db.prepare<[string, string]>(
    `UPDATE runs SET status = 'interrupted', finished_at = ? WHERE id = ? AND status = 'running'`
  )
  const markApplied = db.prepare<[string, string]>(
    `UPDATE runs SET applied_by = ? WHERE id = ? AND dry_run = 1 AND applied_by IS NULL`
  )
  const bump = db.prepare<[string, System, Entity, string, number]>(
    `INSERT INTO run_counters (run_id, source, entity, counter, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, source, entity, counter) DO UPDATE SET value = value + excluded.value`
  )
  const counters = db.prepare<[string], { source: System; entity: Entity; counter: string; value: number }>(
    `SELECT source, entity, counter, value FROM run_counters WHERE run_id = ? ORDER BY source, entity, counter`
  )
  const addWarning = db.prepare<[string, Entity, System, string, string, string]>(
    `INSERT INTO run_warnings (run_id, entity, system, source_id, code, message) VALUES (?, ?, ?, ?, ?, ?)`
  )
  const warnings = db.prepare<[string], { entity: Entity; system: System; source_id: string; code: string; message: string }>(
    `SELECT entity, system, source_id, code, message FROM run_warnings WHERE run_id = ? ORDER BY id`
  )

  return {
    insert: (pairId: number, runId: string, input: StartRun, now: string): void => {
      insert.run(runId, pairId, input.command, JSON.stringify(input.directions), JSON.stringify(input.options ?? null),
        input.dryRun ? 1 : 0, now)
    },
    get: (runId: string): Run | undefined => {
      const row = byId.get(runId)
      return row === undefined ? undefined : toRun(row)
    },
    list: (limit: number): ReadonlyArray<Run> => all.all(limit).map(toRun),
    /** Newest first; the caller drops the one still holding a live lock. */
    resumable: (pairId: number): ReadonlyArray<Run> => resumable.all(pairId).map(toRun),
    finish: (runId: string, input: FinishRun, now: string): number =>
      finish.run(input.status, now, toJson(input.report), input.error ?? null, input.resumable === false ? 0 : 1, runId).changes,
    reopen: (runId: string): number => reopen.run(runId).changes,
    interruptIfRunning: (runId: string, now: string): number => interruptIfRunning.run(now, runId).changes,
    /** False when the run is not a dry run or its plan was applied already. */
    markApplied: (dryRunId: string, byRunId: string): boolean => markApplied.run(byRunId, dryRunId).changes === 1,
    bumpCounters: (runId: string, increments: ReadonlyArray<CounterIncrement>): void => {
      for (const c of increments) if (c.by !== 0) bump.run(runId, c.from, c.entity, c.counter, c.by)
    },
    counters: (runId: string): ReadonlyArray<RunCounter> =>
      counters.all(runId).map((r) => ({ from: r.source, entity: r.entity, counter: r.counter, value: r.value })),
    addWarnings: (runId: string, list: ReadonlyArray<RunWarning>): void => {
      for (const w of list) addWarning.run(runId, w.entity, w.system, w.sourceId, w.code, w.message)
    },
    warnings: (runId: string): ReadonlyArray<RunWarning> =>
      warnings.all(runId).map((w) => ({ entity: w.entity, system: w.system, sourceId: w.source_id, code: w.code, message: w.message }))
  }
}
