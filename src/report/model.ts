import { Schema } from "effect"
import { SystemName } from "../domain/ids.js"

/**
 * The run report: every field of report.json in contract/cli.md (names kept exactly), plus the preflight estimate, the
 * verification and the records that drifted before `apply`. It holds no per-record actions: a run may have 250,000 of
 * them, so they stay in the plan table and reach actions.csv one row at a time (./actions.ts).
 *
 * A report is plain JSON data: `JSON.stringify` writes it and `decodeRunReport` (./json.ts) reads it back for
 * `shopbridge report RUN_ID`. The only schemas whose Type differs from their Encoded side are the `drifted` fields,
 * which default when missing so a report.json written before drift was tracked still reads.
 */

/** The one system name of the domain, re-exported for the report's readers. */
export { SystemName }

export const EntityName = Schema.Literal("customers", "vehicles", "tags")
export type EntityName = typeof EntityName.Type
/** Display order of entities everywhere in a report. */
export const entityOrder: ReadonlyArray<EntityName> = ["customers", "vehicles", "tags"]

export const RunCommand = Schema.Literal("migrate", "sync")
export type RunCommand = typeof RunCommand.Type

export const RunStatus = Schema.Literal("completed", "completed_with_errors", "failed", "interrupted")
export type RunStatus = typeof RunStatus.Type

/** What happened (or, in a dry run, would happen) to one source record. */
export const ActionKind = Schema.Literal(
  "create",
  "update",
  "unchanged",
  "link",
  "quarantine",
  "archive",
  "delete",
  "conflict",
  "skip"
)
export type ActionKind = typeof ActionKind.Type

const Count = Schema.NonNegativeInt

/**
 * cli.md's per-entity counts, plus `skipped` (e.g. archived records left out by default, which mapping.md says are
 * counted) and `drifted` (records that changed in the source between a dry run's plan and `shopbridge apply`).
 */
export const EntityCounts = Schema.Struct({
  read: Count,
  created: Count,
  updated: Count,
  unchanged: Count,
  archived: Count,
  deleted: Count,
  linked: Count,
  conflicts: Count,
  quarantined: Count,
  skipped: Count,
  drifted: Schema.optionalWith(Count, { default: () => 0 })
})
export type EntityCounts = typeof EntityCounts.Type

export const emptyCounts: EntityCounts = {
  read: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  archived: 0,
  deleted: 0,
  linked: 0,
  conflicts: 0,
  quarantined: 0,
  skipped: 0,
  drifted: 0
}

/** Which counter each action feeds; `read` (the extract step) and `drifted` (apply's re-check) are not actions. */
export const counterOfAction: Readonly<Record<ActionKind, Exclude<keyof EntityCounts, "read" | "drifted">>> = {
  create: "created",
  update: "updated",
  unchanged: "unchanged",
  link: "linked",
  quarantine: "quarantined",
  archive: "archived",
  delete: "deleted",
  conflict: "conflicts",
  skip: "skipped"
}

export const DirectionEntities = Schema.Struct({
  customers: Schema.optional(EntityCounts),
  vehicles: Schema.optional(EntityCounts),
  tags: Schema.optional(EntityCounts)
})
export type DirectionEntities = typeof DirectionEntities.Type

export const DirectionReport = Schema.Struct({
  from: SystemName,
  to: SystemName,
  entities: DirectionEntities
})
export type DirectionReport = typeof DirectionReport.Type

/** A quarantined record (not written) or a warning (written, with a caveat); `code` is one of mapping.md's codes. */
export const RecordIssue = Schema.Struct({
  entity: EntityName,
  system: SystemName,
  sourceId: Schema.String,
  code: Schema.String,
  message: Schema.String
})
export type RecordIssue = typeof RecordIssue.Type

export const ConflictEntry = Schema.Struct({
  entity: EntityName,
  autoleapId: Schema.NullOr(Schema.String),
  autogmsId: Schema.NullOr(Schema.String),
  fields: Schema.Array(Schema.String),
  resolution: Schema.String
})
export type ConflictEntry = typeof ConflictEntry.Type

export const RequestCounts = Schema.Struct({ total: Count, retried: Count, throttled: Count })
export type RequestCounts = typeof RequestCounts.Type

export const Requests = Schema.Struct({ autoleap: RequestCounts, autogms: RequestCounts })
export type Requests = typeof Requests.Type

/** Any JSON value: field values before and after a change (strings, numbers, null, tag lists, addresses). */
export type JsonValue = string | number | boolean | null | ReadonlyArray<JsonValue> | { readonly [key: string]: JsonValue }
export const JsonValue: Schema.Schema<JsonValue> = Schema.Union(
  Schema.String,
  Schema.Number,
  Schema.Boolean,
  Schema.Null,
  Schema.Array(Schema.suspend((): Schema.Schema<JsonValue> => JsonValue)),
  Schema.Record({ key: Schema.String, value: Schema.suspend((): Schema.Schema<JsonValue> => JsonValue) })
)

/** One field as the target has it (`before`, null when the record is new) and as the run writes it (`after`). */
export const FieldChange = Schema.Struct({
  field: Schema.String,
  before: JsonValue,
  after: JsonValue
})
export type FieldChange = typeof FieldChange.Type

export const ActionIssue = Schema.Struct({ code: Schema.String, message: Schema.String })
export type ActionIssue = typeof ActionIssue.Type

/**
 * One record of the run: a row of actions.csv and of the report's samples. `sourceSystem` is the side the record was
 * read from (= `from`).
 */
export const ActionRecord = Schema.Struct({
  entity: EntityName,
  from: SystemName,
  to: SystemName,
  action: ActionKind,
  sourceSystem: SystemName,
  sourceId: Schema.String,
  targetId: Schema.NullOr(Schema.String),
  /** A short human label: the customer's name, the vehicle's "2019 Toyota Camry", the tag name. */
  label: Schema.String,
  /** The reason code (mapping.md) for quarantine, skip, conflict, link… ; null when the action needs no explanation. */
  reason: Schema.NullOr(Schema.String),
  /** The reason in plain words, for the shop. */
  message: Schema.NullOr(Schema.String),
  changes: Schema.Array(FieldChange),
  /** Warnings that travel with the written record (INVALID_EMAIL, VIN_CHECK_DIGIT…). */
  warnings: Schema.Array(ActionIssue),
  /** Set when both sides changed: which fields, and how the conflict policy resolved it (or "awaiting review"). */
  conflict: Schema.NullOr(Schema.Struct({ fields: Schema.Array(Schema.String), resolution: Schema.String }))
})
export type ActionRecord = typeof ActionRecord.Type

/**
 * A record that changed in the source between a dry run's plan and `apply`: `replanned` (planned again from the new
 * version; `action` is what is now done) or `held` (left alone, e.g. `apply --strict`; `action` is "skip").
 * `changes` are source fields as planned (`before`) and as found at apply (`after`).
 */
export const DriftResolution = Schema.Literal("replanned", "held")
export type DriftResolution = typeof DriftResolution.Type

export const DriftEntry = Schema.Struct({
  entity: EntityName,
  /** The source system, where the record changed. */
  system: SystemName,
  sourceId: Schema.String,
  label: Schema.String,
  resolution: DriftResolution,
  action: ActionKind,
  changes: Schema.Array(FieldChange)
})
export type DriftEntry = typeof DriftEntry.Type

/** Requests one API needs for one method class, and the time that takes at the configured per-minute limit. */
export const EstimateLine = Schema.Struct({
  /** e.g. "GET", "POST", or "all" for autoGMS's single budget. */
  method: Schema.String,
  requests: Count,
  perMinute: Schema.Positive,
  minutes: Schema.NonNegative
})
export type EstimateLine = typeof EstimateLine.Type

export const ApiEstimate = Schema.Struct({
  requests: Count,
  minutes: Schema.NonNegative,
  lines: Schema.Array(EstimateLine)
})
export type ApiEstimate = typeof ApiEstimate.Type

/** Preflight: what the run will cost against each API's rate limit. `minutes` is the whole run, APIs one after the other. */
export const Estimate = Schema.Struct({
  autoleap: ApiEstimate,
  autogms: ApiEstimate,
  minutes: Schema.NonNegative,
  notes: Schema.Array(Schema.String)
})
export type Estimate = typeof Estimate.Type

export const VerificationMismatch = Schema.Struct({
  sourceId: Schema.String,
  targetId: Schema.NullOr(Schema.String),
  label: Schema.String,
  /** Fields that differ on the target from what was written; empty with a null targetId = the record is missing. */
  fields: Schema.Array(Schema.String)
})
export type VerificationMismatch = typeof VerificationMismatch.Type

export const VerificationEntry = Schema.Struct({
  from: SystemName,
  to: SystemName,
  entity: EntityName,
  expected: Count,
  found: Count,
  mismatches: Schema.Array(VerificationMismatch)
})
export type VerificationEntry = typeof VerificationEntry.Type

/** Where a sync's change capture stood for one side and entity: the newest updated timestamp its server showed us. */
export const CursorMove = Schema.Struct({
  system: SystemName,
  entity: EntityName,
  before: Schema.NullOr(Schema.String),
  after: Schema.NullOr(Schema.String)
})
export type CursorMove = typeof CursorMove.Type

/**
 * What only a sync reports: its cursors before and after, how many of our own writes it read back and ignored, and the
 * line saying its archives and deletes were held back (over `sync.deletes.maxPercent`), if they were.
 */
export const SyncSummary = Schema.Struct({
  cursors: Schema.Array(CursorMove),
  echoes: Count,
  deletesHeldBack: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
})
export type SyncSummary = typeof SyncSummary.Type

export const RunReport = Schema.Struct({
  runId: Schema.String,
  command: RunCommand,
  dryRun: Schema.Boolean,
  status: RunStatus,
  startedAt: Schema.String,
  finishedAt: Schema.String,
  directions: Schema.Array(DirectionReport),
  quarantine: Schema.Array(RecordIssue),
  warnings: Schema.Array(RecordIssue),
  /** Every warning of the run; `warnings` lists the first of each code when there are very many (actions.csv has all). */
  warningsTotal: Schema.optional(Count),
  conflicts: Schema.Array(ConflictEntry),
  drifted: Schema.optionalWith(Schema.Array(DriftEntry), { default: () => [] }),
  requests: Requests,
  /** Null when no preflight ran (e.g. a resumed run). */
  estimate: Schema.NullOr(Estimate),
  /** Null when nothing was verified: dry runs, failed or interrupted runs. */
  verification: Schema.NullOr(Schema.Array(VerificationEntry)),
  sync: Schema.optionalWith(Schema.NullOr(SyncSummary), { default: () => null })
})
export type RunReport = typeof RunReport.Type

export const noRequests: RequestCounts = { total: 0, retried: 0, throttled: 0 }
