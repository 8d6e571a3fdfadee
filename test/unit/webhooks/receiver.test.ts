import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { handleDelivery, listenForWebhooks, type ReceiverDeps } from "../../../src/cli/webhooks/receiver.js"
import type { Hint } from "../../../src/cli/webhooks/trigger.js"
import { signBody } from "../../../src/sources/autogms/webhookDelivery.js"
import { StateStore, type PairState } from "../../../src/state/index.js"

const SECRET = Redacted.make("receiver-test-secret-0123456789")
const shop = { autoleapCompanyId: "co-1", autogmsGarageId: "g-1" }

const event = (name = "customer.created", id = "cus_1") =>
  Buffer.from(JSON.stringify({ id: "evt_1", event: name, garageId: "g-1", createdAt: "2025-03-01T10:00:00.000Z", data: { id } }))

const signed = (raw: Buffer, deliveryId = "dlv_1", secret = SECRET) => ({
  headers: { "x-autogms-signature": signBody(raw, secret), "x-autogms-delivery": deliveryId, "x-autogms-event": "customer.created" },
  raw
})

/** A pair with one subscription, and the hints and lines the receiver gave. */
const setup = Effect.gen(function* () {
  const state: PairState = yield* (yield* StateStore).pair(shop)
  yield* state.webhooks.addSubscription({ subscriptionId: "wh_1", url: "http://127.0.0.1/webhooks/autogms", secret: SECRET })
  const hints: Array<Hint> = []
  const said: Array<string> = []
  const deps: ReceiverDeps = {
    webhooks: state.webhooks,
    onHint: (h) => Effect.sync(() => void hints.push(h)),
    say: (line) => Effect.sync(() => void said.push(line))
  }
  return { state, hints, said, deps }
})

describe("webhook receiver", () => {
  it.effect("a signed customer.created is taken once: 202 and one hint; its replay is 200 and does nothing", () =>
    Effect.gen(function* () {
      const { hints, said, deps } = yield* setup
      expect(yield* handleDelivery(signed(event()), deps)).toEqual({ status: 202, body: { ok: true } })
      expect(hints).toEqual([{ deliveryId: "dlv_1", resourceId: "cus_1" }])
      expect(yield* handleDelivery(signed(event()), deps)).toEqual({ status: 200, body: { ok: true, duplicate: true } })
      expect(hints).toHaveLength(1)
      // Another delivery of the same event (another id) is a new delivery.
      expect((yield* handleDelivery(signed(event(), "dlv_2"), deps)).status).toBe(202)
      expect(hints).toHaveLength(2)
      expect(said.join("\n")).not.toContain(Redacted.value(SECRET))
    }).pipe(Effect.provide(StateStore.layerMemory)))

  it.effect("a bad or missing signature is 401 and records nothing, so the real delivery is still taken", () =>
    Effect.gen(function* () {
      const { hints, deps } = yield* setup
      const forged = signed(event(), "dlv_1", Redacted.make("guessed"))
      expect(yield* handleDelivery(forged, deps)).toEqual({ status: 401, body: { error: "invalid signature" } })
      expect((yield* handleDelivery({ headers: { "x-autogms-delivery": "dlv_1" }, raw: event() }, deps)).status).toBe(401)
      expect(hints).toEqual([])
      expect((yield* handleDelivery(signed(event()), deps)).status).toBe(202)
    }).pipe(Effect.provide(StateStore.layerMemory)))

  it.effect("other events are acknowledged and ignored; no delivery id or no event body is 400", () =>
    Effect.gen(function* () {
      const { hints, deps } = yield* setup
      expect(yield* handleDelivery(signed(event("booking.created"), "dlv_9"), deps)).toEqual({ status: 200, body: { ok: true, ignored: true } })
      const raw = event()
      expect((yield* handleDelivery({ headers: { "x-autogms-signature": signBody(raw, SECRET) }, raw }, deps)).status).toBe(400)
      expect((yield* handleDelivery(signed(Buffer.from("[1,2]"), "dlv_10"), deps)).status).toBe(400)
      expect(hints).toEqual([])
    }).pipe(Effect.provide(StateStore.layerMemory)))

  it.scoped("listens: GET /healthz is 200, other paths 404, GET on the webhook path 405, a delivery over HTTP 202", () =>
    Effect.gen(function* () {
      const { deps, hints } = yield* setup
      const { port } = yield* listenForWebhooks({ host: "127.0.0.1", port: 0 }, deps)
      const base = `http://127.0.0.1:${port}`
      const status = (path: string, init?: RequestInit) => Effect.promise(() => fetch(`${base}${path}`, init).then((r) => r.status))
      expect(yield* status("/healthz")).toBe(200)
      expect(yield* status("/nope")).toBe(404)
      expect(yield* status("/webhooks/autogms")).toBe(405)
      const delivery = signed(event())
      expect(yield* status("/webhooks/autogms", { method: "POST", headers: delivery.headers, body: delivery.raw })).toBe(202)
      expect(hints).toHaveLength(1)
    }).pipe(Effect.provide(StateStore.layerMemory)))
})
