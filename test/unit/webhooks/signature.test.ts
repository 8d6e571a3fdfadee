import { describe, expect, it } from "vitest"
import { createHmac } from "node:crypto"
import { Either, Redacted } from "effect"
import { signBody, verifySignature, type SigningSecret } from "../../../src/sources/autogms/webhookDelivery.js"

const body = Buffer.from(JSON.stringify({ id: "evt_1", event: "customer.created", garageId: "g-1", createdAt: "2025-03-01T10:00:00.000Z", data: { id: "cus_1" } }))
const secrets: ReadonlyArray<SigningSecret> = [
  { subscriptionId: "wh_old", secret: Redacted.make("old-secret-0123456789") },
  { subscriptionId: "wh_new", secret: Redacted.make("new-secret-0123456789") }
]
const hmac = (secret: string, raw: Buffer = body) => createHmac("sha256", secret).update(raw).digest("hex")
const reason = (result: Either.Either<string, { reason: string }>) => Either.match(result, { onLeft: (e) => e.reason, onRight: () => "accepted" })

describe("autoGMS webhook signature", () => {
  it("accepts sha256=<hex HMAC of the raw body> made with any stored secret, and says which", () => {
    expect(verifySignature(`sha256=${hmac("new-secret-0123456789")}`, body, secrets)).toEqual(Either.right("wh_new"))
    expect(verifySignature(`sha256=${hmac("old-secret-0123456789")}`, body, secrets)).toEqual(Either.right("wh_old"))
    // Hex case and surrounding spaces do not matter; signBody is the same computation.
    expect(Either.isRight(verifySignature(` sha256=${hmac("new-secret-0123456789").toUpperCase()} `, body, secrets))).toBe(true)
    expect(signBody(body, secrets[1]!.secret)).toBe(`sha256=${hmac("new-secret-0123456789")}`)
  })

  it("rejects a signature made with another secret, or over other bytes", () => {
    expect(reason(verifySignature(`sha256=${hmac("guessed-secret")}`, body, secrets))).toBe("mismatch")
    // The same JSON re-serialised (one space) is another body: the raw bytes are what was signed.
    const respaced = Buffer.from(body.toString("utf8").replace(":", ": "))
    expect(reason(verifySignature(`sha256=${hmac("new-secret-0123456789")}`, respaced, secrets))).toBe("mismatch")
    expect(reason(verifySignature(`sha256=${hmac("new-secret-0123456789")}`, body, []))).toBe("mismatch")
  })

  it("rejects a missing header", () => {
    expect(reason(verifySignature(undefined, body, secrets))).toBe("missing")
    expect(reason(verifySignature("", body, secrets))).toBe("missing")
    expect(reason(verifySignature([], body, secrets))).toBe("missing")
  })

  it("rejects a digest of the wrong length or form before comparing (timingSafeEqual needs equal lengths)", () => {
    const good = hmac("new-secret-0123456789")
    expect(reason(verifySignature(`sha256=${good.slice(0, 62)}`, body, secrets))).toBe("malformed")
    expect(reason(verifySignature(`sha256=${good}00`, body, secrets))).toBe("malformed")
    expect(reason(verifySignature(`sha256=${good.slice(0, 63)}`, body, secrets))).toBe("malformed")
    expect(reason(verifySignature(good, body, secrets))).toBe("malformed")
    expect(reason(verifySignature(`sha1=${good}`, body, secrets))).toBe("malformed")
    expect(reason(verifySignature(`sha256=${"z".repeat(64)}`, body, secrets))).toBe("malformed")
    // Two headers are not one signature.
    expect(reason(verifySignature([`sha256=${good}`, `sha256=${good}`], body, secrets))).toBe("malformed")
  })
})
