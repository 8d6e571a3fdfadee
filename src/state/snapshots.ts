import type Database from "better-sqlite3"
import { fromJson } from "./json.js"
import type { Entity, SnapshotInfo, SnapshotKeyField, SnapshotRecord, SnapshotRecordInput, System } from "./model.js"

interface SnapshotRow {
  readonly id: number
  readonly run_id: string
  readonly system: System
  readonly entity: Entity
  readonly started_at: string
  readonly full: number
  readonly complete: number
}

interface RecordRow {
  readonly position: number
  readonly source_id: string
  readonly updated_at: string
  readonly hash: string
  readonly mapped: string
}

const toInfo = (row: SnapshotRow): SnapshotInfo => ({
  id: row.id,
  runId: row.run_id,
  system: row.system,
  entity: row.entity,
  startedAt: row.started_at,
  full: row.full === 1,
  complete: row.complete === 1
})

const toRecord = (row: RecordRow): SnapshotRecord => ({
  position: row.position,
  sourceId: row.source_id,
  updatedAt: row.updated_at,
  hash: row.hash,
  mapped: fromJson(row.mapped)
})

const keyColumns: Readonly<Record<SnapshotKeyField, string>> = {
  email: "email",
  phone: "phone",
  vin: "vin",
  plate: "plate",
  nameKey: "name_key"
}

const recordColumns = "rowid AS position, source_id, updated_at, hash, mapped"

export const snapshotsTable = (db: Database.Database) => {
  const remove = db.prepare<[string, System, Entity]>(`DELETE FROM snapshots WHERE run_id = ? AND system = ? AND entity = ?`)
  const insert = db.prepare<[number, string, System, Entity, string, number]>(
    `INSERT INTO snapshots (pair_id, run_id, system, entity, started_at, full) VALUES (?, ?, ?, ?, ?, ?)`
  )
  const latestFull = db.prepare<[number, System, Entity], SnapshotRow>(
    `SELECT * FROM snapshots WHERE pair_id = ? AND system = ? AND entity = ? AND full = 1 AND complete = 1 ORDER BY id DESC LIMIT 1`
  )
  const complete = db.prepare<[number]>(`UPDATE snapshots SET complete = 1 WHERE id = ?`)
  const find = db.prepare<[number, string, System, Entity], SnapshotRow>(
    `SELECT * FROM snapshots WHERE pair_id = ? AND run_id = ? AND system = ? AND entity = ?`
  )
  // A record read twice (updated while we paged) keeps its first position and its newest content.
  // Positional parameters: binding by name looks each one up, a cost paid 250,000 times a run.
  const upsert = db.prepare<[number, string, string, number | null, string | null, string | null, string | null, string | null, string | null, string, string]>(
    `INSERT INTO snapshot_records (snapshot_id, source_id, updated_at, updated_ms, email, phone, vin, plate, name_key, hash, mapped)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (snapshot_id, source_id) DO UPDATE SET updated_at = excluded.updated_at, updated_ms = excluded.updated_ms,
       email = excluded.email, phone = excluded.phone, vin = excluded.vin, plate = excluded.plate, name_key = excluded.name_key,
       hash = excluded.hash, mapped = excluded.mapped`
  )
  const chunk = db.prepare<[number, number, number], RecordRow>(
    `SELECT ${recordColumns} FROM snapshot_records WHERE snapshot_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`
  )
  const byId = db.prepare<[number, string], RecordRow>(`SELECT ${recordColumns} FROM snapshot_records WHERE snapshot_id = ? AND source_id = ?`)
  const byHash = db.prepare<[number, string], RecordRow>(
    `SELECT ${recordColumns} FROM snapshot_records WHERE snapshot_id = ? AND hash = ? ORDER BY rowid`
  )
  const count = db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM snapshot_records WHERE snapshot_id = ?`)
  const newest = db.prepare<[number], { newest: string | null }>(
    `SELECT max(updated_at) AS newest FROM snapshot_records WHERE snapshot_id = ?`
  )
  const perField = <A>(make: (column: string) => A): Readonly<Record<SnapshotKeyField, A>> => ({
    email: make(keyColumns.email),
    phone: make(keyColumns.phone),
    vin: make(keyColumns.vin),
    plate: make(keyColumns.plate),
    nameKey: make(keyColumns.nameKey)
  })
  const byKey = perField((column) =>
    db.prepare<[number, string], RecordRow>(
      `SELECT ${recordColumns} FROM snapshot_records WHERE snapshot_id = ? AND ${column} = ? ORDER BY rowid`
    )
  )
  const firstByKey = perField((column) =>
    db.prepare<[number, string], RecordRow>(
      `SELECT ${recordColumns} FROM snapshot_records WHERE snapshot_id = ? AND ${column} = ? ORDER BY rowid LIMIT 1`
    )
  )
  const shared = perField((column) =>
    db.prepare<[number], string>(
      `SELECT ${column} AS value FROM snapshot_records WHERE snapshot_id = ? AND ${column} IS NOT NULL
       GROUP BY ${column} HAVING count(*) > 1`
    ).pluck()
  )
  // The most recently updated record keeps a shared value; the smallest id breaks ties (resolveSourceDuplicates' rule).
  const keeper = perField((column) =>
    db.prepare<[number, string], string>(
      `SELECT source_id FROM snapshot_records WHERE snapshot_id = ? AND ${column} = ?
       ORDER BY updated_ms DESC NULLS LAST, source_id LIMIT 1`
    ).pluck()
  )
  // Snapshots no run needs any more: of finished runs, except the latest real run of each set of directions (the next
  // run's starting point) and an unapplied dry run's (apply reads it).
  const prunable = `SELECT id FROM snapshots WHERE pair_id = @pairId AND run_id NOT IN (
       SELECT id FROM runs WHERE pair_id = @pairId AND (
         status IN ('running', 'interrupted', 'failed')
         OR (dry_run = 1 AND applied_by IS NULL AND status IN ('completed', 'completed_with_errors'))
         OR id IN (SELECT id FROM runs r2 WHERE r2.pair_id = @pairId AND r2.started_at = (
              SELECT max(started_at) FROM runs r3 WHERE r3.pair_id = @pairId AND r3.directions = r2.directions AND r3.dry_run = 0))))`
  const pruneRecords = db.prepare<{ pairId: number; limit: number }>(
    `DELETE FROM snapshot_records WHERE rowid IN (SELECT rowid FROM snapshot_records WHERE snapshot_id IN (${prunable}) LIMIT @limit)`
  )
  const pruneSnapshots = db.prepare<{ pairId: number }>(`DELETE FROM snapshots WHERE id IN (${prunable})`)

  return {
    /** A fresh snapshot for (run, system, entity): one a resumed run took before is replaced. */
    begin: (pairId: number, runId: string, system: System, entity: Entity, now: string, full: boolean): number => {
      remove.run(runId, system, entity)
      return Number(insert.run(pairId, runId, system, entity, now, full ? 1 : 0).lastInsertRowid)
    },
    /** The newest complete read of every record of a system's entity, by any run. */
    latestFull: (pairId: number, system: System, entity: Entity): SnapshotInfo | undefined => {
      const row = latestFull.get(pairId, system, entity)
      return row === undefined ? undefined : toInfo(row)
    },
    append: (snapshotId: number, records: ReadonlyArray<SnapshotRecordInput>): void => {
      for (const r of records) {
        const ms = Date.parse(r.updatedAt)
        const { keys } = r
        upsert.run(snapshotId, r.sourceId, r.updatedAt, Number.isNaN(ms) ? null : ms, keys.email, keys.phone, keys.vin, keys.plate, keys.nameKey, r.hash, JSON.stringify(r.mapped))
      }
    },
    complete: (snapshotId: number): void => void complete.run(snapshotId),
    find: (pairId: number, runId: string, system: System, entity: Entity): SnapshotInfo | undefined => {
      const row = find.get(pairId, runId, system, entity)
      return row === undefined ? undefined : toInfo(row)
    },
    chunk: (snapshotId: number, afterPosition: number, limit: number): ReadonlyArray<SnapshotRecord> =>
      chunk.all(snapshotId, afterPosition, limit).map(toRecord),
    byId: (snapshotId: number, sourceId: string): SnapshotRecord | undefined => {
      const row = byId.get(snapshotId, sourceId)
      return row === undefined ? undefined : toRecord(row)
    },
    /** Every record holding the value, in the order they were read. */
    byKey: (snapshotId: number, field: SnapshotKeyField, value: string): ReadonlyArray<SnapshotRecord> =>
      byKey[field].all(snapshotId, value).map(toRecord),
    /** The first record (in read order) holding the value. */
    firstByKey: (snapshotId: number, field: SnapshotKeyField, value: string): SnapshotRecord | undefined => {
      const row = firstByKey[field].get(snapshotId, value)
      return row === undefined ? undefined : toRecord(row)
    },
    byHash: (snapshotId: number, hash: string): ReadonlyArray<SnapshotRecord> => byHash.all(snapshotId, hash).map(toRecord),
    count: (snapshotId: number): number => count.get(snapshotId)?.n ?? 0,
    newestUpdatedAt: (snapshotId: number): string | null => newest.get(snapshotId)?.newest ?? null,
    /** Values of `field` held by more than one record (DUPLICATE_IN_SOURCE), found by one grouped query. */
    sharedValues: (snapshotId: number, field: SnapshotKeyField): ReadonlySet<string> => new Set(shared[field].all(snapshotId)),
    keeperOf: (snapshotId: number, field: SnapshotKeyField, value: string): string | undefined => keeper[field].get(snapshotId, value),
    /** Keeps the snapshots of runs that can still be resumed or applied, and of the latest real run per direction. */
    /** Deletes up to `limit` records of snapshots no run needs, and those snapshots once they are empty; 0 when done. */
    pruneChunk: (pairId: number, limit: number): number => {
      const records = pruneRecords.run({ pairId, limit }).changes
      return records > 0 ? records : pruneSnapshots.run({ pairId }).changes
    }
  }
}
