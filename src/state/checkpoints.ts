import type Database from "better-sqlite3"
import type { Checkpoint, CheckpointKey, Cursor, Entity, SaveCheckpoint, System } from "./model.js"

interface CheckpointRow {
  readonly system: System
  readonly entity: Entity
  readonly phase: string
  readonly cursor_updated_at: string | null
  readonly cursor_id: string | null
  readonly page_token: string | null
  readonly run_id: string | null
  readonly saved_at: string
}

const toCursor = (row: CheckpointRow): Cursor =>
  row.page_token !== null
    ? { kind: "page", token: row.page_token }
    : { kind: "position", updatedAt: row.cursor_updated_at ?? "", id: row.cursor_id ?? "" }

const toCheckpoint = (row: CheckpointRow): Checkpoint => ({
  system: row.system,
  entity: row.entity,
  phase: row.phase,
  cursor: toCursor(row),
  runId: row.run_id,
  savedAt: row.saved_at
})

export const checkpointsTable = (db: Database.Database) => {
  const save = db.prepare<[number, System, Entity, string, string | null, string | null, string | null, string | null, string]>(
    `INSERT INTO checkpoints (pair_id, system, entity, phase, cursor_updated_at, cursor_id, page_token, run_id, saved_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (pair_id, system, entity, phase) DO UPDATE SET cursor_updated_at = excluded.cursor_updated_at,
       cursor_id = excluded.cursor_id, page_token = excluded.page_token, run_id = excluded.run_id, saved_at = excluded.saved_at`
  )
  const get = db.prepare<[number, System, Entity, string], CheckpointRow>(
    `SELECT * FROM checkpoints WHERE pair_id = ? AND system = ? AND entity = ? AND phase = ?`
  )
  const all = db.prepare<[number], CheckpointRow>(`SELECT * FROM checkpoints WHERE pair_id = ? ORDER BY system, entity, phase`)
  const clearPhase = db.prepare<[number, string]>(`DELETE FROM checkpoints WHERE pair_id = ? AND phase = ?`)

  return {
    save: (pairId: number, checkpoint: SaveCheckpoint, runId: string | null, now: string): void => {
      const c = checkpoint.cursor
      save.run(pairId, checkpoint.system, checkpoint.entity, checkpoint.phase,
        c.kind === "position" ? c.updatedAt : null, c.kind === "position" ? c.id : null, c.kind === "page" ? c.token : null,
        runId, now)
    },
    get: (pairId: number, key: CheckpointKey): Checkpoint | undefined => {
      const row = get.get(pairId, key.system, key.entity, key.phase)
      return row === undefined ? undefined : toCheckpoint(row)
    },
    all: (pairId: number): ReadonlyArray<Checkpoint> => all.all(pairId).map(toCheckpoint),
    /** A new migrate run starts its phase from the beginning. */
    clearPhase: (pairId: number, phase: string): number => clearPhase.run(pairId, phase).changes
  }
}
