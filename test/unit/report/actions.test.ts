import { describe, expect, it } from "@effect/vitest"
import {
  ACTION_SAMPLE_LIMIT,
  actionDisplayOrder,
  actionRank,
  runActionsFromArray,
  toActionRecord,
  type ActionInput,
  type ActionKind
} from "../../../src/report/index.js"

const record = (action: ActionKind, sourceId: string, extra: Partial<ActionInput> = {}) =>
  toActionRecord({ entity: "customers", from: "autoleap", to: "autogms", action, sourceId, label: sourceId, ...extra })

describe("toActionRecord", () => {
  it("fills what the pipeline did not say, and explains a reason code in plain words", () => {
    expect(record("quarantine", "x", { reason: "INVALID_VIN" })).toEqual({
      entity: "customers",
      from: "autoleap",
      to: "autogms",
      action: "quarantine",
      sourceSystem: "autoleap",
      sourceId: "x",
      targetId: null,
      label: "x",
      reason: "INVALID_VIN",
      message: "The VIN is not 17 valid characters",
      changes: [],
      warnings: [],
      conflict: null
    })
  })
})

describe("runActionsFromArray", () => {
  it("samples each kind present, in display order, with its total", () => {
    const actions = runActionsFromArray([record("unchanged", "u1"), record("create", "c1"), record("quarantine", "q1"), record("create", "c2")])
    expect(actions.samples.map((s) => [s.action, s.total, s.first.map((a) => a.sourceId)])).toEqual([
      ["create", 2, ["c1", "c2"]],
      ["quarantine", 1, ["q1"]],
      ["unchanged", 1, ["u1"]]
    ])
  })

  it("keeps at most the limit per kind but counts them all", () => {
    const many = Array.from({ length: ACTION_SAMPLE_LIMIT + 5 }, (_, i) => record("update", `u${i}`))
    const [sample] = runActionsFromArray(many).samples
    expect(sample?.total).toBe(ACTION_SAMPLE_LIMIT + 5)
    expect(sample?.first).toHaveLength(ACTION_SAMPLE_LIMIT)
    expect(sample?.first.at(-1)?.sourceId).toBe(`u${ACTION_SAMPLE_LIMIT - 1}`)
  })

  it("gives every action once, grouped by kind in display order, each kind in the order given", () => {
    const actions = runActionsFromArray([record("skip", "s1"), record("update", "u1"), record("create", "c1"), record("update", "u2")])
    expect([...actions.each()].map((a) => a.sourceId)).toEqual(["c1", "u1", "u2", "s1"])
  })

  it("ranks every kind once", () => {
    expect(new Set(actionDisplayOrder).size).toBe(9)
    expect(actionRank("create")).toBe(0)
    expect(actionRank("unchanged")).toBe(actionDisplayOrder.length - 1)
  })
})
