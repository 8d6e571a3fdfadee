import {
  assembleRunReport,
  counterOfAction,
  describeReason,
  emptyCounts,
  entityOrder,
  noRequests,
  runActionsFromArray,
  toActionRecord,
  type ActionInput,
  type ActionRecord,
  type ConflictEntry,
  type DirectionEntities,
  type DirectionReport,
  type DriftEntry,
  type EntityCounts,
  type EntityName,
  type Estimate,
  type RecordIssue,
  type RequestCounts,
  type RunActions,
  type RunCommand,
  type RunReport,
  type RunStatus,
  type SystemName,
  type VerificationEntry
} from "../../../src/report/index.js"

/**
 * Test-side stand-in for the pipeline's aggregate queries: a report and its actions from a list of records, so sample
 * reports read as "these records happened" and their counts cannot disagree with their rows.
 */

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

type MutableCounts = { -readonly [K in keyof EntityCounts]: number }

export const countDirections = (
  actions: ReadonlyArray<ActionRecord>,
  reads: ReadonlyArray<ReadCount> = [],
  scope: ReadonlyArray<DirectionScope> = [],
  drifted: ReadonlyArray<DriftEntry> = []
): ReadonlyArray<DirectionReport> => {
  const directions = new Map<string, { from: SystemName; to: SystemName; entities: Map<EntityName, MutableCounts> }>()
  const countsFor = (from: SystemName, to: SystemName, entity: EntityName): MutableCounts => {
    const key = `${from}>${to}`
    const direction = directions.get(key) ?? { from, to, entities: new Map<EntityName, MutableCounts>() }
    directions.set(key, direction)
    const counts = direction.entities.get(entity) ?? { ...emptyCounts }
    direction.entities.set(entity, counts)
    return counts
  }
  const other = (system: SystemName): SystemName => (system === "autoleap" ? "autogms" : "autoleap")
  for (const s of scope) for (const entity of s.entities) countsFor(s.from, s.to, entity)
  for (const r of reads) countsFor(r.from, r.to, r.entity).read += r.count
  for (const a of actions) {
    const counts = countsFor(a.from, a.to, a.entity)
    counts[counterOfAction[a.action]] += 1
    // A conflict the policy resolved still ends in a write; it is counted both as that write and as a conflict.
    if (a.conflict !== null && a.action !== "conflict") counts.conflicts += 1
  }
  for (const d of drifted) countsFor(d.system, other(d.system), d.entity).drifted += 1
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
    return [{ entity: a.entity, autoleapId: idOn("autoleap"), autogmsId: idOn("autogms"), fields: a.conflict.fields, resolution: a.conflict.resolution }]
  })

/** A run as the report module receives it: the assembled report, its actions for the writer, and the raw records. */
export interface SampleRun {
  readonly report: RunReport
  readonly actions: RunActions
  readonly records: ReadonlyArray<ActionRecord>
}

/** The old accumulating builder, now only a way to write sample runs in tests. */
export const sampleRun = (header: { readonly runId: string; readonly command: RunCommand; readonly dryRun: boolean; readonly startedAt: string }) => {
  const scope: Array<DirectionScope> = []
  const reads: Array<ReadCount> = []
  const records: Array<ActionRecord> = []
  const drifted: Array<DriftEntry> = []
  const requests: { -readonly [K in SystemName]: RequestCounts } = { autoleap: noRequests, autogms: noRequests }
  let estimate: Estimate | null = null
  let verification: ReadonlyArray<VerificationEntry> | null = null
  return {
    scope: (from: SystemName, to: SystemName, entities: ReadonlyArray<EntityName>) => void scope.push({ from, to, entities }),
    read: (from: SystemName, to: SystemName, entity: EntityName, count: number) => void reads.push({ from, to, entity, count }),
    record: (action: ActionInput) => void records.push(toActionRecord(action)),
    drift: (entry: DriftEntry) => void drifted.push(entry),
    requests: (system: SystemName, counts: RequestCounts) => void (requests[system] = counts),
    estimate: (e: Estimate) => void (estimate = e),
    verification: (entries: ReadonlyArray<VerificationEntry>) => void (verification = entries),
    build: (end: { readonly finishedAt: string; readonly status?: RunStatus }, sampleLimit?: number): SampleRun => ({
      report: assembleRunReport({
        ...header,
        ...end,
        directions: countDirections(records, reads, scope, drifted),
        quarantine: quarantineOf(records),
        warnings: warningsOf(records),
        conflicts: conflictsOf(records),
        drifted,
        requests,
        estimate,
        verification
      }),
      actions: runActionsFromArray(records, sampleLimit),
      records
    })
  }
}
