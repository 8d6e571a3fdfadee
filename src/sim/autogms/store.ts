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
    this.changed()
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
    this.records[entity].set(record.id, record)
    this.changed()
    return record
  }

  remove(entity: AutogmsEntity, id: string): void {
    this.records[entity].delete(id)
    this.changed()
  }
}

/** A record as the API returns it: without the simulator's `garageId`, and without `stats` except where asked. */
export const toWire = (record: StoredRecord, withStats = false): AutogmsRecord => {
  const { garageId: _garageId, stats, ...rest } = record
  return withStats ? { ...rest, stats: stats ?? { totalBookings: 0, lastVisitAt: null, totalSpend: 0 } } : rest
}
