import { describeReason } from "./reasons.js"
import {
  counterOfAction,
  emptyCounts,
  entityOrder,
  noRequests,
  type ActionKind,
  type ActionRecord,
  type ConflictEntry,
  type DirectionEntities,
  type DirectionReport,
  type EntityCounts,
  type EntityName,
  type Estimate,
  type FieldChange,
  type ActionIssue,
  type RecordIssue,
  type RequestCounts,
  type Requests,
  type RunCommand,
  type RunReport,
  type RunStatus,
  type SystemName,
  type VerificationEntry
} from "./model.js"

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

export interface DirectionScope {
  readonly from: SystemName
  readonly to: SystemName
  readonly entities: ReadonlyArray<EntityName>
}

export interface ReadCount {
  readonly from: SystemName
  readonly to: SystemName
  readonly entity: EntityName
  readonly count: number
}

export interface RunReportInput {
  readonly runId: string
  readonly command: RunCommand
  readonly dryRun: boolean
  readonly startedAt: string
  readonly finishedAt: string
  /** Give it for "failed" and "interrupted"; otherwise it follows from the records (see `statusOf`). */
  readonly status?: RunStatus
  /** Directions and entities the run covers, so an entity with no record still shows zeros. */
  readonly scope?: ReadonlyArray<DirectionScope>
  readonly reads?: ReadonlyArray<ReadCount>
  readonly actions: ReadonlyArray<ActionRecord>
  readonly requests?: Partial<Requests>
  readonly estimate?: Estimate | null
  readonly verification?: ReadonlyArray<VerificationEntry> | null
}

const directionKey = (from: SystemName, to: SystemName): string => `${from}>${to}`

type MutableCounts = { -readonly [K in keyof EntityCounts]: number }

/** Counts per direction and entity, derived from the actions (and the extract's read counts) so they cannot disagree. */
export const countDirections = (
  actions: ReadonlyArray<ActionRecord>,
  reads: ReadonlyArray<ReadCount> = [],
  scope: ReadonlyArray<DirectionScope> = []
): ReadonlyArray<DirectionReport> => {
  const directions = new Map<string, { from: SystemName; to: SystemName; entities: Map<EntityName, MutableCounts> }>()
  const countsFor = (from: SystemName, to: SystemName, entity: EntityName): MutableCounts => {
    const key = directionKey(from, to)
    let direction = directions.get(key)
    if (direction === undefined) {
      direction = { from, to, entities: new Map() }
      directions.set(key, direction)
    }
    let counts = direction.entities.get(entity)
    if (counts === undefined) {
      counts = { ...emptyCounts }
      direction.entities.set(entity, counts)
    }
    return counts
  }
  for (const s of scope) for (const entity of s.entities) countsFor(s.from, s.to, entity)
  for (const r of reads) countsFor(r.from, r.to, r.entity).read += r.count
  for (const a of actions) {
    const counts = countsFor(a.from, a.to, a.entity)
    counts[counterOfAction[a.action]] += 1
    // A conflict the policy resolved still ends in a write; it is counted both as that write and as a conflict.
    if (a.conflict !== null && a.action !== "conflict") counts.conflicts += 1
  }
  return [...directions.values()].map((d) => {
    const entities: { -readonly [K in EntityName]?: EntityCounts } = {}
    for (const entity of entityOrder) {
      const counts = d.entities.get(entity)
      if (counts !== undefined) entities[entity] = counts
    }
    return { from: d.from, to: d.to, entities: entities satisfies DirectionEntities }
  })
}

export const quarantineOf = (actions: ReadonlyArray<ActionRecord>): ReadonlyArray<RecordIssue> =>
  actions
    .filter((a) => a.action === "quarantine")
    .map((a) => ({
      entity: a.entity,
      system: a.sourceSystem,
      sourceId: a.sourceId,
      code: a.reason ?? "UNKNOWN",
      message: a.message ?? describeReason(a.reason ?? "UNKNOWN")
    }))

export const warningsOf = (actions: ReadonlyArray<ActionRecord>): ReadonlyArray<RecordIssue> =>
  actions.flatMap((a) =>
    a.warnings.map((w) => ({ entity: a.entity, system: a.sourceSystem, sourceId: a.sourceId, code: w.code, message: w.message }))
  )

export const conflictsOf = (actions: ReadonlyArray<ActionRecord>): ReadonlyArray<ConflictEntry> =>
  actions.flatMap((a): ReadonlyArray<ConflictEntry> => {
    if (a.conflict === null) return []
    const idOn = (system: SystemName): string | null => (a.from === system ? a.sourceId : a.to === system ? a.targetId : null)
    return [
      { entity: a.entity, autoleapId: idOn("autoleap"), autogmsId: idOn("autogms"), fields: a.conflict.fields, resolution: a.conflict.resolution }
    ]
  })

/** Open conflicts (action "conflict") and quarantined records need a person; so do records missing after the write. */
export const needsReview = (
  actions: ReadonlyArray<ActionRecord>,
  verification: ReadonlyArray<VerificationEntry> | null
): boolean =>
  actions.some((a) => a.action === "quarantine" || a.action === "conflict") ||
  (verification ?? []).some((v) => v.mismatches.length > 0 || v.found !== v.expected)

export const statusOf = (
  actions: ReadonlyArray<ActionRecord>,
  verification: ReadonlyArray<VerificationEntry> | null
): RunStatus => (needsReview(actions, verification) ? "completed_with_errors" : "completed")

export const assembleRunReport = (input: RunReportInput): RunReport => {
  const verification = input.verification ?? null
  return {
    runId: input.runId,
    command: input.command,
    dryRun: input.dryRun,
    status: input.status ?? statusOf(input.actions, verification),
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    directions: countDirections(input.actions, input.reads, input.scope),
    quarantine: quarantineOf(input.actions),
    warnings: warningsOf(input.actions),
    conflicts: conflictsOf(input.actions),
    requests: { autoleap: input.requests?.autoleap ?? noRequests, autogms: input.requests?.autogms ?? noRequests },
    estimate: input.estimate ?? null,
    verification,
    actions: input.actions
  }
}

/**
 * An accumulator the pipeline feeds as records go by, then `build`s once at the end. It is plain synchronous state
 * (JavaScript runs one fiber step at a time, so concurrent fibers may share it); call it inside `Effect.sync`.
 */
export interface ReportBuilder {
  /** Declare a direction and its entities up front so they show (with zeros) even if nothing is read. */
  readonly scope: (from: SystemName, to: SystemName, entities: ReadonlyArray<EntityName>) => void
  /** Records read from the source (the "read" count); call once per page. */
  readonly read: (from: SystemName, to: SystemName, entity: EntityName, count: number) => void
  readonly record: (action: ActionInput) => void
  readonly requests: (system: SystemName, counts: RequestCounts) => void
  readonly estimate: (estimate: Estimate) => void
  readonly verification: (entries: ReadonlyArray<VerificationEntry>) => void
  readonly actionCount: () => number
  readonly build: (end: { readonly finishedAt: string; readonly status?: RunStatus }) => RunReport
}

export const makeReportBuilder = (header: {
  readonly runId: string
  readonly command: RunCommand
  readonly dryRun: boolean
  readonly startedAt: string
}): ReportBuilder => {
  const scope: Array<DirectionScope> = []
  const reads: Array<ReadCount> = []
  const actions: Array<ActionRecord> = []
  const requests: { -readonly [K in SystemName]: RequestCounts } = { autoleap: noRequests, autogms: noRequests }
  let estimate: Estimate | null = null
  let verification: ReadonlyArray<VerificationEntry> | null = null
  return {
    scope: (from, to, entities) => void scope.push({ from, to, entities }),
    read: (from, to, entity, count) => void reads.push({ from, to, entity, count }),
    record: (action) => void actions.push(toActionRecord(action)),
    requests: (system, counts) => void (requests[system] = counts),
    estimate: (e) => void (estimate = e),
    verification: (entries) => void (verification = entries),
    actionCount: () => actions.length,
    build: (end) =>
      assembleRunReport({
        ...header,
        finishedAt: end.finishedAt,
        ...(end.status !== undefined ? { status: end.status } : {}),
        scope,
        reads,
        actions: [...actions],
        requests,
        estimate,
        verification
      })
  }
}
