import type Database from "better-sqlite3"

/**
 * The schema, as an append-only list of steps. The file's version is `PRAGMA user_version`; opening a file runs every
 * step above it, each in its own transaction together with the version bump, so a crash mid-upgrade leaves the file
 * at the last complete step. Never edit a shipped step: add a new one.
 */
export interface Migration {
  readonly version: number
  readonly description: string
  readonly sql: string
}

export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    description: "shop pairs, runs, lock, checkpoints, id links, write ledger",
    sql: `
      CREATE TABLE shop_pairs (
        id                  INTEGER PRIMARY KEY,
        autoleap_company_id TEXT NOT NULL,
        autogms_garage_id   TEXT NOT NULL,
        created_at          TEXT NOT NULL,
        UNIQUE (autoleap_company_id, autogms_garage_id)
      ) STRICT;

      CREATE TABLE runs (
        id          TEXT PRIMARY KEY,
        pair_id     INTEGER NOT NULL REFERENCES shop_pairs(id),
        command     TEXT NOT NULL CHECK (command IN ('migrate', 'sync')),
        directions  TEXT NOT NULL,
        options     TEXT NOT NULL,
        dry_run     INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
        status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'completed_with_errors', 'failed', 'interrupted')),
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        resumes     INTEGER NOT NULL DEFAULT 0,
        error       TEXT,
        report      TEXT
      ) STRICT;
      CREATE INDEX runs_by_pair ON runs (pair_id, started_at);

      CREATE TABLE run_counters (
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        source  TEXT NOT NULL CHECK (source IN ('autoleap', 'autogms')),
        entity  TEXT NOT NULL CHECK (entity IN ('customers', 'vehicles')),
        counter TEXT NOT NULL,
        value   INTEGER NOT NULL,
        PRIMARY KEY (run_id, source, entity, counter)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE locks (
        pair_id      INTEGER PRIMARY KEY REFERENCES shop_pairs(id),
        run_id       TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        host         TEXT NOT NULL,
        acquired_at  INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE checkpoints (
        pair_id           INTEGER NOT NULL REFERENCES shop_pairs(id),
        system            TEXT NOT NULL CHECK (system IN ('autoleap', 'autogms')),
        entity            TEXT NOT NULL CHECK (entity IN ('customers', 'vehicles')),
        phase             TEXT NOT NULL,
        cursor_updated_at TEXT,
        cursor_id         TEXT,
        page_token        TEXT,
        run_id            TEXT REFERENCES runs(id),
        saved_at          TEXT NOT NULL,
        PRIMARY KEY (pair_id, system, entity, phase),
        CHECK ((page_token IS NULL) <> (cursor_updated_at IS NULL AND cursor_id IS NULL))
      ) STRICT;

      CREATE TABLE links (
        id                    INTEGER PRIMARY KEY,
        pair_id               INTEGER NOT NULL REFERENCES shop_pairs(id),
        entity                TEXT NOT NULL CHECK (entity IN ('customers', 'vehicles')),
        autoleap_id           TEXT NOT NULL,
        autogms_id            TEXT NOT NULL,
        natural_key           TEXT,
        autoleap_hash_seen    TEXT,
        autoleap_hash_written TEXT,
        autogms_hash_seen     TEXT,
        autogms_hash_written  TEXT,
        sidecar               TEXT,
        updated_at            TEXT NOT NULL,
        UNIQUE (pair_id, entity, autoleap_id),
        UNIQUE (pair_id, entity, autogms_id)
      ) STRICT;
      CREATE INDEX links_by_natural_key ON links (pair_id, entity, natural_key) WHERE natural_key IS NOT NULL;

      CREATE TABLE ledger (
        id            INTEGER PRIMARY KEY,
        pair_id       INTEGER NOT NULL REFERENCES shop_pairs(id),
        run_id        TEXT NOT NULL REFERENCES runs(id),
        batch_id      TEXT NOT NULL,
        entity        TEXT NOT NULL CHECK (entity IN ('customers', 'vehicles')),
        target_system TEXT NOT NULL CHECK (target_system IN ('autoleap', 'autogms')),
        action        TEXT NOT NULL CHECK (action IN ('create', 'update', 'archive', 'delete')),
        natural_key   TEXT NOT NULL,
        payload_hash  TEXT NOT NULL,
        source_id     TEXT,
        target_id     TEXT,
        attempt       INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'confirmed', 'failed', 'unknown')),
        error         TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ledger_by_batch ON ledger (batch_id);
      CREATE INDEX ledger_by_key ON ledger (pair_id, entity, target_system, natural_key);
      CREATE INDEX ledger_open ON ledger (pair_id, run_id) WHERE status IN ('pending', 'sent', 'unknown');
    `
  },
  {
    version: 2,
    description: "review tables: quarantine, conflicts, run warnings, tag palette",
    sql: `
      CREATE TABLE quarantine (
        pair_id     INTEGER NOT NULL REFERENCES shop_pairs(id),
        entity      TEXT NOT NULL CHECK (entity IN ('customers', 'vehicles')),
        system      TEXT NOT NULL CHECK (system IN ('autoleap', 'autogms')),
        source_id   TEXT NOT NULL,
        code        TEXT NOT NULL,
        message     TEXT NOT NULL,
        payload     TEXT,
        first_seen  TEXT NOT NULL,
        last_seen   TEXT NOT NULL,
        attempts    INTEGER NOT NULL,
        last_run_id TEXT REFERENCES runs(id),
        PRIMARY KEY (pair_id, entity, system, source_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE conflicts (
        id               INTEGER PRIMARY KEY,
        pair_id          INTEGER NOT NULL REFERENCES shop_pairs(id),
        run_id           TEXT REFERENCES runs(id),
        entity           TEXT NOT NULL CHECK (entity IN ('customers', 'vehicles')),
        autoleap_id      TEXT NOT NULL,
        autogms_id       TEXT NOT NULL,
        autoleap_version TEXT NOT NULL,
        autogms_version  TEXT NOT NULL,
        fields           TEXT NOT NULL,
        resolution       TEXT NOT NULL CHECK (resolution IN ('open', 'autoleap', 'autogms')),
        detected_at      TEXT NOT NULL,
        resolved_at      TEXT
      ) STRICT;
      -- At most one open conflict per linked pair of records: a sync that sees it again refreshes it.
      CREATE UNIQUE INDEX conflicts_open ON conflicts (pair_id, entity, autoleap_id, autogms_id) WHERE resolution = 'open';

      CREATE TABLE run_warnings (
        id        INTEGER PRIMARY KEY,
        run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        entity    TEXT NOT NULL CHECK (entity IN ('customers', 'vehicles')),
        system    TEXT NOT NULL CHECK (system IN ('autoleap', 'autogms')),
        source_id TEXT NOT NULL,
        code      TEXT NOT NULL,
        message   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX run_warnings_by_run ON run_warnings (run_id);

      CREATE TABLE tag_palette (
        pair_id  INTEGER NOT NULL REFERENCES shop_pairs(id),
        name_key TEXT NOT NULL,
        name     TEXT NOT NULL,
        color    TEXT NOT NULL CHECK (length(color) = 6 AND color NOT GLOB '*[^0-9A-F]*'),
        PRIMARY KEY (pair_id, name_key)
      ) STRICT, WITHOUT ROWID;
    `
  },
  {
    version: 3,
    description: "staged pipeline: snapshots of both sides, the plan table, link memory (base record), applied plans",
    sql: `
      -- The last-synced model record of a link: the base of a three-way merge.
      ALTER TABLE links ADD COLUMN base TEXT;
      -- A dry run whose plan was written by \`apply\`: the run that applied it.
      ALTER TABLE runs ADD COLUMN applied_by TEXT;
      -- 0 for a run that stopped before reading anything (a refused key): nothing to resume, it is run again instead.
      ALTER TABLE runs ADD COLUMN resumable INTEGER NOT NULL DEFAULT 1 CHECK (resumable IN (0, 1));

      -- One extract of one system's entity for one run. Kept while its run can be resumed or applied, and the latest
      -- per shop pair and direction; the rest are pruned.
      CREATE TABLE snapshots (
        id         INTEGER PRIMARY KEY,
        pair_id    INTEGER NOT NULL REFERENCES shop_pairs(id),
        run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        system     TEXT NOT NULL CHECK (system IN ('autoleap', 'autogms')),
        entity     TEXT NOT NULL CHECK (entity IN ('customers', 'vehicles')),
        started_at TEXT NOT NULL,
        -- 1: every record of the entity; 0: the records changed in a window (sync)
        full       INTEGER NOT NULL DEFAULT 1 CHECK (full IN (0, 1)),
        complete   INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
        UNIQUE (run_id, system, entity)
      ) STRICT;

      -- One record as read, mapped to the model; natural keys in their own columns so matching is an indexed lookup.
      CREATE TABLE snapshot_records (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        source_id   TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        updated_ms  INTEGER,
        email       TEXT,
        phone       TEXT,
        vin         TEXT,
        plate       TEXT,
        name_key    TEXT,
        hash        TEXT NOT NULL,
        mapped      TEXT NOT NULL,
        UNIQUE (snapshot_id, source_id)
      ) STRICT;
      CREATE INDEX snapshot_records_email ON snapshot_records (snapshot_id, email) WHERE email IS NOT NULL;
      CREATE INDEX snapshot_records_phone ON snapshot_records (snapshot_id, phone) WHERE phone IS NOT NULL;
      CREATE INDEX snapshot_records_vin ON snapshot_records (snapshot_id, vin) WHERE vin IS NOT NULL;
      CREATE INDEX snapshot_records_plate ON snapshot_records (snapshot_id, plate) WHERE plate IS NOT NULL;
      CREATE INDEX snapshot_records_name ON snapshot_records (snapshot_id, name_key) WHERE name_key IS NOT NULL;
      CREATE INDEX snapshot_records_hash ON snapshot_records (snapshot_id, hash);

      -- One decision per source record of a run, and what became of it when it was carried out.
      CREATE TABLE plan_items (
        id              INTEGER PRIMARY KEY,
        run_id          TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        from_system     TEXT NOT NULL CHECK (from_system IN ('autoleap', 'autogms')),
        to_system       TEXT NOT NULL CHECK (to_system IN ('autoleap', 'autogms')),
        entity          TEXT NOT NULL CHECK (entity IN ('customers', 'vehicles')),
        source_id       TEXT NOT NULL,
        action          TEXT NOT NULL CHECK (action IN ('create', 'update', 'link', 'unchanged', 'skip', 'quarantine', 'archive', 'delete', 'conflict')),
        writes          INTEGER NOT NULL CHECK (writes IN (0, 1)),
        target_id       TEXT,
        owner_source_id TEXT,
        source_hash     TEXT NOT NULL,
        hash            TEXT NOT NULL,
        lookup_key      TEXT NOT NULL,
        label           TEXT NOT NULL,
        reason_code     TEXT,
        detail          TEXT NOT NULL,
        drift           TEXT CHECK (drift IN ('replanned', 'held')),
        outcome         TEXT CHECK (outcome IN ('written', 'existing', 'linked', 'rejected')),
        outcome_target_id TEXT,
        outcome_detail  TEXT,
        verified        INTEGER CHECK (verified IN (0, 1)),
        UNIQUE (run_id, from_system, entity, source_id)
      ) STRICT;
      CREATE INDEX plan_items_by_target ON plan_items (run_id, entity, target_id) WHERE target_id IS NOT NULL;
      CREATE INDEX plan_items_to_write ON plan_items (run_id, entity, id) WHERE writes = 1 AND outcome IS NULL;

      -- A conflict settled by a person (conflicts resolve): the sync that wrote the chosen value.
      ALTER TABLE conflicts ADD COLUMN applied_by TEXT;
      ALTER TABLE conflicts ADD COLUMN base TEXT;

      -- autoGMS webhook subscriptions (the secret never leaves the store) and the deliveries already received.
      CREATE TABLE webhook_subscriptions (
        pair_id         INTEGER NOT NULL REFERENCES shop_pairs(id),
        subscription_id TEXT NOT NULL,
        url             TEXT NOT NULL,
        secret          TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (pair_id, subscription_id)
      ) STRICT;
      CREATE TABLE webhook_deliveries (
        pair_id     INTEGER NOT NULL REFERENCES shop_pairs(id),
        delivery_id TEXT NOT NULL,
        event       TEXT NOT NULL,
        resource_id TEXT,
        received_at TEXT NOT NULL,
        PRIMARY KEY (pair_id, delivery_id)
      ) STRICT;
    `
  },
  {
    version: 4,
    description: "plan rows indexed in report order",
    // The report lists a run's plan rows in (entity, id) order. Without an index in that order SQLite sorts every
    // row of the run, whole records included: at 250,000 rows that sort alone held ~40 MB of native memory.
    sql: `
      CREATE INDEX plan_items_by_run ON plan_items (run_id, entity, id);
    `
  },
  {
    version: 5,
    description: "snapshot records indexed in read order",
    // The plan stage pages through a snapshot by position (rowid). Without an index whose entries run in rowid order
    // within a snapshot, SQLite took every record of the snapshot through another index and sorted them, for every
    // chunk: quadratic in the snapshot's size (20,000 records: 717 ms; with this index 73 ms).
    sql: `
      CREATE INDEX snapshot_records_in_order ON snapshot_records (snapshot_id);
    `
  }
]

export const latestSchemaVersion: number = migrations[migrations.length - 1]?.version ?? 0

export type MigrationResult =
  | { readonly _tag: "UpToDate"; readonly version: number }
  | { readonly _tag: "Upgraded"; readonly from: number; readonly to: number }
  | { readonly _tag: "TooNew"; readonly fileVersion: number; readonly supported: number }

export const schemaVersion = (db: Database.Database): number => db.pragma("user_version", { simple: true }) as number

/**
 * Brings the file up to `target` (default: the latest). `target` below the latest exists so tests can build a file
 * as an older shopbridge left it.
 */
export const migrate = (db: Database.Database, target: number = latestSchemaVersion): MigrationResult => {
  const from = schemaVersion(db)
  if (from > latestSchemaVersion) return { _tag: "TooNew", fileVersion: from, supported: latestSchemaVersion }
  const pending = migrations.filter((m) => m.version > from && m.version <= target)
  if (pending.length === 0) return { _tag: "UpToDate", version: from }
  for (const step of pending) {
    // IMMEDIATE: two processes opening an old file at once must not both run the same step.
    db.transaction(() => {
      if (schemaVersion(db) >= step.version) return
      db.exec(step.sql)
      db.pragma(`user_version = ${step.version}`)
    }).immediate()
  }
  return { _tag: "Upgraded", from, to: schemaVersion(db) }
}
