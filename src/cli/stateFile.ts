import { Effect } from "effect"
import { existsSync } from "node:fs"
import { StateStore, type StateError, type StateTooNew } from "../state/index.js"
import { UsageError } from "./exit.js"

/**
 * A command that reads an existing state file (apply, resume, conflicts): a missing file, an unreadable or too new one
 * are usage errors (exit 2) that say so; nothing is created.
 */
export const withStateFile = <A>(
  statePath: string,
  whenMissing: string,
  use: Effect.Effect<A, UsageError | StateError | StateTooNew, StateStore>
): Effect.Effect<A, UsageError> =>
  Effect.suspend(() =>
    existsSync(statePath)
      ? use.pipe(
          Effect.provide(StateStore.layer(statePath)),
          Effect.catchTags({
            StateError: (e) => Effect.fail(new UsageError({ message: `state file ${statePath}: ${e.message}` })),
            StateTooNew: (e) => Effect.fail(new UsageError({ message: e.message }))
          })
        )
      : Effect.fail(new UsageError({ message: `no state file at ${statePath}: ${whenMissing}` }))
  )
