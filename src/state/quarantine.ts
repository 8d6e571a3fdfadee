import type Database from "better-sqlite3"
import { fromJson, toJson } from "./json.js"
import type { Entity, QuarantineEntry, QuarantineInput, RecordKey, System } from "./model.js"

interface QuarantineRow {
  readonly entity: Entity
  readonly system: System
  readonly source_id: string
  readonly code: string
  readonly message: string
  readonly payload: string | null
  readonly first_seen: string
  readonly last_seen: string
  readonly attempts: number
  readonly last_run_id: string | null
}

const toEntry = (r: QuarantineRow): QuarantineEntry => ({
  entity: r.entity,
  system: r.system,
  sourceId: r.source_id,
  code: r.code,
  message: r.message,
  payload: fromJson(r.payload),
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  attempts: r.attempts,
  lastRunId: r.last_run_id
})

export const quarantineTable = (db: Database.Database) => {
  const upsert = db.prepare<[number, Entity, System, string, string, string, string | null, string, string, string | null]>(
    `INSERT INTO quarantine (pair_id, entity, system, source_id, code, message, payload, first_seen, last_seen, attempts, last_run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
     ON CONFLICT (pair_id, entity, system, source_id) DO UPDATE SET code = excluded.code, message = excluded.message,
       payload = excluded.payload, last_seen = excluded.last_seen, attempts = attempts + 1, last_run_id = excluded.last_run_id`
  )
  const clear = db.prepare<[number, Entity, System, string]>(
    `DELETE FROM quarantine WHERE pair_id = ? AND entity = ? AND system = ? AND source_id = ?`
  )
  const any = db.prepare<[number], { found: number }>(`SELECT EXISTS (SELECT 1 FROM quarantine WHERE pair_id = ?) AS found`)
  const all = db.prepare<[number], QuarantineRow>(`SELECT * FROM quarantine WHERE pair_id = ? ORDER BY entity, system, source_id`)
  const forRun = db.prepare<[number, string], QuarantineRow>(
    `SELECT * FROM quarantine WHERE pair_id = ? AND last_run_id = ? ORDER BY entity, system, source_id`
  )

  return {
    record: (pairId: number, runId: string | null, records: ReadonlyArray<QuarantineInput>, now: string): void => {
      for (const q of records) upsert.run(pairId, q.entity, q.system, q.sourceId, q.code, q.message, toJson(q.payload), now, now, runId)
    },
    clear: (pairId: number, keys: ReadonlyArray<RecordKey>): number => {
      // The common case is an empty quarantine: one probe instead of a delete per linked record.
      if (keys.length === 0 || any.get(pairId)?.found !== 1) return 0
      let cleared = 0
      for (const k of keys) cleared += clear.run(pairId, k.entity, k.system, k.sourceId).changes
      return cleared
    },
    list: (pairId: number, runId: string | undefined): ReadonlyArray<QuarantineEntry> =>
      (runId === undefined ? all.all(pairId) : forRun.all(pairId, runId)).map(toEntry)
  }
}
