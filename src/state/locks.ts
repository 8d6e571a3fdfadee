import type Database from "better-sqlite3"
import type { LockHolder } from "./model.js"

interface LockRow {
  readonly run_id: string
  readonly pid: number
  readonly host: string
  readonly acquired_at: number
  readonly heartbeat_at: number
}

const toHolder = (row: LockRow): LockHolder => ({
  runId: row.run_id,
  pid: row.pid,
  host: row.host,
  acquiredAt: new Date(row.acquired_at).toISOString(),
  heartbeatAt: new Date(row.heartbeat_at).toISOString()
})

export interface Claimant {
  readonly runId: string
  readonly pid: number
  readonly host: string
}

export type LockAttempt =
  | { readonly _tag: "Acquired"; readonly holder: LockHolder; readonly tookOverFrom: LockHolder | null }
  | { readonly _tag: "Held"; readonly holder: LockHolder }

/** The lock is a row per shop pair; the caller runs `tryAcquire` inside an IMMEDIATE transaction. */
export const locksTable = (db: Database.Database) => {
  const get = db.prepare<[number], LockRow>(`SELECT run_id, pid, host, acquired_at, heartbeat_at FROM locks WHERE pair_id = ?`)
  const put = db.prepare<[number, string, number, string, number, number]>(
    `INSERT INTO locks (pair_id, run_id, pid, host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (pair_id) DO UPDATE SET run_id = excluded.run_id, pid = excluded.pid, host = excluded.host,
       acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`
  )
  const beat = db.prepare<[number, number, string]>(`UPDATE locks SET heartbeat_at = ? WHERE pair_id = ? AND run_id = ?`)
  const release = db.prepare<[number, string]>(`DELETE FROM locks WHERE pair_id = ? AND run_id = ?`)

  const holder = (pairId: number): LockHolder | undefined => {
    const row = get.get(pairId)
    return row === undefined ? undefined : toHolder(row)
  }

  return {
    holder,
    heartbeatAtMs: (pairId: number): { runId: string; heartbeatAt: number } | undefined => {
      const row = get.get(pairId)
      return row === undefined ? undefined : { runId: row.run_id, heartbeatAt: row.heartbeat_at }
    },
    /**
     * Free, ours already (a resumed run re-acquiring), or stale → ours. Otherwise the holder. A heartbeat in the
     * future (clock skew between hosts) counts as fresh: better to wait than to run twice.
     */
    tryAcquire: (pairId: number, claimant: Claimant, nowMs: number, staleAfterMs: number): LockAttempt => {
      const current = get.get(pairId)
      const fresh = current !== undefined && nowMs - current.heartbeat_at < staleAfterMs
      if (current !== undefined && fresh && current.run_id !== claimant.runId) return { _tag: "Held", holder: toHolder(current) }
      put.run(pairId, claimant.runId, claimant.pid, claimant.host, nowMs, nowMs)
      const tookOverFrom = current !== undefined && current.run_id !== claimant.runId ? toHolder(current) : null
      return { _tag: "Acquired", holder: toHolder({ run_id: claimant.runId, pid: claimant.pid, host: claimant.host, acquired_at: nowMs, heartbeat_at: nowMs }), tookOverFrom }
    },
    /** False when the row is no longer ours (taken over after we went stale). */
    heartbeat: (pairId: number, runId: string, nowMs: number): boolean => beat.run(nowMs, pairId, runId).changes === 1,
    release: (pairId: number, runId: string): boolean => release.run(pairId, runId).changes === 1
  }
}
