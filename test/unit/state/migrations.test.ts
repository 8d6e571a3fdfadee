import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect, Layer, Option } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { migrate, migrations, schemaVersion } from "../../../src/state/migrations.js"
import { StateStore, latestSchemaVersion } from "../../../src/state/index.js"

const dir = mkdtempSync(join(tmpdir(), "shopbridge-state-migrations-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const shop = { autoleapCompanyId: "co-1", autogmsGarageId: "ga-1" }

describe("schema migrations", () => {
  it("versions are consecutive from 1", () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
    expect(latestSchemaVersion).toBe(migrations.length)
  })

  it.effect("a version-1 file with data is upgraded in place and keeps its rows", () =>
    Effect.gen(function* () {
      const path = join(dir, "old.db")
      const old = new Database(path)
      migrate(old, 1)
      expect(schemaVersion(old)).toBe(1)
      old.prepare(`INSERT INTO shop_pairs (id, autoleap_company_id, autogms_garage_id, created_at) VALUES (1, 'co-1', 'ga-1', 't')`).run()
      old.prepare(`INSERT INTO links (pair_id, entity, autoleap_id, autogms_id, natural_key, autogms_hash_written, updated_at)
                   VALUES (1, 'customers', 'al-1', 'ag-1', 'a@x', 'h1', 't')`).run()
      old.close()

      const link = yield* Effect.gen(function* () {
        const store = yield* StateStore
        const state = yield* store.pair(shop)
        // a table that only version 2 has works
        yield* state.quarantine([{ entity: "customers", system: "autoleap", sourceId: "al-2", code: "MISSING_NAME", message: "" }])
        return yield* state.link("customers", "autoleap", "al-1")
      }).pipe(Effect.provide(StateStore.layer(path)))
      expect(Option.getOrThrow(link)).toMatchObject({ autogmsId: "ag-1", autogms: { written: "h1", seen: null } })

      const reopened = new Database(path, { readonly: true })
      expect(schemaVersion(reopened)).toBe(latestSchemaVersion)
      expect(reopened.pragma("journal_mode", { simple: true })).toBe("wal")
      reopened.close()
    }))

  it("a run's plan rows are read in (entity, id) order from an index, never sorted in memory", () => {
    const db = new Database(":memory:")
    migrate(db)
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM plan_items WHERE run_id = ? AND action = ? ORDER BY entity, id")
      .all("run-1", "create") as ReadonlyArray<{ detail: string }>
    const steps = plan.map((step) => step.detail).join("\n")
    expect(steps).toContain("plan_items_by_run")
    expect(steps).not.toContain("TEMP B-TREE")
    db.close()
  })

  it("a snapshot is paged by position through an index in that order, never sorted per chunk", () => {
    const db = new Database(":memory:")
    migrate(db)
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT rowid, mapped FROM snapshot_records WHERE snapshot_id = ? AND rowid > ? ORDER BY rowid LIMIT ?")
      .all(1, 0, 500) as ReadonlyArray<{ detail: string }>
    const steps = plan.map((step) => step.detail).join("\n")
    expect(steps).toContain("snapshot_records_in_order (snapshot_id=? AND rowid>?)")
    expect(steps).not.toContain("TEMP B-TREE")
    db.close()
  })

  it.effect("a file from a newer shopbridge is refused with a message naming both versions", () =>
    Effect.gen(function* () {
      const path = join(dir, "newer.db")
      const newer = new Database(path)
      newer.pragma(`user_version = ${latestSchemaVersion + 3}`)
      newer.close()
      const error = yield* Effect.flip(Effect.scoped(Layer.build(StateStore.layer(path))))
      expect(error._tag).toBe("StateTooNew")
      if (error._tag !== "StateTooNew") return
      expect(error).toMatchObject({ fileVersion: latestSchemaVersion + 3, supported: latestSchemaVersion })
      expect(error.message).toContain(`schema version ${latestSchemaVersion + 3}`)
      expect(error.message).toContain("upgrade shopbridge")
    }))

  it.effect("opening creates missing folders and reopening an up-to-date file changes nothing", () =>
    Effect.gen(function* () {
      const path = join(dir, "nested", "deeper", "state.db")
      const open = Effect.gen(function* () {
        const store = yield* StateStore
        const state = yield* store.pair(shop)
        yield* state.setTagColors([{ name: "VIP", color: "FFFF00" }])
        return yield* state.tagPalette
      }).pipe(Effect.provide(StateStore.layer(path)))
      yield* open
      expect(yield* open).toEqual([{ name: "VIP", color: "FFFF00" }])
    }))
})
