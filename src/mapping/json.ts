import type { Json } from "../domain/sidecar.js"

const isNullish = (v: unknown): v is null | undefined => v === null || v === undefined

/**
 * Structural equality where "no value" has one meaning: null, a missing key and an empty array are all equal.
 * Both APIs use these interchangeably, so telling them apart would only produce false differences.
 */
export const looseEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (isNullish(a)) return isNullish(b) || (Array.isArray(b) && b.length === 0)
  if (isNullish(b)) return Array.isArray(a) && a.length === 0
  if (typeof a !== "object" || typeof b !== "object") return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!looseEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  for (const k in ra) if (!looseEqual(ra[k], rb[k])) return false
  for (const k in rb) if (!(k in ra) && !isNullish(rb[k]) && !(Array.isArray(rb[k]) && (rb[k] as Array<unknown>).length === 0)) return false
  return true
}

/** A JSON copy of a decoded wire value: undefined members dropped, so the state store can keep it. */
export const toJson = (value: unknown): Json => {
  if (value === null || value === undefined) return null
  if (typeof value === "string" || typeof value === "boolean") return value
  if (typeof value === "number") return Number.isFinite(value) ? value : null
  if (Array.isArray(value)) return value.map(toJson)
  if (typeof value === "object") {
    const out: Record<string, Json> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v)
    return out
  }
  return null
}
