import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import type { ConflictPolicy } from "../../mapping/index.js"
import { parseDuration } from "../duration.js"
import { setExitCode, type ExitCode } from "../exit.js"
import { dryRunOption, mappingOption, runsDirOption, stateOption } from "../options.js"
import { executeSync, type StoredSyncOptions, type SyncDirection } from "../runSync.js"
import { syncEvery } from "../schedule.js"

export const syncCommand = Command.make(
  "sync",
  {
    direction: Options.choice("direction", ["both", "autoleap-to-autogms", "autogms-to-autoleap"] as const).pipe(
      Options.withDefault("both" as const),
      Options.withDescription("both (default), autoleap-to-autogms or autogms-to-autoleap")
    ),
    conflict: Options.choice("conflict", ["newest", "autoleap", "autogms", "manual"] as const).pipe(
      Options.withDefault("newest" as const),
      Options.withDescription(
        "when the same field changed on both sides: newest (default: the later change wins), autoleap, autogms, or manual (left for 'shopbridge conflicts resolve'); the mapping file can set it per entity and field"
      )
    ),
    dryRun: dryRunOption,
    state: stateOption,
    runsDir: runsDirOption,
    mapping: mappingOption,
    every: Options.text("every").pipe(
      Options.withPseudoName("DURATION"),
      Options.optional,
      Options.withDescription("sync again every DURATION, e.g. 15m, 1h, 30s; without it, sync once (for cron or a systemd timer)")
    ),
    overlap: Options.text("overlap").pipe(
      Options.withPseudoName("DURATION"),
      Options.withDefault("2m"),
      Options.withDescription("how far before each side's cursor a sync starts reading, so records updated while the last one read are not missed (default 2m)")
    ),
    reconcile: Options.boolean("reconcile").pipe(
      Options.withDescription("read both sides whole (meant to run nightly): repairs drift the change windows cannot see")
    )
  },
  (flags) =>
    Effect.gen(function* () {
      const options: StoredSyncOptions = {
        direction: flags.direction satisfies SyncDirection,
        conflict: flags.conflict satisfies ConflictPolicy,
        dryRun: flags.dryRun,
        overlapMs: yield* parseDuration("--overlap", flags.overlap),
        reconcile: flags.reconcile,
        includeArchived: false,
        mappingPath: Option.getOrNull(flags.mapping),
        runsDir: flags.runsDir
      }
      if (Option.isSome(flags.every)) {
        const everyMs = yield* parseDuration("--every", flags.every.value)
        return yield* syncEvery(everyMs, () => executeSync({ options, statePath: flags.state }))
      }
      const outcome = yield* executeSync({ options, statePath: flags.state })
      yield* setExitCode(outcome.exitCode as ExitCode)
    })
).pipe(Command.withDescription("keep both systems in step: the changes since the last sync, in both directions"))
