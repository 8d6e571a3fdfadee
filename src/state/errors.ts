import { Data } from "effect"
import type { LockHolder } from "./model.js"

/** Any failure of the SQLite file itself: cannot open, constraint broken, disk full, bad stored JSON. */
export class StateError extends Data.TaggedError("StateError")<{
  readonly operation: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `state store: ${this.operation} failed: ${this.detail}`
  }
}

/** Another run holds the shop pair's lock (the CLI exits 3 with this message). */
export class StateLocked extends Data.TaggedError("StateLocked")<{ readonly holder: LockHolder }> {
  override get message(): string {
    const h = this.holder
    return `state is locked by run ${h.runId} (pid ${h.pid} on ${h.host}, last heartbeat ${h.heartbeatAt}); ` +
      `wait for it to finish, or for its heartbeat to go stale`
  }
}

/** The file was written by a newer shopbridge: refusing beats silently corrupting a schema we do not know. */
export class StateTooNew extends Data.TaggedError("StateTooNew")<{
  readonly path: string
  readonly fileVersion: number
  readonly supported: number
}> {
  override get message(): string {
    return `state file ${this.path} has schema version ${this.fileVersion}, but this shopbridge supports up to ` +
      `${this.supported}; upgrade shopbridge or use another --state file`
  }
}
