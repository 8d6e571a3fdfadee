/**
 * Writes a previous attempt sent without learning the outcome (killed, lost response) are settled against the target
 * snapshot just taken — found: confirmed, linked, and the plan row marked done; not found: failed (the plan writes it
 * again). Never a blind retry.
 */
import { Effect } from "effect"
import type { LedgerEntry, LinkInput, StoreReader, WriteOutcome } from "../state/index.js"
import { isProductOf, type Direction, type ModelRecord } from "./plan.js"
import { detailOf, plannedOf } from "./planStage.js"
import { keyColumnOf, mappedOf } from "./snapshot.js"
import type { Snapshots, StageServices } from "./stage.js"

interface Settled {
  readonly outcome: WriteOutcome
  readonly link?: LinkInput
  readonly planRow?: { readonly runId: string; readonly from: Direction["from"]; readonly entry: LedgerEntry; readonly targetId: string }
}

/** The target records the write may have produced: its own record for an update, by natural key or content for a create. */
const candidatesOf = (reader: StoreReader, snapshotId: number, entry: LedgerEntry) => {
  if (entry.action !== "create") return entry.targetId === null ? [] : [reader.snapshots.byId(snapshotId, entry.targetId)].flatMap((r) => (r === undefined ? [] : [r]))
  const column = keyColumnOf(entry.naturalKey)
  return [...(column === undefined ? [] : reader.snapshots.byKey(snapshotId, column.field, column.value)), ...reader.snapshots.byHash(snapshotId, entry.payloadHash)]
}

const settleOne = (reader: StoreReader, direction: Direction, snapshots: Snapshots, entry: LedgerEntry): Settled => {
  const pair = snapshots[entry.entity]
  if (entry.status === "pending" || pair === undefined) return { outcome: { ledgerId: entry.id, status: "failed", error: "never sent" } }
  // Archiving or deleting a second time changes nothing: the plan sends it again rather than look.
  if (entry.action === "archive" || entry.action === "delete") return { outcome: { ledgerId: entry.id, status: "failed", error: "outcome not known: sent again" } }
  const write = { action: entry.action, targetId: entry.targetId, lookupKey: entry.naturalKey, hash: entry.payloadHash }
  const hit = candidatesOf(reader, pair.target, entry).find((row) => isProductOf(mappedOf<ModelRecord>(row).record, write))
  const source = entry.sourceId === null ? undefined : reader.snapshots.byId(pair.source, entry.sourceId)
  if (hit === undefined || source === undefined || entry.sourceId === null) {
    return { outcome: { ledgerId: entry.id, status: "failed", error: "not found on the target: not applied" } }
  }
  const targetId = hit.sourceId
  const planned = reader.plan.bySource(entry.runId, direction.from, entry.entity, entry.sourceId)
  const ids = direction.from === "autoleap" ? { autoleapId: entry.sourceId, autogmsId: targetId } : { autoleapId: targetId, autogmsId: entry.sourceId }
  const sourceSidecar = mappedOf<ModelRecord>(source).sidecar
  const base = planned === undefined ? null : plannedOf(detailOf(planned.detail))
  return {
    outcome: { ledgerId: entry.id, status: "confirmed", targetId },
    link: {
      entity: entry.entity,
      ...ids,
      naturalKey: entry.naturalKey,
      [direction.from]: { seen: source.hash },
      [direction.to]: { written: entry.payloadHash, seen: hit.hash },
      sidecar: { [direction.from]: sourceSidecar, [direction.to]: mappedOf<ModelRecord>(hit).sidecar },
      ...(base === null ? {} : { base })
    },
    planRow: { runId: entry.runId, from: direction.from, entry, targetId }
  }
}

/** Settles every open ledger row aimed at the direction's target; returns how many there were. */
export const settleOpenWrites = (services: StageServices, runId: string, direction: Direction, snapshots: Snapshots) =>
  Effect.gen(function* () {
    const { state } = services
    const open = (yield* state.unsettledWrites()).filter((w) => w.targetSystem === direction.to)
    if (open.length === 0) return 0
    const settled = yield* state.read("settle open writes", (reader) => open.map((entry) => settleOne(reader, direction, snapshots, entry)))
    yield* state.settleBatch({
      runId,
      outcomes: settled.map((s) => s.outcome),
      links: settled.flatMap((s) => (s.link === undefined ? [] : [s.link]))
    })
    for (const s of settled) {
      const sourceId = s.planRow?.entry.sourceId
      if (s.planRow !== undefined && sourceId !== null && sourceId !== undefined) {
        yield* state.settlePlanBySource(s.planRow.runId, s.planRow.from, s.planRow.entry.entity, sourceId, "written", s.planRow.targetId)
      }
    }
    const landed = settled.filter((s) => s.link !== undefined).length
    yield* services.say(`settled ${open.length} write(s) left open by an earlier attempt (${landed} had landed)`)
    return open.length
  })
