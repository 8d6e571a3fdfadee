/**
 * The shapes the state store takes and gives back. Plain readonly data: the pipeline builds them, the store persists
 * them. Ids are plain strings here because the store is system-neutral; the pipeline keeps its branded ids.
 */

import type { Entity } from "../domain/entity.js"
import type { SystemName } from "../domain/ids.js"

export type { Entity } from "../domain/entity.js"
export { entities } from "../domain/entity.js"
export type System = SystemName
export const systems: ReadonlyArray<System> = ["autoleap", "autogms"]

/** One AutoLeap company paired with one autoGMS garage; every row in the store belongs to exactly one pair. */
export interface ShopPair {
  readonly autoleapCompanyId: string
  readonly autogmsGarageId: string
}

// ── runs ────────────────────────────────────────────────────────────────────────────────────────────────────────
export type RunCommand = "migrate" | "sync"
export type RunStatus = "running" | "completed" | "completed_with_errors" | "failed" | "interrupted"
export const finalRunStatuses = ["completed", "completed_with_errors", "failed", "interrupted"] as const
export type FinalRunStatus = (typeof finalRunStatuses)[number]

export interface Direction {
  readonly from: System
  readonly to: System
}

export interface StartRun {
  /** Given by the caller (e.g. to print it first); generated when absent. */
  readonly runId?: string
  readonly command: RunCommand
  readonly directions: ReadonlyArray<Direction>
  /** Everything `resume` needs to rebuild the run (parsed flags, mapping path …). Never secrets. */
  readonly options: unknown
  readonly dryRun: boolean
}

/** One counter of the report, e.g. autoleap → customers → created. Counters add up across a resumed run. */
export interface CounterIncrement {
  readonly from: System
  readonly entity: Entity
  readonly counter: string
  readonly by: number
}

export interface RunCounter {
  readonly from: System
  readonly entity: Entity
  readonly counter: string
  readonly value: number
}

export interface Run {
  readonly id: string
  readonly pair: ShopPair
  readonly command: RunCommand
  readonly directions: ReadonlyArray<Direction>
  readonly options: unknown
  readonly dryRun: boolean
  readonly status: RunStatus
  readonly startedAt: string
  readonly finishedAt: string | null
  /** How many times `resume` has picked this run up again. */
  readonly resumes: number
  readonly error: string | null
  /** The report's summary stored when the run finished (null while it runs). */
  readonly report: unknown
  /** A dry run whose plan `apply` wrote: the applying run. */
  readonly appliedBy: string | null
  /** `resume` can finish it: a real run that stopped after it began reading. */
  readonly resumable: boolean
}

export interface FinishRun {
  readonly status: FinalRunStatus
  readonly report?: unknown
  readonly error?: string
  /** False for a run that stopped before reading anything: `resume` has nothing to continue. */
  readonly resumable?: boolean
}

/** A warning that travels with a written record (INVALID_EMAIL, VIN_CHECK_DIGIT …), kept for the report. */
export interface RunWarning {
  readonly entity: Entity
  readonly system: System
  readonly sourceId: string
  readonly code: string
  readonly message: string
}

// ── lock ────────────────────────────────────────────────────────────────────────────────────────────────────────
export interface LockHolder {
  readonly runId: string
  readonly pid: number
  readonly host: string
  readonly acquiredAt: string
  readonly heartbeatAt: string
}

// ── checkpoints ─────────────────────────────────────────────────────────────────────────────────────────────────
/** Where reading a system's entity stopped: a position in `updated` order (id breaks ties) or an opaque page token. */
export type Cursor =
  | { readonly kind: "position"; readonly updatedAt: string; readonly id: string }
  | { readonly kind: "page"; readonly token: string }

export interface CheckpointKey {
  readonly system: System
  readonly entity: Entity
  /** Free text chosen by the pipeline, e.g. "migrate:extract" or "sync". */
  readonly phase: string
}

export interface Checkpoint extends CheckpointKey {
  readonly cursor: Cursor
  readonly runId: string | null
  readonly savedAt: string
}

export interface SaveCheckpoint extends CheckpointKey {
  readonly cursor: Cursor
}

// ── links ───────────────────────────────────────────────────────────────────────────────────────────────────────
/** Content hashes of one side: last seen when read, last written by us (an echo of our own write is not a change). */
export interface SideHashes {
  readonly seen?: string
  readonly written?: string
}

export interface LinkInput {
  readonly entity: Entity
  readonly autoleapId: string
  readonly autogmsId: string
  readonly naturalKey?: string | null
  /** Absent fields keep what is stored. */
  readonly autoleap?: SideHashes
  readonly autogms?: SideHashes
  /** What the other side cannot hold; absent keeps the stored sidecar, null clears it. */
  readonly sidecar?: unknown
  /** The last-synced model record (the base of a three-way merge); absent keeps the stored one. */
  readonly base?: unknown
}

/** A link by its AutoLeap id (links are keyed on it). */
export interface LinkKey {
  readonly entity: Entity
  readonly autoleapId: string
}

export interface StoredHashes {
  readonly seen: string | null
  readonly written: string | null
}

export interface Link {
  readonly entity: Entity
  readonly autoleapId: string
  readonly autogmsId: string
  readonly naturalKey: string | null
  readonly autoleap: StoredHashes
  readonly autogms: StoredHashes
  readonly sidecar: unknown
  readonly base: unknown
  readonly updatedAt: string
}

// ── write ledger ────────────────────────────────────────────────────────────────────────────────────────────────
export type WriteAction = "create" | "update" | "archive" | "delete"
export type LedgerStatus = "pending" | "sent" | "confirmed" | "failed" | "unknown"
export type SettledStatus = "confirmed" | "failed" | "unknown"

export interface WriteIntent {
  readonly entity: Entity
  readonly targetSystem: System
  readonly action: WriteAction
  /** What the record is looked up by on the target when the response was lost (normalised email, VIN …). */
  readonly naturalKey: string
  readonly payloadHash: string
  readonly sourceId?: string | null
  /** Known for updates, archives and deletes; for creates it arrives with the outcome. */
  readonly targetId?: string | null
}

export interface LedgerEntry {
  readonly id: number
  readonly runId: string
  readonly batchId: string
  readonly entity: Entity
  readonly targetSystem: System
  readonly action: WriteAction
  readonly naturalKey: string
  readonly payloadHash: string
  readonly sourceId: string | null
  readonly targetId: string | null
  /** 1 for the first intent on this (entity, target, natural key); each retry after a settled failure adds one. */
  readonly attempt: number
  readonly status: LedgerStatus
  readonly error: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

export interface RecordedIntents {
  readonly batchId: string
  /** In the order of the intents given. */
  readonly entries: ReadonlyArray<LedgerEntry>
}

export interface WriteOutcome {
  readonly ledgerId: number
  readonly status: SettledStatus
  readonly targetId?: string
  readonly error?: string
}

// ── quarantine ──────────────────────────────────────────────────────────────────────────────────────────────────
export interface QuarantineInput {
  readonly entity: Entity
  /** The system the record was read from. */
  readonly system: System
  readonly sourceId: string
  readonly code: string
  readonly message: string
  readonly payload?: unknown
}

export interface QuarantineEntry {
  readonly entity: Entity
  readonly system: System
  readonly sourceId: string
  readonly code: string
  readonly message: string
  readonly payload: unknown
  readonly firstSeen: string
  readonly lastSeen: string
  readonly attempts: number
  readonly lastRunId: string | null
}

export interface RecordKey {
  readonly entity: Entity
  readonly system: System
  readonly sourceId: string
}

// ── conflicts ───────────────────────────────────────────────────────────────────────────────────────────────────
/** Which version was kept, or `open` awaiting review (policy `manual`). */
export type ConflictResolution = "open" | "autoleap" | "autogms"

export interface ConflictInput {
  readonly entity: Entity
  readonly autoleapId: string
  readonly autogmsId: string
  readonly autoleapVersion: unknown
  readonly autogmsVersion: unknown
  readonly fields: ReadonlyArray<string>
  readonly resolution: ConflictResolution
  /** The last-synced version both sides changed from (the base of the merge). */
  readonly base?: unknown
}

export interface Conflict extends ConflictInput {
  readonly id: number
  readonly runId: string | null
  readonly detectedAt: string
  readonly resolvedAt: string | null
}

// ── tag palette ─────────────────────────────────────────────────────────────────────────────────────────────────
export interface TagColor {
  readonly name: string
  /** Six hex digits without `#`, as AutoLeap wants them. */
  readonly color: string
}

// ── the one call after a batch's responses ─────────────────────────────────────────────────────────────────────
/**
 * Everything a batch's responses change, committed in ONE transaction: if the process dies, either all of it is on
 * disk or none of it is (and the ledger still shows the batch as sent, to be settled by lookup).
 */
export interface SettleBatch {
  readonly runId: string
  readonly outcomes?: ReadonlyArray<WriteOutcome>
  readonly links?: ReadonlyArray<LinkInput>
  /** Links that end: the record was archived or deleted on one side because it was on the other (sync). */
  readonly unlinks?: ReadonlyArray<LinkKey>
  readonly checkpoint?: SaveCheckpoint
  readonly counters?: ReadonlyArray<CounterIncrement>
  readonly quarantine?: ReadonlyArray<QuarantineInput>
  readonly warnings?: ReadonlyArray<RunWarning>
  readonly conflicts?: ReadonlyArray<ConflictInput>
  /** What became of the plan items the batch carried out. */
  readonly planOutcomes?: ReadonlyArray<PlanOutcome>
}

// ── snapshots ───────────────────────────────────────────────────────────────────────────────────────────────────
/** The natural keys of mapping.md in their own indexed columns (values without the kind prefix), and the name key. */
export type SnapshotKeyField = "email" | "phone" | "vin" | "plate" | "nameKey"
export type SnapshotKeys = Readonly<Record<SnapshotKeyField, string | null>>

export interface SnapshotInfo {
  readonly id: number
  readonly runId: string
  readonly system: System
  readonly entity: Entity
  readonly startedAt: string
  /** Every page was read. */
  readonly complete: boolean
  /** Every record of the entity (not only those changed in a window). */
  readonly full: boolean
}

export interface SnapshotRecordInput {
  readonly sourceId: string
  /** The server's updated timestamp. */
  readonly updatedAt: string
  readonly keys: SnapshotKeys
  /** Content hash of the record as its system stores it. */
  readonly hash: string
  /** The record mapped to the model, with its sidecar and findings (JSON). */
  readonly mapped: unknown
}

export interface SnapshotRecord {
  /** Order of arrival: chunks are read in this order. */
  readonly position: number
  readonly sourceId: string
  readonly updatedAt: string
  readonly hash: string
  readonly mapped: unknown
}

// ── plan ────────────────────────────────────────────────────────────────────────────────────────────────────────
export type PlanAction = "create" | "update" | "link" | "unchanged" | "skip" | "quarantine" | "archive" | "delete" | "conflict"
/** A drifted record (changed in the source after a dry run): re-planned, or left alone under `apply --strict`. */
export type PlanDrift = "replanned" | "held"
/**
 * What became of a planned write: written; written to an existing record a 409 pointed at; linked without a write;
 * refused by the target (quarantined).
 */
export type PlanOutcomeKind = "written" | "existing" | "linked" | "rejected"

export interface PlanItemInput {
  readonly from: System
  readonly to: System
  readonly entity: Entity
  readonly sourceId: string
  readonly action: PlanAction
  /** Carrying it out sends a write. */
  readonly writes: boolean
  readonly targetId: string | null
  /** Vehicles: the owner's id on the source system (resolved to the target when the vehicle is written). */
  readonly ownerSourceId: string | null
  /** The source record's hash as read: `apply` compares it with the source now. */
  readonly sourceHash: string
  readonly hash: string
  readonly lookupKey: string
  readonly label: string
  readonly reasonCode: string | null
  /** Everything else the load and the report need (JSON): records, sidecars, changes, warnings, reason. */
  readonly detail: unknown
  readonly drift?: PlanDrift | null
}

export interface PlanItemRow extends PlanItemInput {
  readonly id: number
  readonly runId: string
  readonly drift: PlanDrift | null
  readonly outcome: PlanOutcomeKind | null
  readonly outcomeTargetId: string | null
  readonly outcomeDetail: unknown
  readonly verified: boolean | null
}

export interface PlanOutcome {
  readonly planItemId: number
  readonly outcome: PlanOutcomeKind
  readonly targetId?: string | null
  /** JSON: the refusal, or the fields that differ after the write. */
  readonly detail?: unknown
  /** Whether the target holds what was planned (null: not known, e.g. linked without a read). */
  readonly verified?: boolean | null
}

/** Which rows a stage walks through. */
export type PlanPhase =
  /** Writes not yet carried out, creates first. */
  | "creates"
  | "updates"
  /** Archives and deletes not yet carried out (sync). */
  | "retires"
  /** Links by natural key that need no write, not yet recorded. */
  | "linkOnly"
  | "quarantine"
  | "all"

