import type Database from "better-sqlite3"
import type { TagColor } from "./model.js"

/** Tag names compare case-insensitively with inner white space collapsed (contract/mapping.md, Tags). */
export const tagKey = (name: string): string => name.trim().replace(/\s+/g, " ").toLowerCase()

export const normaliseColor = (color: string): string => color.trim().replace(/^#/, "").toUpperCase()

export const tagPaletteTable = (db: Database.Database) => {
  const put = db.prepare<[number, string, string, string]>(
    `INSERT INTO tag_palette (pair_id, name_key, name, color) VALUES (?, ?, ?, ?)
     ON CONFLICT (pair_id, name_key) DO UPDATE SET name = excluded.name, color = excluded.color`
  )
  const seed = db.prepare<[number, string, string, string]>(
    `INSERT INTO tag_palette (pair_id, name_key, name, color) VALUES (?, ?, ?, ?) ON CONFLICT (pair_id, name_key) DO NOTHING`
  )
  const all = db.prepare<[number], { name: string; color: string }>(`SELECT name, color FROM tag_palette WHERE pair_id = ? ORDER BY name_key`)
  const one = db.prepare<[number, string], { name: string; color: string }>(
    `SELECT name, color FROM tag_palette WHERE pair_id = ? AND name_key = ?`
  )

  return {
    /** `overwrite: false` seeds (from the mapping file) without undoing colours learnt from AutoLeap. */
    set: (pairId: number, colors: ReadonlyArray<TagColor>, overwrite: boolean): void => {
      const statement = overwrite ? put : seed
      for (const c of colors) statement.run(pairId, tagKey(c.name), c.name.trim().replace(/\s+/g, " "), normaliseColor(c.color))
    },
    all: (pairId: number): ReadonlyArray<TagColor> => all.all(pairId),
    colorOf: (pairId: number, name: string): string | undefined => one.get(pairId, tagKey(name))?.color
  }
}
