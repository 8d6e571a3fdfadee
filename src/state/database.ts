import Database from "better-sqlite3"
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"

export type Synchronous = "FULL" | "NORMAL"

export interface OpenOptions {
  /**
   * FULL (default) fsyncs the WAL at every commit. A commit here is one batch of up to 100 API writes, each batch
   * already costs a network round trip, and the ledger is only worth having if a committed intent or outcome survives
   * a power cut, not just a process crash (NORMAL in WAL mode survives the latter only).
   */
  readonly synchronous?: Synchronous
  /** How long a statement waits for another process's write lock before failing (ms). */
  readonly busyTimeoutMs?: number
}

export const memoryPath = ":memory:"

/** Creates the folders and opens (or creates) the file. Throws what better-sqlite3 throws; callers wrap it. */
export const createDatabase = (path: string, options: OpenOptions = {}): Database.Database => {
  if (path !== memoryPath) mkdirSync(dirname(path), { recursive: true })
  return new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 })
}

/**
 * WAL so readers never block the writer; foreign keys so a row can never point at another pair's run. A 4 MB page
 * cache (better-sqlite3 builds SQLite with 16 MB): the cache also bounds how much memory a sort may take before it
 * spills to a temporary file, and the operating system's file cache serves the rest of a large state file anyway.
 */
export const configureConnection = (db: Database.Database, options: OpenOptions = {}): void => {
  db.pragma("cache_size = -4000")
  db.pragma("journal_mode = WAL")
  db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`)
  db.pragma("foreign_keys = ON")
}

/**
 * Runs `body` with commits that do not wait for the disk (synchronous = NORMAL in WAL mode: a process crash loses
 * nothing, a power cut may lose the last commits). Only for what can be derived again — snapshot pages (a copy of
 * what the API holds) and plan rows (a killed run plans again) — never for the ledger, links or outcomes.
 */
export const withoutFsync = <A>(db: Database.Database, options: OpenOptions, body: () => A): A => {
  db.pragma("synchronous = NORMAL")
  try {
    return body()
  } finally {
    db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`)
  }
}

export const integrityCheck = (db: Database.Database): ReadonlyArray<string> =>
  (db.pragma("integrity_check") as ReadonlyArray<{ integrity_check: string }>).map((row) => row.integrity_check)

export const foreignKeyViolations = (db: Database.Database): number => (db.pragma("foreign_key_check") as ReadonlyArray<unknown>).length
