/**
 * Archives and deletes a sync finds (pipeline/deletes.ts): what becomes of each under the mapping file's policy, and the
 * threshold that holds them all back when one sync would carry over too many.
 */
import { describe, expect, it } from "vitest"
import { decideDeparture, heldBack, overThreshold, type DepartureFinding } from "../../../src/pipeline/deletes.js"

const archivedInAutoleap = (entity: "customers" | "vehicles", targetVerb: "archive" | "delete" | undefined): DepartureFinding => ({
  entity,
  from: "autoleap",
  departure: "archived",
  targetVerb,
  goneOnBoth: false
})

const goneFromAutogms: DepartureFinding = { entity: "vehicles", from: "autogms", departure: "gone", targetVerb: "archive", goneOnBoth: false }

describe("decideDeparture", () => {
  it("off (the default): every archive and delete is reported with its cause, nothing is carried over", () => {
    const archived = decideDeparture(archivedInAutoleap("vehicles", "delete"), { propagate: false })
    expect(archived).toEqual({ _tag: "Report", reason: { code: "ARCHIVED", message: expect.stringContaining("sync.deletes.propagate is off") } })
    const gone = decideDeparture(goneFromAutogms, { propagate: false })
    expect(gone).toMatchObject({ _tag: "Report", reason: { code: "DELETED" } })
  })

  it("on: an AutoLeap vehicle archive deletes in autoGMS, an autoGMS vehicle delete archives in AutoLeap", () => {
    expect(decideDeparture(archivedInAutoleap("vehicles", "delete"), { propagate: true })).toEqual({
      _tag: "CarryOver",
      verb: "delete",
      reason: { code: "ARCHIVED", message: "Archived in AutoLeap: deleted in autoGMS." }
    })
    expect(decideDeparture(goneFromAutogms, { propagate: true })).toEqual({
      _tag: "CarryOver",
      verb: "archive",
      reason: { code: "DELETED", message: "Gone from autoGMS (deleted): archived in AutoLeap." }
    })
  })

  it("on, where the other side cannot remove the entity (autoGMS customers): reported as CANNOT_DELETE", () => {
    const decision = decideDeparture(archivedInAutoleap("customers", undefined), { propagate: true })
    expect(decision).toMatchObject({ _tag: "Report", reason: { code: "CANNOT_DELETE" } })
    expect(decision.reason.message).toContain("autoGMS's API cannot delete or archive a customer")
  })

  it("gone from both sides: nothing to carry over, whatever the policy", () => {
    for (const propagate of [true, false]) {
      const decision = decideDeparture({ ...goneFromAutogms, goneOnBoth: true }, { propagate })
      expect(decision).toMatchObject({ _tag: "Report", reason: { code: "DELETED", message: expect.stringContaining("gone from AutoLeap too") } })
    }
  })
})

describe("overThreshold", () => {
  it("allows up to maxPercent of an entity's links and no more", () => {
    expect(overThreshold([{ entity: "vehicles", count: 2, links: 100 }], 2)).toEqual([])
    expect(overThreshold([{ entity: "vehicles", count: 3, links: 100 }], 2)).toEqual([{ entity: "vehicles", count: 3, links: 100 }])
    // 2% of 20 links is 0.4: a single delete is already more.
    expect(overThreshold([{ entity: "vehicles", count: 1, links: 20 }], 2)).toHaveLength(1)
    expect(overThreshold([{ entity: "vehicles", count: 1, links: 20 }], 5)).toEqual([])
  })

  it("judges each entity against its own links; nothing to carry over is never over", () => {
    const counts = [
      { entity: "customers", count: 0, links: 0 },
      { entity: "vehicles", count: 1, links: 10 }
    ] as const
    expect(overThreshold(counts, 10)).toEqual([])
    expect(overThreshold(counts, 9.9)).toEqual([{ entity: "vehicles", count: 1, links: 10 }])
    expect(overThreshold([{ entity: "vehicles", count: 5, links: 10 }], 100)).toEqual([])
    expect(overThreshold([{ entity: "vehicles", count: 1, links: 10 }], 0)).toHaveLength(1)
  })

  it("says in one line what was held back, against which limit, and how to let it through", () => {
    const reason = heldBack([{ entity: "vehicles", count: 3, links: 20 }], 2)
    expect(reason.code).toBe("DELETES_HELD_BACK")
    expect(reason.message).not.toContain("\n")
    expect(reason.message).toContain("3 of 20 linked vehicles (15%)")
    expect(reason.message).toContain("sync.deletes.maxPercent (2%)")
    expect(reason.message).toContain("sync --reconcile")
  })
})
