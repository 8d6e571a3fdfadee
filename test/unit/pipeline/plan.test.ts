import { describe, expect, it } from "vitest"
import { emptyCustomerFields, type Customer } from "../../../src/domain/customer.js"
import { customerRef } from "../../../src/domain/ids.js"
import { emptySidecar } from "../../../src/domain/sidecar.js"
import type { Mapped } from "../../../src/mapping/index.js"
import { asTargetWillHold, isProductOf, planEntity, storedHash, writes, type PlanInput, type PlanItem, type TargetCapabilities } from "../../../src/pipeline/plan.js"

/** What autoGMS and AutoLeap declare they can hold as targets (their gateways say the same). */
const AUTOGMS: TargetCapabilities = { clearsFields: true, secondaryPhoneAlone: true }
const AUTOLEAP: TargetCapabilities = { clearsFields: false, secondaryPhoneAlone: false }

const changesOf = (item: PlanItem<Customer> | undefined) => (item !== undefined && "changes" in item ? item.changes : undefined)
const reasonOf = (item: PlanItem<Customer>) => ("reason" in item ? item.reason.code : undefined)

const customer = (system: "autoleap" | "autogms", id: string, fields: Partial<Customer> = {}): Mapped<Customer> => ({
  record: {
    kind: "customer",
    source: customerRef(system, id),
    updatedAt: "2025-01-01T00:00:00.000Z",
    archived: false,
    ...emptyCustomerFields(),
    type: "individual",
    firstName: "Ada",
    lastName: "Lovelace",
    ...fields
  },
  sidecar: emptySidecar(system),
  warnings: [],
  problems: []
})

const plan = (over: Partial<PlanInput<Customer>>) =>
  planEntity<Customer>({
    direction: { from: "autoleap", to: "autogms" },
    target: AUTOGMS,
    sources: [],
    targets: [],
    linkedTargetId: () => undefined,
    linkedTargets: new Set(),
    excluded: (m) => m.record.archived,
    validate: (m) =>
      m.record.firstName === null ? { ok: false, quarantine: { code: "MISSING_NAME", message: "no name" }, warnings: [] } : { ok: true, warnings: [] },
    ...over
  })

describe("plan", () => {
  it("creates what the target lacks, and a dry run's creates are writes", () => {
    const [item] = plan({ sources: [customer("autoleap", "a1", { email: "ada@example.com" })] })
    expect(item!.action).toBe("create")
    expect(writes(item!)).toBe(true)
    expect(item!.lookupKey).toBe("email:ada@example.com")
  })

  it("links a target record with the same email, and writes only when something differs", () => {
    const targets = [customer("autogms", "g1", { email: "ada@example.com", notes: "old" })]
    const [differs] = plan({ sources: [customer("autoleap", "a1", { email: "ada@example.com", notes: "new" })], targets })
    expect(differs).toMatchObject({ action: "link", targetId: "g1" })
    expect(changesOf(differs)).toEqual([{ field: "notes", before: "old", after: "new" }])
    expect(writes(differs!)).toBe(true)

    const [same] = plan({ sources: [customer("autoleap", "a1", { email: "ada@example.com", notes: "old" })], targets })
    expect(same).toMatchObject({ action: "link", changes: [] })
    expect(writes(same!)).toBe(false)
  })

  it("uses the id link before natural keys: unchanged when equal, update when not", () => {
    const targets = [customer("autogms", "g1", { notes: "a" })]
    const linked = { linkedTargetId: (id: string) => (id === "a1" ? "g1" : undefined), linkedTargets: new Set(["g1"]) }
    expect(plan({ ...linked, sources: [customer("autoleap", "a1", { notes: "a" })], targets })[0]!.action).toBe("unchanged")
    expect(plan({ ...linked, sources: [customer("autoleap", "a1", { notes: "b" })], targets })[0]!.action).toBe("update")
  })

  it("never merges two source records into one target record", () => {
    const targets = [customer("autogms", "g1", { email: "ada@example.com" })]
    const items = plan({
      sources: [customer("autoleap", "a1", { email: "ada@example.com" }), customer("autoleap", "a2", { phone: "+14155550100", email: null })],
      targets: [...targets, customer("autogms", "g2", { phone: "+14155550100" })],
      linkedTargets: new Set(["g2"])
    })
    expect(items.map((i) => i.action)).toEqual(["link", "create"])
  })

  it("quarantines what fails validation and skips what is excluded, with reasons", () => {
    const items = plan({ sources: [customer("autoleap", "a1", { firstName: null }), customer("autoleap", "a2", { archived: true })] })
    expect(items.map((i) => [i.action, reasonOf(i)])).toEqual([
      ["quarantine", "MISSING_NAME"],
      ["skip", "ARCHIVED"]
    ])
    expect(items.some(writes)).toBe(false)
  })

  it("warns of a name-only lookalike on the target and still creates", () => {
    const [item] = plan({ sources: [customer("autoleap", "a1", { email: "x@example.com" })], targets: [customer("autogms", "g9")] })
    expect(item!.action).toBe("create")
    expect(item!.warnings.map((w) => w.code)).toContain("POSSIBLE_DUPLICATE")
  })

  it("a customer without a type matches the target's default type, so it does not look changed on every run", () => {
    const linked = { linkedTargetId: () => "g1", linkedTargets: new Set(["g1"]) }
    const [item] = plan({ ...linked, sources: [customer("autoleap", "a1", { type: null })], targets: [customer("autogms", "g1", { type: "individual" })] })
    expect(item!.action).toBe("unchanged")
  })

  it("towards AutoLeap, a value the source lacks stays what the target has (AutoLeap cannot clear a field)", () => {
    const existing = customer("autoleap", "al1", { notes: "kept" }).record
    const planned = asTargetWillHold(customer("autogms", "g1", { notes: null }).record, AUTOLEAP, existing)
    expect(planned.notes).toBe("kept")
    expect(asTargetWillHold(customer("autogms", "g1", { notes: null }).record, AUTOGMS, existing).notes).toBeNull()
    const secondOnly = asTargetWillHold(customer("autogms", "g1", { secondaryPhone: "+14155550100" }).record, AUTOLEAP, undefined)
    expect([secondOnly.phone, secondOnly.secondaryPhone]).toEqual(["+14155550100", null])
  })

  it("recognises what a write produced: a create by natural key or content, an update by id (and content, unless the id proves it)", () => {
    const stored = customer("autogms", "g1", { email: "ada@example.com", notes: "n" }).record
    const hash = storedHash(stored)
    expect(isProductOf(stored, { action: "create", lookupKey: "email:ada@example.com", hash: "other" })).toBe(true)
    expect(isProductOf(stored, { action: "create", lookupKey: "email:someone@example.com", hash })).toBe(true)
    expect(isProductOf(stored, { action: "create", lookupKey: "email:someone@example.com", hash: "other" })).toBe(false)
    expect(isProductOf(stored, { action: "update", targetId: "g1", lookupKey: "x", hash })).toBe(true)
    expect(isProductOf(stored, { action: "update", targetId: "g1", lookupKey: "x", hash: "other" })).toBe(false)
    expect(isProductOf(stored, { action: "update", targetId: "g1", lookupKey: "x", hash: "other" }, "id")).toBe(true)
    expect(isProductOf(stored, { action: "update", targetId: "g2", lookupKey: "x", hash }, "id")).toBe(false)
  })
})
