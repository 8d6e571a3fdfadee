import type Database from "better-sqlite3"
import { fromJson, toJson } from "./json.js"
import type { Entity, Link, LinkInput, System } from "./model.js"

interface LinkRow {
  readonly entity: Entity
  readonly autoleap_id: string
  readonly autogms_id: string
  readonly natural_key: string | null
  readonly autoleap_hash_seen: string | null
  readonly autoleap_hash_written: string | null
  readonly autogms_hash_seen: string | null
  readonly autogms_hash_written: string | null
  readonly sidecar: string | null
  readonly base: string | null
  readonly updated_at: string
}

const toLink = (row: LinkRow): Link => ({
  entity: row.entity,
  autoleapId: row.autoleap_id,
  autogmsId: row.autogms_id,
  naturalKey: row.natural_key,
  autoleap: { seen: row.autoleap_hash_seen, written: row.autoleap_hash_written },
  autogms: { seen: row.autogms_hash_seen, written: row.autogms_hash_written },
  sidecar: fromJson(row.sidecar),
  base: fromJson(row.base),
  updatedAt: row.updated_at
})

const columns = `entity, autoleap_id, autogms_id, natural_key, autoleap_hash_seen, autoleap_hash_written,
  autogms_hash_seen, autogms_hash_written, sidecar, base, updated_at`

interface UpsertParams {
  readonly pairId: number
  readonly entity: Entity
  readonly autoleapId: string
  readonly autogmsId: string
  readonly naturalKey: string | null
  readonly autoleapSeen: string | null
  readonly autoleapWritten: string | null
  readonly autogmsSeen: string | null
  readonly autogmsWritten: string | null
  readonly sidecar: string | null
  readonly base: string | null
  readonly now: string
  readonly naturalKeyGiven: number
  readonly sidecarGiven: number
  readonly baseGiven: number
}

/**
 * A side's written hash after an upsert: a new write's, else the last one's until the side is seen in another version —
 * a later change there may bring the written content back, and that must not pass for our own echo.
 */
const writtenAfter = (side: "autoleap" | "autogms"): string =>
  `CASE WHEN excluded.${side}_hash_written IS NOT NULL THEN excluded.${side}_hash_written
        WHEN excluded.${side}_hash_seen IS NOT NULL AND excluded.${side}_hash_seen IS NOT ${side}_hash_written THEN NULL
        ELSE ${side}_hash_written END`

export const linksTable = (db: Database.Database) => {
  // Keyed on the AutoLeap id; the UNIQUE on the autoGMS id makes a second source record claiming an already linked
  // target fail the whole batch instead of silently merging two records into one.
  const upsert = db.prepare<UpsertParams>(
    `INSERT INTO links (pair_id, entity, autoleap_id, autogms_id, natural_key, autoleap_hash_seen, autoleap_hash_written,
       autogms_hash_seen, autogms_hash_written, sidecar, base, updated_at)
     VALUES (@pairId, @entity, @autoleapId, @autogmsId, @naturalKey, @autoleapSeen, @autoleapWritten,
       @autogmsSeen, @autogmsWritten, @sidecar, @base, @now)
     ON CONFLICT (pair_id, entity, autoleap_id) DO UPDATE SET
       autogms_id = excluded.autogms_id,
       natural_key = CASE WHEN @naturalKeyGiven = 1 THEN excluded.natural_key ELSE natural_key END,
       autoleap_hash_seen = coalesce(excluded.autoleap_hash_seen, autoleap_hash_seen),
       autoleap_hash_written = ${writtenAfter("autoleap")},
       autogms_hash_seen = coalesce(excluded.autogms_hash_seen, autogms_hash_seen),
       autogms_hash_written = ${writtenAfter("autogms")},
       sidecar = CASE WHEN @sidecarGiven = 1 THEN excluded.sidecar ELSE sidecar END,
       base = CASE WHEN @baseGiven = 1 THEN excluded.base ELSE base END,
       updated_at = excluded.updated_at`
  )
  const byAutoleap = db.prepare<[number, Entity, string], LinkRow>(
    `SELECT ${columns} FROM links WHERE pair_id = ? AND entity = ? AND autoleap_id = ?`
  )
  const byAutogms = db.prepare<[number, Entity, string], LinkRow>(
    `SELECT ${columns} FROM links WHERE pair_id = ? AND entity = ? AND autogms_id = ?`
  )
  const byNaturalKey = db.prepare<[number, Entity, string], LinkRow>(
    `SELECT ${columns} FROM links WHERE pair_id = ? AND entity = ? AND natural_key = ?`
  )
  const all = db.prepare<[number, Entity], LinkRow>(`SELECT ${columns} FROM links WHERE pair_id = ? AND entity = ? ORDER BY id`)
  const count = db.prepare<[number, Entity], { n: number }>(`SELECT count(*) AS n FROM links WHERE pair_id = ? AND entity = ?`)
  const missingAutoleap = db.prepare<[number, Entity, number, number], LinkRow>(
    `SELECT ${columns} FROM links l WHERE l.pair_id = ? AND l.entity = ?
       AND NOT EXISTS (SELECT 1 FROM snapshot_records s WHERE s.snapshot_id = ? AND s.source_id = l.autoleap_id) ORDER BY l.id LIMIT ?`
  )
  const missingAutogms = db.prepare<[number, Entity, number, number], LinkRow>(
    `SELECT ${columns} FROM links l WHERE l.pair_id = ? AND l.entity = ?
       AND NOT EXISTS (SELECT 1 FROM snapshot_records s WHERE s.snapshot_id = ? AND s.source_id = l.autogms_id) ORDER BY l.id LIMIT ?`
  )
  const remove = db.prepare<[number, Entity, string]>(`DELETE FROM links WHERE pair_id = ? AND entity = ? AND autoleap_id = ?`)

  const by = (pairId: number, entity: Entity, system: System, id: string): Link | undefined => {
    const row = (system === "autoleap" ? byAutoleap : byAutogms).get(pairId, entity, id)
    return row === undefined ? undefined : toLink(row)
  }

  return {
    record: (pairId: number, links: ReadonlyArray<LinkInput>, now: string): void => {
      for (const l of links) {
        upsert.run({
          pairId, entity: l.entity, autoleapId: l.autoleapId, autogmsId: l.autogmsId, naturalKey: l.naturalKey ?? null,
          autoleapSeen: l.autoleap?.seen ?? null, autoleapWritten: l.autoleap?.written ?? null,
          autogmsSeen: l.autogms?.seen ?? null, autogmsWritten: l.autogms?.written ?? null,
          sidecar: toJson(l.sidecar), base: toJson(l.base), now,
          naturalKeyGiven: l.naturalKey === undefined ? 0 : 1, sidecarGiven: l.sidecar === undefined ? 0 : 1,
          baseGiven: l.base === undefined ? 0 : 1
        })
      }
    },
    by,
    /** One prepared lookup per id: cheaper than building IN lists, and the planner asks per page of ≤100 ids. */
    byIds: (pairId: number, entity: Entity, system: System, ids: ReadonlyArray<string>): ReadonlyMap<string, Link> => {
      const found = new Map<string, Link>()
      for (const id of ids) {
        const link = by(pairId, entity, system, id)
        if (link !== undefined) found.set(id, link)
      }
      return found
    },
    byNaturalKey: (pairId: number, entity: Entity, naturalKey: string): Link | undefined => {
      const row = byNaturalKey.get(pairId, entity, naturalKey)
      return row === undefined ? undefined : toLink(row)
    },
    all: (pairId: number, entity: Entity): ReadonlyArray<Link> => all.all(pairId, entity).map(toLink),
    count: (pairId: number, entity: Entity): number => count.get(pairId, entity)?.n ?? 0,
    /** Links whose record on `system` is absent from a full snapshot of that side: deleted there (or archived away). */
    missingFrom: (pairId: number, entity: Entity, system: System, snapshotId: number, limit: number): ReadonlyArray<Link> =>
      (system === "autoleap" ? missingAutoleap : missingAutogms).all(pairId, entity, snapshotId, limit).map(toLink),
    remove: (pairId: number, entity: Entity, autoleapId: string): number => remove.run(pairId, entity, autoleapId).changes
  }
}
