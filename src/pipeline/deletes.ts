/**
 * Archives and deletes a sync finds: a linked record archived in AutoLeap (status Inactive), or a linked record gone
 * from a side that was read whole (absence from a change window never counts). What becomes of each is the mapping
 * file's `sync.deletes` policy, off by default: reported only. On, each is carried over as what the other side can do
 * — AutoLeap archives customers and vehicles; autoGMS deletes vehicles, and its API cannot delete a customer — unless
 * one sync would carry over more than `maxPercent` of an entity's links: then none is, and every one is held back
 * (a broken read looks like a mass delete). Pure: the sync feeds it.
 */
import type { Entity } from "../domain/entity.js"
import { systemDisplayName, type SystemName } from "../domain/ids.js"
import type { Reason } from "./plan.js"

/** How a linked record left one side. */
export type Departure = "archived" | "gone"

/** What a system does to a record the other side archived or deleted. */
export type RetireVerb = "archive" | "delete"

export interface DeletePolicy {
  readonly propagate: boolean
  readonly maxPercent: number
}

export interface DepartureFinding {
  readonly entity: Entity
  /** The side it left. */
  readonly from: SystemName
  readonly departure: Departure
  /** What the other side can do with its copy of this entity; undefined when it cannot remove one. */
  readonly targetVerb: RetireVerb | undefined
  /** The other side was read whole in this sync and its copy is not there either: nothing is left to remove. */
  readonly goneOnBoth: boolean
}

export type DepartureDecision =
  /** Archive or delete the linked record on the other side. */
  | { readonly _tag: "CarryOver"; readonly verb: RetireVerb; readonly reason: Reason }
  /** Report it; nothing is written. */
  | { readonly _tag: "Report"; readonly reason: Reason }

const noun = (entity: Entity): string => (entity === "customers" ? "customer" : "vehicle")

/** The code and the first words of every message: what happened on the side the record left. */
const causeOf = (finding: DepartureFinding): Reason =>
  finding.departure === "archived"
    ? { code: "ARCHIVED", message: `Archived in ${systemDisplayName(finding.from)}` }
    : { code: "DELETED", message: `Gone from ${systemDisplayName(finding.from)} (deleted)` }

export const decideDeparture = (finding: DepartureFinding, policy: Pick<DeletePolicy, "propagate">): DepartureDecision => {
  const cause = causeOf(finding)
  const to = finding.from === "autoleap" ? "autoGMS" : "AutoLeap"
  const report = (code: string, rest: string): DepartureDecision => ({ _tag: "Report", reason: { code, message: `${cause.message}; ${rest}` } })
  if (finding.goneOnBoth) return report(cause.code, `gone from ${to} too: nothing to carry over.`)
  if (!policy.propagate) {
    return report(cause.code, `not carried over to ${to} (the mapping file's sync.deletes.propagate is off): remove it there by hand if that is meant.`)
  }
  if (finding.targetVerb === undefined) {
    return report("CANNOT_DELETE", `${to}'s API cannot delete or archive a ${noun(finding.entity)}: remove it there by hand if that is meant.`)
  }
  const done = finding.targetVerb === "archive" ? "archived" : "deleted"
  return { _tag: "CarryOver", verb: finding.targetVerb, reason: { code: cause.code, message: `${cause.message}: ${done} in ${to}.` } }
}

/** How many archives and deletes one sync would carry over for an entity, and how many links the entity has. */
export interface Retirements {
  readonly entity: Entity
  readonly count: number
  readonly links: number
}

/** The entities whose archives and deletes exceed `maxPercent` of their links; empty when all may go. */
export const overThreshold = (counts: ReadonlyArray<Retirements>, maxPercent: number): ReadonlyArray<Retirements> =>
  counts.filter((c) => c.count > 0 && c.count * 100 > c.links * maxPercent)

const share = (c: Retirements): string => `${c.count} of ${c.links} linked ${c.entity} (${c.links === 0 ? 100 : Math.round((c.count * 1000) / c.links) / 10}%)`

/** The reason on every held-back row, which is also the one line said on the terminal and in the report. */
export const heldBack = (over: ReadonlyArray<Retirements>, maxPercent: number): Reason => ({
  code: "DELETES_HELD_BACK",
  message:
    `Archives and deletes held back: this sync would carry over ${over.map(share).join(" and ")}, more than ` +
    `sync.deletes.maxPercent (${maxPercent}%) allows, so none was. If they are meant, raise maxPercent in the mapping ` +
    "file and run 'shopbridge sync --reconcile'."
})
