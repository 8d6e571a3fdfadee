import type Database from "better-sqlite3"
import type { Entity, LedgerEntry, LedgerStatus, System, WriteAction, WriteIntent, WriteOutcome } from "./model.js"

interface LedgerRow {
  readonly id: number
  readonly run_id: string
  readonly batch_id: string
  readonly entity: Entity
  readonly target_system: System
  readonly action: WriteAction
  readonly natural_key: string
  readonly payload_hash: string
  readonly source_id: string | null
  readonly target_id: string | null
  readonly attempt: number
  readonly status: LedgerStatus
  readonly error: string | null
  readonly created_at: string
  readonly updated_at: string
}

const toEntry = (r: LedgerRow): LedgerEntry => ({
  id: r.id,
  runId: r.run_id,
  batchId: r.batch_id,
  entity: r.entity,
  targetSystem: r.target_system,
  action: r.action,
  naturalKey: r.natural_key,
  payloadHash: r.payload_hash,
  sourceId: r.source_id,
  targetId: r.target_id,
  attempt: r.attempt,
  status: r.status,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at
})

export type SettleRefusal = { readonly _tag: "NotOpen"; readonly ledgerId: number }

export const ledgerTable = (db: Database.Database) => {
  const lastAttempt = db.prepare<[number, Entity, System, string], { attempt: number | null }>(
    `SELECT max(attempt) AS attempt FROM ledger WHERE pair_id = ? AND entity = ? AND target_system = ? AND natural_key = ?`
  )
  const insert = db.prepare<[number, string, string, Entity, System, WriteAction, string, string, string | null, string | null, number, string, string]>(
    `INSERT INTO ledger (pair_id, run_id, batch_id, entity, target_system, action, natural_key, payload_hash, source_id,
       target_id, attempt, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`
  )
  const byId = db.prepare<[number], LedgerRow>(`SELECT * FROM ledger WHERE id = ?`)
  const byBatch = db.prepare<[number, string], LedgerRow>(`SELECT * FROM ledger WHERE pair_id = ? AND batch_id = ? ORDER BY id`)
  const markSent = db.prepare<[string, number, string]>(
    `UPDATE ledger SET status = 'sent', updated_at = ? WHERE pair_id = ? AND batch_id = ? AND status = 'pending'`
  )
  // Only an open row (pending, sent, unknown) can be settled: a confirmed write is never overwritten by a late retry.
  const settle = db.prepare<[string, string | null, string | null, string, number, number]>(
    `UPDATE ledger SET status = ?, target_id = coalesce(?, target_id), error = ?, updated_at = ?
     WHERE id = ? AND pair_id = ? AND status IN ('pending', 'sent', 'unknown')`
  )
  // A retry is sent only after the lookup found the attempt before it not applied: once the retry has its outcome, the
  // attempts it replaced are closed as failed, so a completed run leaves no row open.
  const supersede = db.prepare<{ id: number; pairId: number; now: string }>(
    `WITH retry AS (SELECT entity, target_system, natural_key, attempt FROM ledger WHERE id = @id AND pair_id = @pairId)
     UPDATE ledger SET status = 'failed', updated_at = @now,
       error = coalesce(error || '; ', '') || 'superseded by attempt ' || (SELECT attempt FROM retry)
     WHERE pair_id = @pairId AND status IN ('pending', 'sent', 'unknown') AND attempt < (SELECT attempt FROM retry)
       AND (entity, target_system, natural_key) = (SELECT entity, target_system, natural_key FROM retry)`
  )
  const open = db.prepare<[number], LedgerRow>(
    `SELECT * FROM ledger WHERE pair_id = ? AND status IN ('pending', 'sent', 'unknown') ORDER BY id`
  )
  const openForRun = db.prepare<[number, string], LedgerRow>(
    `SELECT * FROM ledger WHERE pair_id = ? AND run_id = ? AND status IN ('pending', 'sent', 'unknown') ORDER BY id`
  )

  return {
    recordIntents: (pairId: number, runId: string, batchId: string, intents: ReadonlyArray<WriteIntent>, now: string): ReadonlyArray<LedgerEntry> =>
      intents.map((i) => {
        const attempt = (lastAttempt.get(pairId, i.entity, i.targetSystem, i.naturalKey)?.attempt ?? 0) + 1
        const id = Number(insert.run(pairId, runId, batchId, i.entity, i.targetSystem, i.action, i.naturalKey, i.payloadHash,
          i.sourceId ?? null, i.targetId ?? null, attempt, now, now).lastInsertRowid)
        return {
          id, runId, batchId, entity: i.entity, targetSystem: i.targetSystem, action: i.action, naturalKey: i.naturalKey,
          payloadHash: i.payloadHash, sourceId: i.sourceId ?? null, targetId: i.targetId ?? null, attempt,
          status: "pending", error: null, createdAt: now, updatedAt: now
        } satisfies LedgerEntry
      }),
    markSent: (pairId: number, batchId: string, now: string): number => markSent.run(now, pairId, batchId).changes,
    /** Stops at the first row that is not open; the caller rolls the whole batch back. */
    settle: (pairId: number, outcomes: ReadonlyArray<WriteOutcome>, now: string): SettleRefusal | undefined => {
      for (const o of outcomes) {
        const changed = settle.run(o.status, o.targetId ?? null, o.error ?? null, now, o.ledgerId, pairId).changes
        if (changed !== 1) return { _tag: "NotOpen", ledgerId: o.ledgerId }
        if (o.status !== "unknown") supersede.run({ id: o.ledgerId, pairId, now })
      }
      return undefined
    },
    get: (id: number): LedgerEntry | undefined => {
      const row = byId.get(id)
      return row === undefined ? undefined : toEntry(row)
    },
    batch: (pairId: number, batchId: string): ReadonlyArray<LedgerEntry> => byBatch.all(pairId, batchId).map(toEntry),
    open: (pairId: number, runId: string | undefined): ReadonlyArray<LedgerEntry> =>
      (runId === undefined ? open.all(pairId) : openForRun.all(pairId, runId)).map(toEntry)
  }
}
