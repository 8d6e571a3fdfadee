/**
 * How a mapped record is kept in a snapshot: its natural keys in indexed columns, its hash as its system stores it, and
 * the whole mapped record (record, sidecar, findings) as JSON, read back as it was written.
 */
import { customerNameKey, naturalKeys, type Mapped, type NaturalKey } from "../mapping/index.js"
import type { SnapshotKeyField, SnapshotKeys, SnapshotRecord, SnapshotRecordInput } from "../state/index.js"
import { storedHash, type ModelRecord } from "./plan.js"

const keyFields: ReadonlySet<string> = new Set<SnapshotKeyField>(["email", "phone", "vin", "plate"])

/** "email:ada@example.com" → the column and the value it holds there; undefined for a key of no column (hash:…). */
export const keyColumnOf = (key: NaturalKey): { readonly field: SnapshotKeyField; readonly value: string } | undefined => {
  const colon = key.indexOf(":")
  const field = key.slice(0, colon)
  return colon > 0 && keyFields.has(field) ? { field: field as SnapshotKeyField, value: key.slice(colon + 1) } : undefined
}

const keysOf = (record: ModelRecord): SnapshotKeys => {
  const keys: Record<SnapshotKeyField, string | null> = { email: null, phone: null, vin: null, plate: null, nameKey: null }
  for (const key of naturalKeys(record)) {
    const column = keyColumnOf(key)
    if (column !== undefined && keys[column.field] === null) keys[column.field] = column.value
  }
  if (record.kind === "customer") keys.nameKey = customerNameKey(record)
  return keys
}

export const toSnapshotRecord = (mapped: Mapped<ModelRecord>): SnapshotRecordInput => ({
  sourceId: mapped.record.source.id,
  updatedAt: mapped.record.updatedAt,
  keys: keysOf(mapped.record),
  hash: storedHash(mapped.record),
  mapped
})

/** The mapped record a snapshot row holds: written by `toSnapshotRecord` in this same program, so read as such. */
export const mappedOf = <R extends ModelRecord>(row: SnapshotRecord): Mapped<R> => row.mapped as Mapped<R>
