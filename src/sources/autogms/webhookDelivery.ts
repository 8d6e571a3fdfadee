/**
 * What an autoGMS webhook delivery looks like on the wire (contract/autogms.md, "Webhooks"), and the check that it came
 * from autoGMS: `X-AutoGMS-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`.
 */
import { Data, Either, Option, Redacted, Schema } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"

/** Header names as node:http gives them (lower case). */
export const SIGNATURE_HEADER = "x-autogms-signature"
export const DELIVERY_HEADER = "x-autogms-delivery"
export const EVENT_HEADER = "x-autogms-event"

export const AutogmsWebhookEvent = Schema.Struct({
  id: Schema.String, // [assumed] the event's id (every delivery of one event carries it)
  event: Schema.String,
  garageId: Schema.String,
  createdAt: Schema.String,
  data: Schema.Unknown // the resource, e.g. the customer for customer.created
})
export type AutogmsWebhookEvent = typeof AutogmsWebhookEvent.Type

/** The body, if it is an event; None otherwise. Unknown fields are ignored (autoGMS may add some). */
export const decodeWebhookEvent = (raw: Buffer): Option.Option<AutogmsWebhookEvent> => {
  let json: unknown
  try {
    json = JSON.parse(raw.toString("utf8"))
  } catch {
    return Option.none()
  }
  return Schema.decodeUnknownOption(AutogmsWebhookEvent, { onExcessProperty: "ignore" })(json)
}

/** The id of the record an event is about (`data.id`), when it names one. */
export const resourceIdOf = (event: AutogmsWebhookEvent): string | null => {
  const data = event.data
  if (typeof data !== "object" || data === null) return null
  const id = (data as { readonly id?: unknown }).id
  return typeof id === "string" ? id : null
}

/** Why a delivery was not taken as autoGMS's: no header, not `sha256=<64 hex digits>`, or no secret gives that digest. */
export class SignatureRejected extends Data.TaggedError("SignatureRejected")<{
  readonly reason: "missing" | "malformed" | "mismatch"
}> {
  override get message(): string {
    return this.reason === "missing"
      ? `no ${SIGNATURE_HEADER} header`
      : this.reason === "malformed"
        ? `${SIGNATURE_HEADER} is not sha256=<64 hex digits>`
        : `${SIGNATURE_HEADER} matches no subscription's secret`
  }
}

export interface SigningSecret {
  readonly subscriptionId: string
  readonly secret: Redacted.Redacted<string>
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i

/** `sha256=<hex>` for a body: what autoGMS sends (and what tests sign with). */
export const signBody = (raw: Buffer | string, secret: Redacted.Redacted<string>): string =>
  `sha256=${createHmac("sha256", Redacted.value(secret)).update(raw).digest("hex")}`

/**
 * The subscription whose secret signed `raw`. Every secret is tried (a pair may hold several after registering again),
 * each compared in constant time so the answer's timing tells an attacker nothing about how close a guess was.
 */
export const verifySignature = (
  header: string | ReadonlyArray<string> | undefined,
  raw: Buffer,
  secrets: ReadonlyArray<SigningSecret>
): Either.Either<string, SignatureRejected> => {
  // A repeated header is as suspicious as a wrong one: exactly one value is accepted.
  if (header === undefined || (typeof header !== "string" && header.length === 0)) return Either.left(new SignatureRejected({ reason: "missing" }))
  if (typeof header !== "string") return Either.left(new SignatureRejected({ reason: "malformed" }))
  const hex = SIGNATURE.exec(header.trim())?.[1]
  if (hex === undefined) return Either.left(new SignatureRejected({ reason: header.trim() === "" ? "missing" : "malformed" }))
  const given = Buffer.from(hex, "hex")
  let matched: string | undefined
  for (const { subscriptionId, secret } of secrets) {
    const expected = createHmac("sha256", Redacted.value(secret)).update(raw).digest()
    // Both are 32 bytes (SHA-256; the pattern above fixed the given length), as timingSafeEqual requires.
    if (timingSafeEqual(given, expected) && matched === undefined) matched = subscriptionId
  }
  return matched === undefined ? Either.left(new SignatureRejected({ reason: "mismatch" })) : Either.right(matched)
}
