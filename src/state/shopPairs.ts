import type Database from "better-sqlite3"
import type { ShopPair } from "./model.js"

export interface StoredShopPair extends ShopPair {
  readonly id: number
}

export const shopPairsTable = (db: Database.Database) => {
  const insert = db.prepare<[string, string, string]>(
    `INSERT INTO shop_pairs (autoleap_company_id, autogms_garage_id, created_at) VALUES (?, ?, ?)
     ON CONFLICT (autoleap_company_id, autogms_garage_id) DO NOTHING`
  )
  const find = db.prepare<[string, string], { id: number }>(
    `SELECT id FROM shop_pairs WHERE autoleap_company_id = ? AND autogms_garage_id = ?`
  )
  const all = db.prepare<[], { id: number; autoleap_company_id: string; autogms_garage_id: string }>(
    `SELECT id, autoleap_company_id, autogms_garage_id FROM shop_pairs ORDER BY id`
  )
  return {
    /** The pair's id, creating the row on first use. */
    ensure: (pair: ShopPair, now: string): number => {
      insert.run(pair.autoleapCompanyId, pair.autogmsGarageId, now)
      const row = find.get(pair.autoleapCompanyId, pair.autogmsGarageId)
      return row?.id ?? -1
    },
    all: (): ReadonlyArray<StoredShopPair> =>
      all.all().map((r) => ({ id: r.id, autoleapCompanyId: r.autoleap_company_id, autogmsGarageId: r.autogms_garage_id }))
  }
}
