import type Database from "better-sqlite3"
import { Either } from "effect"

export type TransactionMode = "deferred" | "immediate"

/**
 * Runs `body` in one transaction and commits only a Right. A Left (a refusal the caller typed) or an exception from
 * SQLite rolls everything back, so a batch is never half-recorded.
 * IMMEDIATE takes the write lock up front: a read-then-write (the run lock) cannot be overtaken by another process.
 */
export const inTransaction = <A, E>(
  db: Database.Database,
  mode: TransactionMode,
  body: () => Either.Either<A, E>
): Either.Either<A, E> => {
  db.exec(mode === "immediate" ? "BEGIN IMMEDIATE" : "BEGIN")
  let committed = false
  try {
    const result = body()
    if (Either.isRight(result)) {
      db.exec("COMMIT")
      committed = true
    }
    return result
  } finally {
    if (!committed && db.inTransaction) db.exec("ROLLBACK")
  }
}
