/**
 * The engine behind every wire ⇄ model mapping: a list of field rules per system and entity, and the sidecar logic
 * that makes a round trip lossless.
 *
 * Reading: each rule turns one wire field into model fields (and reports what it found). Then the record is written
 * back from the model alone; every wire field whose original differs from that canonical rendering, and every field the
 * model has no place for, goes into the sidecar. Writing back to the same system: a kept original is used as long as
 * reading it gives what the model now says; once the model differs (the other side changed it), the rule writes the
 * new value, using the original as a hint (labels, phone types, tag colours).
 */
import type { Finding } from "../domain/findings.js"
import type { SystemName } from "../domain/ids.js"
import type { Json, Sidecar } from "../domain/sidecar.js"
import type { MappingContext } from "./context.js"
import { looseEqual, toJson } from "./json.js"

export type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Where a mapping reports what it found about one record. */
export interface Reporter {
  readonly system: SystemName
  /** Written with the record. */
  readonly warnings: Array<Finding>
  /** Would stop the record unless the mapping file's policy lets it through (INVALID_VIN). */
  readonly problems: Array<Finding>
}

export const makeReporter = (system: SystemName): Reporter => ({ system, warnings: [], problems: [] })

export interface FieldRule<M> {
  /** The wire field. */
  readonly key: string
  /** The model fields it feeds. */
  readonly fields: ReadonlyArray<keyof M & string>
  readonly read: (value: unknown, into: Mutable<M>, ctx: MappingContext, report: Reporter | undefined) => void
  /** The wire value for the model; `original` (from the sidecar) is a hint for what the model cannot say. undefined = omit. */
  readonly write: (model: M, original: unknown, ctx: MappingContext) => unknown
}

export interface RecordCodec<M> {
  readonly system: SystemName
  readonly rules: ReadonlyArray<FieldRule<M>>
  /** Writable wire fields the model has no place for: kept in the sidecar as they are. */
  readonly passthrough: ReadonlyArray<string>
  readonly blank: () => Mutable<M>
  /**
   * Makes a kept value acceptable to the system's write schema (e.g. AutoLeap takes no nulls); undefined leaves the
   * field out of the write, which the system's update then keeps as it is.
   */
  readonly restore: (key: string, value: Json, ctx: MappingContext) => unknown
}

export const readFields = <M>(
  codec: RecordCodec<M>,
  wire: Readonly<Record<string, unknown>>,
  ctx: MappingContext,
  report: Reporter | undefined
): Mutable<M> => {
  const model = codec.blank()
  for (const rule of codec.rules) rule.read(wire[rule.key], model, ctx, report)
  return model
}

export const captureSidecar = <M>(
  codec: RecordCodec<M>,
  wire: Readonly<Record<string, unknown>>,
  model: M,
  ctx: MappingContext
): Sidecar => {
  const kept: Record<string, Json> = {}
  for (const rule of codec.rules) {
    const original = wire[rule.key]
    if (!looseEqual(original, rule.write(model, undefined, ctx))) kept[rule.key] = toJson(original)
  }
  for (const key of codec.passthrough) {
    const original = wire[key]
    if (original !== undefined && original !== null) kept[key] = toJson(original)
  }
  return { system: codec.system, kept, withheld: {} }
}

const sameFields = <M>(fields: ReadonlyArray<keyof M & string>, a: M, b: M): boolean => {
  for (const f of fields) if (!looseEqual(a[f], b[f])) return false
  return true
}

/** The wire fields for `model`, with what `sidecar` (of this same system) kept. Undefined values are left out. */
export const writeFields = <M>(
  codec: RecordCodec<M>,
  model: M,
  sidecar: Sidecar | null | undefined,
  ctx: MappingContext
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const kept = sidecar !== null && sidecar !== undefined && sidecar.system === codec.system ? sidecar.kept : undefined
  for (const rule of codec.rules) {
    const original = kept?.[rule.key]
    let value: unknown
    if (original !== undefined) {
      // Read the original against the rest of the model: a rule may depend on fields read before it.
      const scratch = { ...model } as Mutable<M>
      rule.read(original, scratch, ctx, undefined)
      value = sameFields(rule.fields, scratch as M, model) ? codec.restore(rule.key, original, ctx) : rule.write(model, original, ctx)
    } else {
      value = rule.write(model, undefined, ctx)
    }
    if (value !== undefined) out[rule.key] = value
  }
  if (kept !== undefined) {
    for (const key of codec.passthrough) {
      const original = kept[key]
      if (original === undefined) continue
      const value = codec.restore(key, original, ctx)
      if (value !== undefined) out[key] = value
    }
  }
  return out
}

/** Nulls removed all the way down (AutoLeap's write schemas take a missing field, never null). */
export const withoutNulls = (value: Json): unknown => {
  if (value === null) return undefined
  if (Array.isArray(value)) return value.map(withoutNulls).filter((v) => v !== undefined)
  if (typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const w = withoutNulls(v)
      if (w !== undefined) out[k] = w
    }
    return out
  }
  return value
}
