/**
 * autoGMS webhook subscriptions (contract/autogms.md, "Webhooks"): `POST /garages/{gid}/webhooks`. Kept apart from the
 * data client: a subscription is made once, by a person, and needs none of the client's paging or pacing.
 */
import { Effect, Redacted, Schema } from "effect"
import type { AutogmsConfig } from "../../config/autogms.js"
import { decodeResponse } from "../../http/decode.js"
import { HttpStatusError } from "../../http/errors.js"
import { HttpTransport } from "../../http/transport.js"
import { AutogmsWriteOutcomeUnknown, toAutogmsWriteError, type AutogmsWriteError } from "./errors.js"
import { AutogmsSuccess } from "./schema.js"

/** The event shopbridge subscribes to: autoGMS v1 announces no customer updates and nothing about vehicles. */
export const CUSTOMER_CREATED = "customer.created"

export const AutogmsWebhookSubscription = Schema.Struct({
  id: Schema.String,
  url: Schema.String, // [assumed]
  events: Schema.Array(Schema.String), // [assumed]
  active: Schema.optional(Schema.Boolean), // [assumed]
  createdAt: Schema.optional(Schema.String) // [assumed]
})
export type AutogmsWebhookSubscription = typeof AutogmsWebhookSubscription.Type

export const AutogmsWebhookSubscriptionResponse = AutogmsSuccess(AutogmsWebhookSubscription)

export interface AutogmsWebhookCreate {
  /** The public address of the receiver's `POST /webhooks/autogms`. */
  readonly url: string
  readonly events: ReadonlyArray<string>
  /** Ours, so it never has to be read back from autoGMS; unwrapped only into the request body. */
  readonly secret: Redacted.Redacted<string>
}

/**
 * Creates one subscription; sent once (a lost answer may have created it: the error says the outcome is unknown, and
 * the user checks `GET /webhooks` rather than shopbridge subscribing twice behind their back).
 */
export const createWebhook = (
  config: AutogmsConfig,
  body: AutogmsWebhookCreate,
  options: { readonly timeoutMs?: number } = {}
): Effect.Effect<AutogmsWebhookSubscription, AutogmsWriteError, HttpTransport> =>
  Effect.gen(function* () {
    const transport = yield* HttpTransport
    const url = new URL(`${config.baseUrl.replace(/\/+$/, "")}/garages/${encodeURIComponent(config.garageId)}/webhooks`)
    const response = yield* transport
      .send({
        method: "POST",
        url,
        headers: { "x-api-key": Redacted.value(config.apiKey) },
        json: { url: body.url, events: body.events, secret: Redacted.value(body.secret) },
        timeoutMs: options.timeoutMs ?? 30_000
      })
      .pipe(Effect.mapError(toAutogmsWriteError))
    if (response.status < 200 || response.status >= 300) {
      return yield* Effect.fail(
        toAutogmsWriteError(new HttpStatusError({ method: "POST", path: url.pathname, status: response.status, body: response.body, retryAfterMs: undefined }))
      )
    }
    const decoded = yield* decodeResponse(AutogmsWebhookSubscriptionResponse, { api: "autogms", method: "POST", path: url.pathname }, response).pipe(
      Effect.mapError(
        (e) =>
          new AutogmsWriteOutcomeUnknown({
            method: "POST",
            path: url.pathname,
            status: response.status,
            message: `the subscription was created (HTTP ${response.status}) but the answer did not decode at ${e.failedPath}: ${e.message}`
          })
      )
    )
    return decoded.data
  })
