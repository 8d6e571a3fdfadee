import { Effect, Layer } from "effect"
import { RetryNotices, type RetryNotice } from "../http/retryNotices.js"
import { Progress } from "./progress.js"

const apiNames: Readonly<Record<string, string>> = { autoleap: "AutoLeap", autogms: "autoGMS" }

/** "AutoLeap: GET /partners/profile failed (connect ECONNREFUSED 127.0.0.1:9); retry 2 of 6 in 1.3 s". */
export const retryLine = (n: RetryNotice): string =>
  `${apiNames[n.api] ?? n.api}: ${n.request} failed (${n.reason}); retry ${n.retry} of ${n.maxRetries} in ${(n.delayMs / 1000).toFixed(1)} s`

/**
 * Every retry as a line on stderr while it waits, so a backoff is never a silent pause. Inside a run the line goes
 * through the progress display (above the bars on a terminal, so they do not tear), elsewhere straight to stderr.
 */
export const layer: Layer.Layer<RetryNotices> = Layer.succeed(RetryNotices, {
  notice: (notice) =>
    Effect.flatMap(Effect.serviceOption(Progress), (progress) =>
      progress._tag === "Some" ? progress.value.log(retryLine(notice)) : Effect.sync(() => void process.stderr.write(`${retryLine(notice)}\n`))
    )
})
