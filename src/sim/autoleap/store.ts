import type { AutoleapCompanySeed, AutoleapEntity, AutoleapPartnerSeed, AutoleapSeed } from "./types.js"

/** A record as stored: whatever the seed or a write put there, plus its company scope. */
export type StoredRecord = Record<string, unknown> & { companyId: string }

const ID_PREFIX: Record<AutoleapEntity, string> = { customers: "al-cus-", vehicles: "al-veh-" }
const ID_FIELD: Record<AutoleapEntity, "customerId" | "vehicleId"> = { customers: "customerId", vehicles: "vehicleId" }
export const STATUS_FIELD: Record<AutoleapEntity, "customerStatus" | "vehicleStatus"> = {
  customers: "customerStatus",
  vehicles: "vehicleStatus"
}

export const idOf = (entity: AutoleapEntity, record: Readonly<Record<string, unknown>>): string =>
  String(record[ID_FIELD[entity]])

const clone = <A>(value: A): A => structuredClone(value)

/** How many list views (filter + sort combinations) are kept per entity; the oldest goes first. */
const MAX_VIEWS_PER_ENTITY = 32

/**
 * The in-memory AutoLeap: partners, companies and records, with ids and timestamps as the API hands them out.
 * Records change only through `seed`, `insert` and `update`: they drop the memoised list views of that entity.
 */
export class AutoleapStore {
  partners = new Map<string, AutoleapPartnerSeed>()
  companies = new Map<string, AutoleapCompanySeed>()
  private records: Record<AutoleapEntity, Map<string, StoredRecord>> = { customers: new Map(), vehicles: new Map() }
  private counters: Record<AutoleapEntity, number> = { customers: 0, vehicles: 0 }
  private lastStampMs = 0
  /**
   * Filtered, sorted record lists by list query (page and size aside). A client paging through 100,000 records must
   * not pay for a full scan and sort on every page; any change to an entity's records drops that entity's views.
   */
  private views: Record<AutoleapEntity, Map<string, ReadonlyArray<StoredRecord>>> = { customers: new Map(), vehicles: new Map() }

  constructor(private readonly now: () => number) {}

  seed(data: AutoleapSeed): void {
    this.partners = new Map(data.partners.map((p) => [p.partnerId, clone(p)]))
    this.companies = new Map(data.companies.map((c) => [c.companyId, clone(c)]))
    this.counters = { customers: 0, vehicles: 0 }
    for (const entity of ["customers", "vehicles"] as const) {
      const map = new Map<string, StoredRecord>()
      for (const record of data[entity]) {
        const stored = clone(record) as unknown as StoredRecord
        map.set(idOf(entity, stored), stored)
        this.counters[entity] = Math.max(this.counters[entity], numericSuffix(entity, idOf(entity, stored)))
      }
      this.records[entity] = map
      this.changed(entity)
    }
  }

  private changed(entity: AutoleapEntity): void {
    this.views[entity].clear()
  }

  /** Adds a new record under its id. */
  insert(entity: AutoleapEntity, record: StoredRecord): void {
    this.records[entity].set(idOf(entity, record), record)
    this.changed(entity)
  }

  /** A new active record of the company with a fresh id, created and updated now. */
  create(entity: AutoleapEntity, companyId: string, fields: Readonly<Record<string, unknown>>): StoredRecord {
    const stamp = this.stamp()
    const record: StoredRecord = {
      companyId,
      [ID_FIELD[entity]]: this.nextId(entity),
      ...fields,
      [STATUS_FIELD[entity]]: "Active",
      createdDate: stamp,
      updatedDate: stamp
    }
    this.insert(entity, record)
    return record
  }

  /** Merges fields into a stored record and stamps it as updated now. */
  update(entity: AutoleapEntity, record: StoredRecord, fields: Readonly<Record<string, unknown>>): void {
    Object.assign(record, fields, { updatedDate: this.stamp() })
    this.changed(entity)
  }

  /** A record by id in any company (the test hooks' view), or undefined. */
  get(entity: AutoleapEntity, id: string): StoredRecord | undefined {
    return this.records[entity].get(id)
  }

  /** The list `key` names, computed once until the entity's records next change. */
  view(entity: AutoleapEntity, key: string, compute: () => ReadonlyArray<StoredRecord>): ReadonlyArray<StoredRecord> {
    const views = this.views[entity]
    const hit = views.get(key)
    if (hit !== undefined) return hit
    const value = compute()
    if (views.size >= MAX_VIEWS_PER_ENTITY) views.delete(views.keys().next().value!)
    views.set(key, value)
    return value
  }

  dump(): AutoleapSeed {
    return clone({
      partners: [...this.partners.values()],
      companies: [...this.companies.values()],
      customers: [...this.records.customers.values()],
      vehicles: [...this.records.vehicles.values()]
    }) as unknown as AutoleapSeed
  }

  /** A fresh id above every seeded one, so created records never collide with fixtures. */
  nextId(entity: AutoleapEntity): string {
    let id: string
    do {
      this.counters[entity]++
      id = `${ID_PREFIX[entity]}${String(this.counters[entity]).padStart(6, "0")}`
    } while (this.records[entity].has(id))
    return id
  }

  /** The write timestamp: now, but strictly after the previous write so "changed since T" queries are exact. */
  stamp(): string {
    this.lastStampMs = Math.max(this.now(), this.lastStampMs + 1)
    return new Date(this.lastStampMs).toISOString()
  }

  find(entity: AutoleapEntity, companyId: string, id: string): StoredRecord | undefined {
    const record = this.records[entity].get(id)
    return record !== undefined && record.companyId === companyId ? record : undefined
  }

  /** A record in any company the partner may access, or undefined (an unknown partner reaches none). */
  findForPartner(entity: AutoleapEntity, partnerId: string, id: string): StoredRecord | undefined {
    const record = this.records[entity].get(id)
    const partner = this.partners.get(partnerId)
    return record !== undefined && partner !== undefined && partner.companyIds.includes(record.companyId) ? record : undefined
  }

  inCompany(entity: AutoleapEntity, companyId: string): Array<StoredRecord> {
    return [...this.records[entity].values()].filter((r) => r.companyId === companyId)
  }
}

const numericSuffix = (entity: AutoleapEntity, id: string): number => {
  if (!id.startsWith(ID_PREFIX[entity])) return 0
  const n = Number(id.slice(ID_PREFIX[entity].length))
  return Number.isSafeInteger(n) ? n : 0
}

/** A record as the API returns it: the storage scope stripped, a copy the caller may keep. */
export const asRead = (record: StoredRecord): Record<string, unknown> => {
  const { companyId: _scope, ...rest } = clone(record)
  return rest
}
