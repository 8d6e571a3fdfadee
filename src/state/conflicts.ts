import type Database from "better-sqlite3"
import { fromJson } from "./json.js"
import type { Conflict, ConflictInput, ConflictResolution, Entity } from "./model.js"

interface ConflictRow {
  readonly id: number
  readonly run_id: string | null
  readonly entity: Entity
  readonly autoleap_id: string
  readonly autogms_id: string
  readonly autoleap_version: string
  readonly autogms_version: string
  readonly fields: string
  readonly resolution: ConflictResolution
  readonly detected_at: string
  readonly resolved_at: string | null
  readonly base: string | null
}

const toConflict = (r: ConflictRow): Conflict => ({
  id: r.id,
  runId: r.run_id,
  entity: r.entity,
  autoleapId: r.autoleap_id,
  autogmsId: r.autogms_id,
  autoleapVersion: fromJson(r.autoleap_version),
  autogmsVersion: fromJson(r.autogms_version),
  fields: fromJson(r.fields) as ReadonlyArray<string>,
  resolution: r.resolution,
  base: fromJson(r.base),
  detectedAt: r.detected_at,
  resolvedAt: r.resolved_at
})

export const conflictsTable = (db: Database.Database) => {
  const findOpen = db.prepare<[number, Entity, string, string], { id: number }>(
    `SELECT id FROM conflicts WHERE pair_id = ? AND entity = ? AND autoleap_id = ? AND autogms_id = ? AND resolution = 'open'`
  )
  const insert = db.prepare<[number, string | null, Entity, string, string, string, string, string, ConflictResolution, string, string | null, string | null]>(
    `INSERT INTO conflicts (pair_id, run_id, entity, autoleap_id, autogms_id, autoleap_version, autogms_version, fields,
       resolution, detected_at, resolved_at, base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  )
  const refresh = db.prepare<[string | null, string, string, string, ConflictResolution, string, string | null, string | null, number]>(
    `UPDATE conflicts SET run_id = ?, autoleap_version = ?, autogms_version = ?, fields = ?, resolution = ?, detected_at = ?,
       resolved_at = ?, base = ? WHERE id = ?`
  )
  const resolve = db.prepare<[ConflictResolution, string, number, number]>(
    `UPDATE conflicts SET resolution = ?, resolved_at = ? WHERE id = ? AND pair_id = ? AND resolution = 'open'`
  )
  // A conflict a policy settled was written by the run that found it; one a person settled waits for the next sync.
  const markApplied = db.prepare<[string, number]>(`UPDATE conflicts SET applied_by = ? WHERE id = ?`)
  const toApply = db.prepare<[number], ConflictRow>(
    `SELECT * FROM conflicts WHERE pair_id = ? AND resolution <> 'open' AND applied_by IS NULL ORDER BY id`
  )
  const all = db.prepare<[number], ConflictRow>(`SELECT * FROM conflicts WHERE pair_id = ? ORDER BY id`)
  const forRun = db.prepare<[number, string], ConflictRow>(`SELECT * FROM conflicts WHERE pair_id = ? AND run_id = ? ORDER BY id`)
  const open = db.prepare<[number], ConflictRow>(`SELECT * FROM conflicts WHERE pair_id = ? AND resolution = 'open' ORDER BY id`)

  return {
    /** A conflict already open for the same two records is refreshed (newest versions), not duplicated. */
    record: (pairId: number, runId: string | null, list: ReadonlyArray<ConflictInput>, now: string): ReadonlyArray<number> =>
      list.map((c) => {
        const resolvedAt = c.resolution === "open" ? null : now
        const a = JSON.stringify(c.autoleapVersion ?? null)
        const b = JSON.stringify(c.autogmsVersion ?? null)
        const fields = JSON.stringify(c.fields)
        const base = c.base === undefined ? null : JSON.stringify(c.base)
        const existing = findOpen.get(pairId, c.entity, c.autoleapId, c.autogmsId)
        const id =
          existing !== undefined
            ? (refresh.run(runId, a, b, fields, c.resolution, now, resolvedAt, base, existing.id), existing.id)
            : Number(insert.run(pairId, runId, c.entity, c.autoleapId, c.autogmsId, a, b, fields, c.resolution, now, resolvedAt, base).lastInsertRowid)
        if (c.resolution !== "open" && runId !== null) markApplied.run(runId, id)
        return id
      }),
    resolve: (pairId: number, id: number, resolution: Exclude<ConflictResolution, "open">, now: string): boolean =>
      resolve.run(resolution, now, id, pairId).changes === 1,
    /** Settled by a person (`conflicts resolve`) and not yet written by a sync. */
    toApply: (pairId: number): ReadonlyArray<Conflict> => toApply.all(pairId).map(toConflict),
    markApplied: (ids: ReadonlyArray<number>, runId: string): void => {
      for (const id of ids) markApplied.run(runId, id)
    },
    list: (pairId: number, filter: { readonly runId?: string; readonly openOnly?: boolean }): ReadonlyArray<Conflict> =>
      (filter.openOnly === true ? open.all(pairId) : filter.runId !== undefined ? forRun.all(pairId, filter.runId) : all.all(pairId)).map(toConflict)
  }
}
