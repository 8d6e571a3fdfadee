import { makeEstimate } from "../../../src/report/index.js"
import { sampleRun, type SampleRun } from "./fromActions.js"

/** Values a hostile or merely unlucky shop record could hold; each must come out as text in every format. */
export const hostile = {
  script: "<script>alert(1)</script>",
  quote: 'Bob "The Wrench"',
  apostrophe: "O'Brien & Sons",
  formula: "=HYPERLINK(\"http://evil.example\",\"click\")",
  multiline: "line one\nline two, with comma",
  pipe: "a | b"
} as const

/** A dry run AutoLeap → autoGMS: creates, a link with an update, quarantines, warnings, a skip. */
export const dryRunReport = (): SampleRun => {
  const b = sampleRun({ runId: "20250301-101500-abcd", command: "migrate", dryRun: true, startedAt: "2025-03-01T10:15:00.000Z" })
  b.scope("autoleap", "autogms", ["customers", "vehicles"])
  b.read("autoleap", "autogms", "customers", 4)
  b.read("autoleap", "autogms", "vehicles", 3)
  b.record({
    entity: "customers",
    from: "autoleap",
    to: "autogms",
    action: "create",
    sourceId: "al-c-1",
    label: hostile.script,
    changes: [
      { field: "firstName", before: null, after: hostile.script },
      { field: "notes", before: null, after: hostile.multiline },
      { field: "tags", before: null, after: ["VIP", hostile.apostrophe] }
    ],
    warnings: [{ code: "INVALID_EMAIL", message: `email "${hostile.script}" is not valid; kept aside` }]
  })
  b.record({
    entity: "customers",
    from: "autoleap",
    to: "autogms",
    action: "link",
    sourceId: "al-c-2",
    targetId: "ag-c-9",
    label: hostile.quote,
    reason: "MATCHED_EMAIL",
    message: "matched on email bob@example.com",
    changes: [{ field: "phone", before: "+15550001111", after: "+15550002222" }]
  })
  b.record({
    entity: "customers",
    from: "autoleap",
    to: "autogms",
    action: "quarantine",
    sourceId: hostile.formula,
    label: "(no name)",
    reason: "MISSING_NAME",
    message: `no first, last or company name; displayName was ${hostile.script}`
  })
  b.record({ entity: "customers", from: "autoleap", to: "autogms", action: "skip", sourceId: "al-c-4", label: hostile.apostrophe, reason: "ARCHIVED", message: "archived in AutoLeap; not migrated by default" })
  b.record({
    entity: "vehicles",
    from: "autoleap",
    to: "autogms",
    action: "create",
    sourceId: "al-v-1",
    label: "2019 Toyota Camry",
    changes: [
      { field: "vin", before: null, after: "4T1B11HK5KU000001" },
      { field: "mileage", before: null, after: 42000 },
      { field: "address", before: null, after: { line1: hostile.pipe, city: "Austin" } }
    ],
    warnings: [{ code: "VIN_CHECK_DIGIT", message: "check digit does not add up" }]
  })
  b.record({ entity: "vehicles", from: "autoleap", to: "autogms", action: "quarantine", sourceId: "al-v-2", label: "2008 Ford F-150", reason: "INVALID_VIN", message: `VIN "${hostile.script}" is not 17 characters` })
  b.record({ entity: "vehicles", from: "autoleap", to: "autogms", action: "quarantine", sourceId: "al-v-3", label: "Honda", reason: "MISSING_MAKE_MODEL" })
  b.requests("autoleap", { total: 3, retried: 0, throttled: 0 })
  b.requests("autogms", { total: 9, retried: 1, throttled: 1 })
  b.estimate(
    makeEstimate(
      [{ method: "GET", requests: 120, perMinute: 150 }],
      [
        { method: "all", requests: 12000, perMinute: 60 },
        { method: "unused", requests: 0, perMinute: 60 }
      ],
      [`autoGMS at 60 requests per minute (Standard tier) ${hostile.apostrophe}`]
    )
  )
  return b.build({ finishedAt: "2025-03-01T10:16:30.000Z" })
}

/** An applied two-way sync: updates, a resolved and an open conflict, verification with a mismatch. */
export const appliedSyncReport = (): SampleRun => {
  const b = sampleRun({ runId: "20250302-090000-ef01", command: "sync", dryRun: false, startedAt: "2025-03-02T09:00:00.000Z" })
  b.read("autoleap", "autogms", "customers", 3)
  b.read("autogms", "autoleap", "customers", 2)
  b.read("autogms", "autoleap", "vehicles", 1)
  b.record({ entity: "customers", from: "autoleap", to: "autogms", action: "update", sourceId: "al-1", targetId: "ag-1", label: "Ana Díaz", changes: [{ field: "email", before: "ana@old.example", after: "ana@new.example" }] })
  b.record({ entity: "customers", from: "autoleap", to: "autogms", action: "unchanged", sourceId: "al-2", targetId: "ag-2", label: "Ben Ode" })
  b.record({
    entity: "customers",
    from: "autoleap",
    to: "autogms",
    action: "update",
    sourceId: "al-3",
    targetId: "ag-3",
    label: "Cy Ray",
    changes: [{ field: "email", before: "cy@a.example", after: "cy@b.example" }],
    conflict: { fields: ["email"], resolution: "newest: AutoLeap kept" }
  })
  b.record({ entity: "customers", from: "autogms", to: "autoleap", action: "conflict", sourceId: "ag-4", targetId: "al-4", label: hostile.quote, reason: "CONFLICT", conflict: { fields: ["phone", "notes"], resolution: "manual: awaiting review" } })
  b.record({ entity: "customers", from: "autogms", to: "autoleap", action: "archive", sourceId: "ag-5", targetId: "al-5", label: "Old Customer" })
  b.record({ entity: "vehicles", from: "autogms", to: "autoleap", action: "delete", sourceId: "ag-v-1", targetId: "al-v-1", label: "2001 Saab 9-3" })
  b.requests("autoleap", { total: 14, retried: 2, throttled: 0 })
  b.requests("autogms", { total: 21, retried: 0, throttled: 3 })
  b.verification([
    { from: "autoleap", to: "autogms", entity: "customers", expected: 2, found: 2, mismatches: [{ sourceId: "al-3", targetId: "ag-3", label: hostile.script, fields: ["email"] }] },
    { from: "autogms", to: "autoleap", entity: "customers", expected: 1, found: 0, mismatches: [{ sourceId: "ag-5", targetId: null, label: "Old Customer", fields: [] }] }
  ])
  return b.build({ finishedAt: "2025-03-02T10:05:00.000Z" })
}

/** `apply` of a dry run whose source changed in between: one record planned again, one held back. */
export const driftedApplyReport = (): SampleRun => {
  const b = sampleRun({ runId: "20250303-080000-d41f", command: "migrate", dryRun: false, startedAt: "2025-03-03T08:00:00.000Z" })
  b.read("autoleap", "autogms", "customers", 3)
  b.record({ entity: "customers", from: "autoleap", to: "autogms", action: "create", sourceId: "al-c-1", targetId: "ag-c-1", label: "Dee Lane" })
  b.record({ entity: "customers", from: "autoleap", to: "autogms", action: "update", sourceId: "al-c-2", targetId: "ag-c-2", label: hostile.script, changes: [{ field: "phone", before: "+15550000001", after: "+15550000009" }] })
  b.record({ entity: "customers", from: "autoleap", to: "autogms", action: "skip", sourceId: "al-c-3", label: hostile.apostrophe, reason: "DRIFTED", message: "changed since the plan; held back" })
  b.drift({
    entity: "customers",
    system: "autoleap",
    sourceId: "al-c-2",
    label: hostile.script,
    resolution: "replanned",
    action: "update",
    changes: [{ field: "phone", before: "+15550000001", after: "+15550000009" }]
  })
  b.drift({
    entity: "customers",
    system: "autoleap",
    sourceId: "al-c-3",
    label: hostile.apostrophe,
    resolution: "held",
    action: "skip",
    changes: [{ field: "notes", before: null, after: hostile.multiline }]
  })
  b.verification([{ from: "autoleap", to: "autogms", entity: "customers", expected: 2, found: 2, mismatches: [] }])
  return b.build({ finishedAt: "2025-03-03T08:01:00.000Z" })
}
