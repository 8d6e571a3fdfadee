import { Context, type Effect } from "effect"

/**
 * The progress port: what the pipeline tells the person watching, per stage and entity (e.g. "customers from
 * autoleap"). The command line draws it (src/cli/progress.ts); tests may ignore it.
 */
export interface ProgressService {
  /** Begin (or re-size: calling it again updates the total, e.g. once the first page says how many there are). */
  readonly start: (entity: string, total: number) => Effect.Effect<void>
  readonly advance: (entity: string, n: number) => Effect.Effect<void>
  readonly finish: (entity: string) => Effect.Effect<void>
  /** A line for the person watching, printed above the bars on a terminal so it does not tear them. */
  readonly log: (line: string) => Effect.Effect<void>
}

export class Progress extends Context.Tag("shopbridge/Progress")<Progress, ProgressService>() {}
