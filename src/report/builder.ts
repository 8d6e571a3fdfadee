import {
  noRequests,
  type ConflictEntry,
  type DirectionReport,
  type DriftEntry,
  type Estimate,
  type RecordIssue,
  type Requests,
  type RunCommand,
  type RunReport,
  type RunStatus,
  type SyncSummary,
  type VerificationEntry
} from "./model.js"

/**
 * Everything a report says, already computed: the pipeline counts with aggregate queries on its plan table and lists
 * quarantine, warnings, conflicts and drift from it. The per-record actions go to the writer (./actions.ts), not here.
 */
export interface RunReportInput {
  readonly runId: string
  readonly command: RunCommand
  readonly dryRun: boolean
  readonly startedAt: string
  readonly finishedAt: string
  /** Give it for "failed" and "interrupted"; otherwise it follows from the report (see `needsReview`). */
  readonly status?: RunStatus
  /** Per direction, the counts of every entity the run covers (zeros included, so an empty entity still shows). */
  readonly directions: ReadonlyArray<DirectionReport>
  readonly quarantine?: ReadonlyArray<RecordIssue>
  readonly warnings?: ReadonlyArray<RecordIssue>
  /** How many warnings there are in all, when `warnings` lists only the first of each code. */
  readonly warningsTotal?: number
  readonly conflicts?: ReadonlyArray<ConflictEntry>
  readonly drifted?: ReadonlyArray<DriftEntry>
  readonly requests?: Partial<Requests>
  readonly estimate?: Estimate | null
  readonly verification?: ReadonlyArray<VerificationEntry> | null
  readonly sync?: SyncSummary | null
}

/**
 * A conflict nobody has settled: the state store's `open` (policy manual), or a resolution text saying it awaits
 * review. A conflict the policy resolved is reported but needs no one.
 */
export const isOpenConflict = (conflict: ConflictEntry): boolean =>
  conflict.resolution === "open" || /awaiting review/i.test(conflict.resolution)

/**
 * Whether a person must look at the run (exit code 1): quarantined records, open conflicts, records that are not on
 * the target as written, or a sync's archives and deletes held back. Drifted records are listed, but each was replanned
 * or deliberately held, so they do not count.
 */
export const needsReview = (report: Pick<RunReport, "quarantine" | "conflicts" | "verification"> & { readonly sync?: SyncSummary | null }): boolean =>
  report.quarantine.length > 0 ||
  report.conflicts.some(isOpenConflict) ||
  (report.verification ?? []).some((v) => v.mismatches.length > 0 || v.found !== v.expected) ||
  (report.sync?.deletesHeldBack ?? null) !== null

export const assembleRunReport = (input: RunReportInput): RunReport => {
  const findings = {
    quarantine: input.quarantine ?? [],
    warnings: input.warnings ?? [],
    conflicts: input.conflicts ?? [],
    drifted: input.drifted ?? [],
    verification: input.verification ?? null,
    sync: input.sync ?? null
  }
  return {
    runId: input.runId,
    command: input.command,
    dryRun: input.dryRun,
    status: input.status ?? (needsReview(findings) ? "completed_with_errors" : "completed"),
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    directions: input.directions,
    quarantine: findings.quarantine,
    warnings: findings.warnings,
    ...(input.warningsTotal === undefined || input.warningsTotal === findings.warnings.length ? {} : { warningsTotal: input.warningsTotal }),
    conflicts: findings.conflicts,
    drifted: findings.drifted,
    requests: { autoleap: input.requests?.autoleap ?? noRequests, autogms: input.requests?.autogms ?? noRequests },
    estimate: input.estimate ?? null,
    verification: findings.verification,
    sync: input.sync ?? null
  }
}
