/**
 * The autoGMS simulator's webhooks, probed as an outside caller would: subscriptions through the API, deliveries to a
 * small receiver on 127.0.0.1, signatures checked here with node:crypto, retries with short delays.
 */
import { createHmac } from "node:crypto"
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { startAutogmsSim, type AutogmsSim, type WebhookDelivery } from "../../src/sim/autogms/index.js"
import { SANDBOX_AUTOGMS } from "../../src/sim/fixtures/sandboxAccounts.js"

const RW = SANDBOX_AUTOGMS.readWriteKey
const RO = SANDBOX_AUTOGMS.readOnlyKey
const GARAGE = SANDBOX_AUTOGMS.garageId
const SECRET = "test-secret-0123456789abcdef"

type Json = ReturnType<typeof JSON.parse>

const call = async (sim: AutogmsSim, method: string, path: string, body?: unknown, key: string = RW): Promise<{ status: number; body: Json }> => {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-api-key": key },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, body: text.length > 0 ? JSON.parse(text) : undefined }
}

interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** A receiver that answers with the next status of `answers` (the last one repeats) and keeps what it got. */
const startReceiver = async (answers: ReadonlyArray<number>) => {
  const received: Array<Received> = []
  const server: Server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") })
      res.writeHead(answers[Math.min(received.length, answers.length) - 1] ?? 200).end()
    })
  })
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((done) => server.close(() => done()))
  }
}

const waitFor = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const until = Date.now() + timeoutMs
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
  expect(condition()).toBe(true)
}

const newCustomer = (n: number) => ({ firstName: "Hook", lastName: `Test${n}`, email: `hook${n}@example.com` })

let sim: AutogmsSim
const cleanups: Array<() => Promise<void>> = []

beforeAll(async () => {
  sim = await startAutogmsSim({ webhooks: { retryDelaysMs: [50, 100], timeoutMs: 1_000 } })
})
afterAll(async () => {
  await sim.close()
})
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
  sim.seed(sim.dump())
})

const subscribe = async (url: string, body: Record<string, unknown> = {}) => {
  const created = await call(sim, "POST", `/garages/${GARAGE}/webhooks`, { url, events: ["customer.created"], secret: SECRET, ...body })
  expect(created.status).toBe(201)
  return created.body.data as { id: string; url: string; events: Array<string>; active: boolean; secret?: string }
}

describe("autoGMS simulator webhooks", () => {
  it("subscribes, lists, patches and deletes; never shows a secret the caller chose", async () => {
    const wh = await subscribe("http://127.0.0.1:9/hook")
    expect(wh).toMatchObject({ url: "http://127.0.0.1:9/hook", events: ["customer.created"], active: true })
    expect(wh.secret).toBeUndefined()
    const listed = await call(sim, "GET", `/garages/${GARAGE}/webhooks`)
    expect(listed.body.data).toHaveLength(1)
    expect(JSON.stringify(listed.body)).not.toContain(SECRET)
    const patched = await call(sim, "PATCH", `/garages/${GARAGE}/webhooks/${wh.id}`, { active: false })
    expect(patched.body.data.active).toBe(false)
    expect((await call(sim, "DELETE", `/garages/${GARAGE}/webhooks/${wh.id}`)).body.data).toEqual({ id: wh.id, deleted: true })
    expect((await call(sim, "GET", `/garages/${GARAGE}/webhooks/${wh.id}/deliveries`)).status).toBe(404)
  })

  it("generates a secret when none is given and shows it once", async () => {
    const created = await call(sim, "POST", `/garages/${GARAGE}/webhooks`, { url: "http://127.0.0.1:9/x", events: ["customer.created"] })
    expect(created.body.data.secret).toMatch(/^whsec_/)
  })

  it("refuses bad bodies, a read-only key and addresses off this machine", async () => {
    const bad = await call(sim, "POST", `/garages/${GARAGE}/webhooks`, { url: "ftp://x", events: ["customer.updated"], secret: "short" })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(["events", "secret", "url"])
    const remote = await call(sim, "POST", `/garages/${GARAGE}/webhooks`, { url: "https://example.com/hook", events: ["customer.created"] })
    expect(remote.status).toBe(400)
    const readOnly = await call(sim, "POST", `/garages/${GARAGE}/webhooks`, { url: "http://127.0.0.1:9/x", events: ["customer.created"] }, RO)
    expect(readOnly.status).toBe(403)
  })

  it("delivers customer.created for an API create and for a user's create, signed with the secret", async () => {
    const receiver = await startReceiver([200])
    cleanups.push(receiver.close)
    await subscribe(receiver.url)
    const created = await call(sim, "POST", `/garages/${GARAGE}/customers`, newCustomer(1))
    expect(created.status).toBe(201)
    const byUser = sim.create("customers", GARAGE, newCustomer(2))
    sim.create("vehicles", GARAGE, { customerId: byUser.id, make: "Ford", model: "Focus" })
    await waitFor(() => receiver.received.length === 2)
    await new Promise((r) => setTimeout(r, 100))
    expect(receiver.received).toHaveLength(2) // no vehicle event
    for (const [i, got] of receiver.received.entries()) {
      const body = JSON.parse(got.body)
      expect(body).toMatchObject({ event: "customer.created", garageId: GARAGE, data: { id: i === 0 ? created.body.data.id : byUser.id } })
      expect(body.id).toEqual(expect.any(String))
      expect(body.createdAt).toEqual(expect.any(String))
      expect(got.headers["x-autogms-event"]).toBe("customer.created")
      expect(got.headers["x-autogms-delivery"]).toEqual(expect.any(String))
      expect(got.headers["x-autogms-signature"]).toBe(`sha256=${createHmac("sha256", SECRET).update(got.body).digest("hex")}`)
    }
    expect(receiver.received[0]!.headers["x-autogms-delivery"]).not.toBe(receiver.received[1]!.headers["x-autogms-delivery"])
  })

  it("retries a non-2xx answer with the same delivery id, and shows the attempts", async () => {
    const receiver = await startReceiver([500, 503, 200])
    cleanups.push(receiver.close)
    const wh = await subscribe(receiver.url)
    await call(sim, "POST", `/garages/${GARAGE}/customers`, newCustomer(3))
    await waitFor(() => receiver.received.length === 3)
    expect(new Set(receiver.received.map((r) => r.headers["x-autogms-delivery"])).size).toBe(1)
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1)
    await waitFor(() => sim.webhooks.deliveries()[0]?.status === "delivered")
    const log = await call(sim, "GET", `/garages/${GARAGE}/webhooks/${wh.id}/deliveries`)
    const [delivery] = log.body.data as Array<WebhookDelivery>
    expect(delivery!.attempts.map((a) => a.status)).toEqual([500, 503, 200])
  })

  it("gives up after the last retry when the receiver cannot be reached", async () => {
    const receiver = await startReceiver([200])
    await receiver.close()
    await subscribe(receiver.url)
    sim.create("customers", GARAGE, newCustomer(4))
    await waitFor(() => sim.webhooks.deliveries()[0]?.status === "failed")
    const [delivery] = sim.webhooks.deliveries()
    expect(delivery!.attempts).toHaveLength(3)
    expect(delivery!.attempts.every((a) => a.status === null && a.error !== null)).toBe(true)
  })

  it("sends nothing for an inactive subscription, and a test ping on request", async () => {
    const receiver = await startReceiver([200])
    cleanups.push(receiver.close)
    const wh = await subscribe(receiver.url, { active: false })
    sim.create("customers", GARAGE, newCustomer(5))
    await new Promise((r) => setTimeout(r, 100))
    expect(receiver.received).toHaveLength(0)
    await call(sim, "PATCH", `/garages/${GARAGE}/webhooks/${wh.id}`, { active: true })
    expect((await call(sim, "POST", `/garages/${GARAGE}/webhooks/${wh.id}/test`)).status).toBe(202)
    await waitFor(() => receiver.received.length === 1)
    expect(receiver.received[0]!.headers["x-autogms-event"]).toBe("webhook.test")
  })
})
