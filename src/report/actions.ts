import type { ActionIssue, ActionKind, ActionRecord, EntityName, FieldChange, SystemName } from "./model.js"
import { describeReason } from "./reasons.js"

/**
 * The per-record actions of a run, as the report needs them without holding them all: a bounded sample per action kind
 * for report.md and report.html, and one pass over every action for actions.csv. The pipeline backs both with queries
 * on its plan table; `runActionsFromArray` backs them with an array for tests and small callers.
 */

/** Rows per action kind that report.md and report.html show; actions.csv has them all. */
export const ACTION_SAMPLE_LIMIT = 1000

/**
 * The order action kinds are shown in, and the order of actions.csv: the writes first, then what needs a person
 * (conflicts, quarantine), then what was left alone.
 */
export const actionDisplayOrder: ReadonlyArray<ActionKind> = [
  "create",
  "update",
  "link",
  "archive",
  "delete",
  "conflict",
  "quarantine",
  "skip",
  "unchanged"
]

/** Position of a kind in `actionDisplayOrder`, e.g. for an SQL `ORDER BY` that must match it. */
export const actionRank = (action: ActionKind): number => actionDisplayOrder.indexOf(action)

/** The first actions of one kind (up to the limit) and how many there are in all. */
export interface ActionSample {
  readonly action: ActionKind
  readonly total: number
  readonly first: ReadonlyArray<ActionRecord>
}

export interface RunActions {
  /** Per action kind present, in the report's display order; `first` holds at most ACTION_SAMPLE_LIMIT rows. */
  readonly samples: ReadonlyArray<ActionSample>
  /** Every action of the run, one at a time, in display order (for actions.csv); may be called once. */
  readonly each: () => Iterable<ActionRecord>
}

/** No actions at hand, e.g. a report re-rendered from the state store after its run folder was removed. */
export const noRunActions: RunActions = { samples: [], each: () => [] }

/** Actions grouped by kind in display order, each group in the order given. `limit` is for tests of the sample cap. */
export const runActionsFromArray = (actions: ReadonlyArray<ActionRecord>, limit: number = ACTION_SAMPLE_LIMIT): RunActions => {
  const byKind = actionDisplayOrder.map((action) => ({ action, rows: actions.filter((a) => a.action === action) }))
  return {
    samples: byKind.filter((k) => k.rows.length > 0).map((k) => ({ action: k.action, total: k.rows.length, first: k.rows.slice(0, limit) })),
    each: () => byKind.flatMap((k) => k.rows)
  }
}

/** What the pipeline knows about one record; everything optional defaults to "nothing to say". */
export interface ActionInput {
  readonly entity: EntityName
  readonly from: SystemName
  readonly to: SystemName
  readonly action: ActionKind
  readonly sourceId: string
  readonly targetId?: string | null
  readonly label: string
  readonly reason?: string | null
  readonly message?: string | null
  readonly changes?: ReadonlyArray<FieldChange>
  readonly warnings?: ReadonlyArray<ActionIssue>
  readonly conflict?: { readonly fields: ReadonlyArray<string>; readonly resolution: string } | null
}

export const toActionRecord = (input: ActionInput): ActionRecord => ({
  entity: input.entity,
  from: input.from,
  to: input.to,
  action: input.action,
  sourceSystem: input.from,
  sourceId: input.sourceId,
  targetId: input.targetId ?? null,
  label: input.label,
  reason: input.reason ?? null,
  message: input.message ?? (input.reason ? describeReason(input.reason) : null),
  changes: input.changes ?? [],
  warnings: input.warnings ?? [],
  conflict: input.conflict ?? null
})
