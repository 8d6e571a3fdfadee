/**
 * What every stage of a run works with: both systems' gateways, the shop pair's state, the mapping, and the person
 * watching. Stages are Effect functions of (run, direction, entity) over the state store; `migrate`, `apply` and
 * `sync` compose them.
 */
import { Effect } from "effect"
import type { Entity } from "../domain/entity.js"
import type { SystemName } from "../domain/ids.js"
import type { MappingContext } from "../mapping/index.js"
import type { PairState } from "../state/index.js"
import type { Direction } from "./plan.js"
import type { ProgressService } from "./progress.js"
import type { Gateway } from "./gateway.js"

export interface StageServices {
  readonly gateways: Readonly<Record<SystemName, Gateway>>
  readonly state: PairState
  readonly ctx: MappingContext
  readonly progress: ProgressService
  /** A line for the person watching (stderr), also kept in the log. */
  readonly say: (line: string) => Effect.Effect<void>
  /** Writes sent and not yet settled: what a Ctrl-C waits for (the command line says how many). */
  readonly inFlight?: { records: number }
}

/** The snapshots a plan is made from: the source side's and the target side's, of one entity. */
export interface SnapshotPair {
  readonly source: number
  readonly target: number
}

export type Snapshots = Readonly<Partial<Record<Entity, SnapshotPair>>>

export const phaseOf = (command: string, direction: Direction): string => `${command}:${direction.from}-to-${direction.to}`
