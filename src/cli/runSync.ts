/**
 * Runs one sync from the command line: the same runner as a migration (configuration, state, lock, clients, report,
 * exit code), with sync's stages.
 */
import type { Effect } from "effect"
import { entities, type Entity } from "../domain/entity.js"
import type { ConflictPolicy } from "../mapping/index.js"
import type { Direction } from "../pipeline/plan.js"
import { runSync, type SyncOptions, type TargetedSync } from "../pipeline/sync.js"
import type { AbortedError, UsageError } from "./exit.js"
import { executeRun, type RunOutcome, type RunRequest, type StoredRunOptions } from "./runMigration.js"

export type SyncDirection = "both" | "autoleap-to-autogms" | "autogms-to-autoleap"

/** What a sync run keeps for `resume`. */
export interface StoredSyncOptions extends StoredRunOptions {
  readonly direction: SyncDirection
  readonly conflict: ConflictPolicy
  readonly overlapMs: number
  readonly reconcile: boolean
  readonly entities?: ReadonlyArray<Entity>
  /** A webhook's targeted sync: the customers it named (absent or null: a sync of everything changed). */
  readonly only?: TargetedSync | null
}

export const directionsOf = (direction: SyncDirection): ReadonlyArray<Direction> =>
  direction === "both"
    ? [{ from: "autoleap", to: "autogms" }, { from: "autogms", to: "autoleap" }]
    : direction === "autoleap-to-autogms"
      ? [{ from: "autoleap", to: "autogms" }]
      : [{ from: "autogms", to: "autoleap" }]

export const syncOptionsOf = (stored: StoredSyncOptions): SyncOptions => ({
  directions: directionsOf(stored.direction),
  entities: stored.entities ?? entities,
  conflict: stored.conflict,
  dryRun: stored.dryRun,
  overlapMs: stored.overlapMs,
  reconcile: stored.reconcile,
  only: stored.only ?? null
})

export interface SyncRequest extends Omit<RunRequest, "options"> {
  readonly options: StoredSyncOptions
}

/** Runs (or resumes) one sync. Fails with UsageError (exit 2) or AbortedError (exit 3). */
export const executeSync = (request: SyncRequest): Effect.Effect<RunOutcome, UsageError | AbortedError> => {
  const options = syncOptionsOf(request.options)
  return executeRun({
    ...request,
    kind: {
      command: "sync",
      directions: options.directions,
      options: request.options,
      carryOut: (services, run) => runSync(services, options, run),
      partialScope: (run) => ({
        runId: run.runId,
        command: "sync",
        dryRun: options.dryRun,
        startedAt: run.startedAt,
        directions: options.directions,
        entities: options.entities,
        reads: [],
        estimate: null
      })
    }
  })
}
