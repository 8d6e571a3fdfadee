import { Data } from "effect"

/**
 * A setting that parsed fine but does not work against the API: the credentials were refused, or nothing answers at the
 * base URL. Found by a client's preflight check, before anything is read, so the message names the variables to fix and
 * what to check; there is nothing to resume: the same command runs again once the setting is fixed.
 */
export class SettingRejected extends Data.TaggedError("SettingRejected")<{
  readonly system: "autoleap" | "autogms"
  /** The environment variables to look at, e.g. ["AUTOGMS_API_KEY"]. */
  readonly variables: ReadonlyArray<string>
  /** The whole line for the person: what was refused or unreachable, by whom, and what to check. */
  readonly message: string
}> {}

/** "https://… (AUTOLEAP_BASE_URL): nothing answers at …", from the transport failure the preflight retries ended on. */
export const unreachable = (system: "autoleap" | "autogms", variable: string, baseUrl: string, reason: string): SettingRejected =>
  new SettingRejected({
    system,
    variables: [variable],
    message: `${variable}: nothing answers at ${baseUrl} (${reason}); check the URL, and that the API is up and reachable from here`
  })
