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

/** The in-memory AutoLeap: partners, companies and records, with ids and timestamps as the API hands them out. */
export class AutoleapStore {
  partners = new Map<string, AutoleapPartnerSeed>()
  companies = new Map<string, AutoleapCompanySeed>()
  readonly records: Record<AutoleapEntity, Map<string, StoredRecord>> = { customers: new Map(), vehicles: new Map() }
  private counters: Record<AutoleapEntity, number> = { customers: 0, vehicles: 0 }
  private lastStampMs = 0

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
    }
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
