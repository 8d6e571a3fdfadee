import type { AutogmsEntity, AutogmsRecord, AutogmsSeed, AutogmsSeedApiKey, AutogmsSeedGarage } from "./types.js"

/** A stored record: the API's fields plus the garage it belongs to. */
export type StoredRecord = { id: string; garageId: string; [field: string]: unknown }

const ID_PREFIX: Record<AutogmsEntity, string> = { customers: "cus_", vehicles: "veh_" }

/** The highest numeric suffix among ids like "cus_000042", so new ids never collide with seeded ones. */
const maxSuffix = (ids: Iterable<string>, prefix: string): number => {
  let max = 0
  for (const id of ids) {
    if (!id.startsWith(prefix)) continue
    const n = Number(id.slice(prefix.length))
    if (Number.isInteger(n) && n > max) max = n
  }
  return max
}

/** The simulator's data: plain maps in insertion order, with an id counter and a strictly increasing write clock. */
export class AutogmsStore {
  apiKeys = new Map<string, AutogmsSeedApiKey>()
  garages = new Map<string, AutogmsSeedGarage>()
  readonly records: Record<AutogmsEntity, Map<string, StoredRecord>> = { customers: new Map(), vehicles: new Map() }
  private counters: Record<AutogmsEntity, number> = { customers: 0, vehicles: 0 }
  private lastWriteMs = 0
  /** Bumped on every change; memoised views of older versions are recomputed. */
  private version = 0
  private memos = new Map<string, { version: number; value: unknown }>()
  /** Ids by a derived key (a normalised email, phone or VIN) per entity and garage, kept current by put and remove. */
  private indexes = new Map<string, { readonly entity: AutogmsEntity; readonly garageId: string; readonly keyOf: (r: StoredRecord) => string | undefined; readonly ids: Map<string, Array<string>> }>()

  constructor(private readonly now: () => number) {}

  load(seed: AutogmsSeed): void {
    this.apiKeys = new Map((seed.apiKeys ?? []).map((k) => [k.key, { ...k }]))
    this.garages = new Map((seed.garages ?? []).map((g) => [g.id, { ...g }]))
    for (const entity of ["customers", "vehicles"] as const) {
      const map = new Map<string, StoredRecord>()
      for (const r of seed[entity] ?? []) map.set(String(r.id), structuredClone({ ...r, id: String(r.id) }) as StoredRecord)
      this.records[entity] = map
      this.counters[entity] = maxSuffix(map.keys(), ID_PREFIX[entity])
    }
    this.lastWriteMs = 0
    this.indexes.clear()
    this.changed()
  }

  /**
   * The ids of a garage's records holding a key, in the order they were stored: a create checks its email, phone or VIN
   * against this instead of scanning the garage (at 100,000 records a scan per create made the simulator the bottleneck).
   * `name` identifies the key function, which must not change for that name.
   */
  idsByKey(entity: AutogmsEntity, garageId: string, name: string, keyOf: (r: StoredRecord) => string | undefined, key: string): ReadonlyArray<string> {
    const indexKey = `${entity}|${garageId}|${name}`
    let index = this.indexes.get(indexKey)
    if (index === undefined) {
      index = { entity, garageId, keyOf, ids: new Map() }
      for (const r of this.records[entity].values()) if (r.garageId === garageId) this.addToIndex(index.ids, keyOf(r), r.id)
      this.indexes.set(indexKey, index)
    }
    return index.ids.get(key) ?? []
  }

  private addToIndex(ids: Map<string, Array<string>>, key: string | undefined, id: string): void {
    if (key === undefined) return
    const list = ids.get(key)
    if (list === undefined) ids.set(key, [id])
    else if (!list.includes(id)) list.push(id)
  }

  private reindex(entity: AutogmsEntity, before: StoredRecord | undefined, after: StoredRecord | undefined): void {
    for (const index of this.indexes.values()) {
      if (index.entity !== entity) continue
      if (before !== undefined && before.garageId === index.garageId) {
        const key = index.keyOf(before)
        const list = key === undefined ? undefined : index.ids.get(key)
        if (list !== undefined && (after === undefined || index.keyOf(after) !== key)) list.splice(list.indexOf(before.id), 1)
      }
      if (after !== undefined && after.garageId === index.garageId) this.addToIndex(index.ids, index.keyOf(after), after.id)
    }
  }

  private changed(): void {
    this.version++
    this.memos.clear()
  }

  /**
   * A view of the data (e.g. a garage's customers in one sort order), computed once per version of the store: a client
   * paging through tens of thousands of records must not pay for a full sort on every page.
   */
  memo<A>(key: string, compute: () => A): A {
    const hit = this.memos.get(key)
    if (hit !== undefined && hit.version === this.version) return hit.value as A
    const value = compute()
    this.memos.set(key, { version: this.version, value })
    return value
  }

  dump(): AutogmsSeed {
    return structuredClone({
      apiKeys: [...this.apiKeys.values()],
      garages: [...this.garages.values()],
      customers: [...this.records.customers.values()],
      vehicles: [...this.records.vehicles.values()]
    })
  }

  nextId(entity: AutogmsEntity): string {
    this.counters[entity] += 1
    return ID_PREFIX[entity] + String(this.counters[entity]).padStart(6, "0")
  }

  /** The timestamp of a write: now, or 1 ms after the previous write if the clock has not moved, so "changed since T" is exact. */
  stamp(): string {
    this.lastWriteMs = Math.max(this.now(), this.lastWriteMs + 1)
    return new Date(this.lastWriteMs).toISOString()
  }

  inGarage(entity: AutogmsEntity, garageId: string): ReadonlyArray<StoredRecord> {
    return this.memo(`in:${entity}:${garageId}`, () => [...this.records[entity].values()].filter((r) => r.garageId === garageId))
  }

  get(entity: AutogmsEntity, garageId: string, id: string): StoredRecord | undefined {
    const r = this.records[entity].get(id)
    return r !== undefined && r.garageId === garageId ? r : undefined
  }

  put(entity: AutogmsEntity, record: StoredRecord): StoredRecord {
    this.reindex(entity, this.records[entity].get(record.id), record)
    this.records[entity].set(record.id, record)
    this.changed()
    return record
  }

  remove(entity: AutogmsEntity, id: string): void {
    this.reindex(entity, this.records[entity].get(id), undefined)
    this.records[entity].delete(id)
    this.changed()
  }
}

/** A record as the API returns it: without the simulator's `garageId`, and without `stats` except where asked. */
export const toWire = (record: StoredRecord, withStats = false): AutogmsRecord => {
  const { garageId: _garageId, stats, ...rest } = record
  return withStats ? { ...rest, stats: stats ?? { totalBookings: 0, lastVisitAt: null, totalSpend: 0 } } : rest
}
