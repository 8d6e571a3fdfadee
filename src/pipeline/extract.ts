/**
 * Extract: one system's records of one entity into a snapshot in the state store, mapped to the model as they arrive
 * and written a thousand at a time. Memory is that group: ~1.5 MB.
 */
import { Chunk, Effect, Stream } from "effect"
import type { Entity } from "../domain/entity.js"
import type { SystemName } from "../domain/ids.js"
import type { Mapped } from "../mapping/index.js"
import type { Direction, ModelRecord } from "./plan.js"
import { toSnapshotRecord } from "./snapshot.js"
import type { Snapshots, StageServices } from "./stage.js"
import type { RunAborted } from "./errors.js"

/**
 * Records per transaction. Each record touches a leaf of every natural-key index at random, and a commit writes each
 * touched page once: ten API pages per commit instead of one cut extract's commit time ~3× (4.1 → 1.1 s for 100,000
 * records, test/bench/stages.bench.ts). Nothing is lost by committing less often: a resumed run reads its snapshot again.
 */
const RECORDS_PER_TRANSACTION = 1000

/** Streams `records` into a fresh snapshot of (run, system, entity); returns its id. */
export const snapshotStream = (
  services: StageServices,
  runId: string,
  system: SystemName,
  entity: Entity,
  records: Stream.Stream<Mapped<ModelRecord>, RunAborted>,
  full: boolean = true
) =>
  Effect.gen(function* () {
    const { state, progress } = services
    const what = `${entity} from ${system}`
    const snapshotId = yield* state.beginSnapshot(runId, system, entity, full)
    yield* progress.start(what, 0)
    yield* records.pipe(
      Stream.grouped(RECORDS_PER_TRANSACTION),
      Stream.runForEach((page) =>
        Effect.zipRight(state.appendSnapshot(snapshotId, Chunk.toReadonlyArray(page).map(toSnapshotRecord)), progress.advance(what, page.length))
      )
    )
    yield* state.completeSnapshot(snapshotId)
    yield* progress.finish(what)
    return snapshotId
  })

/** Every record of one system's entity. */
export const extractEntity = (services: StageServices, runId: string, system: SystemName, entity: Entity) => {
  const gateway = services.gateways[system]
  const read: Stream.Stream<Mapped<ModelRecord>, RunAborted> =
    entity === "customers" ? gateway.customers.read : gateway.vehicles.read
  return snapshotStream(services, runId, system, entity, read)
}

/**
 * Both sides of a direction, for the entities asked. The two APIs are read at once (their limits are independent);
 * each reads its entities one after the other.
 */
export const extractBothSides = (services: StageServices, runId: string, direction: Direction, entities: ReadonlyArray<Entity>) =>
  Effect.gen(function* () {
    const side = (system: SystemName) =>
      Effect.forEach(entities, (entity) => Effect.map(extractEntity(services, runId, system, entity), (id) => [entity, id] as const))
    const { source, target } = yield* Effect.all({ source: side(direction.from), target: side(direction.to) }, { concurrency: 2 })
    const targets = new Map(target)
    const snapshots: { -readonly [E in Entity]?: { readonly source: number; readonly target: number } } = {}
    for (const [entity, id] of source) snapshots[entity] = { source: id, target: targets.get(entity) ?? id }
    return snapshots satisfies Snapshots
  })
