/**
 * The HTTP side of `shopbridge webhooks serve`: `POST /webhooks/autogms` takes a delivery only when its signature
 * matches a secret in the state store, takes each delivery id once (a replay is answered 200 and does nothing), and
 * answers before any sync runs; `GET /healthz` answers 200. Secrets and signatures never reach a log line.
 */
import { Data, Effect, Either, Option, Runtime, type Scope } from "effect"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import {
  decodeWebhookEvent,
  DELIVERY_HEADER,
  resourceIdOf,
  SIGNATURE_HEADER,
  verifySignature
} from "../../sources/autogms/webhookDelivery.js"
import { CUSTOMER_CREATED } from "../../sources/autogms/webhooks.js"
import type { PairWebhooks } from "../../state/index.js"
import type { Hint } from "./trigger.js"

export const WEBHOOK_PATH = "/webhooks/autogms"
export const HEALTH_PATH = "/healthz"

/** autoGMS events are small; anything larger is not one of them. */
const MAX_BODY_BYTES = 1024 * 1024

export interface Reply {
  readonly status: number
  readonly body: Readonly<Record<string, unknown>>
}

export interface DeliveryRequest {
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly raw: Buffer
}

export interface ReceiverDeps {
  readonly webhooks: PairWebhooks
  /** Called for each new delivery of an event that may bring new records. */
  readonly onHint: (hint: Hint) => Effect.Effect<void>
  /** One line per delivery, for the operator; never the secret or the signature. */
  readonly say: (line: string) => Effect.Effect<void>
}

const single = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" ? value : undefined

/**
 * One delivery, after the body was read. The order matters: nothing unsigned reaches the store, and the delivery id is
 * recorded before the answer, so a retry that crosses our 2xx is recognised as a replay.
 */
export const handleDelivery = (request: DeliveryRequest, deps: ReceiverDeps): Effect.Effect<Reply> =>
  Effect.gen(function* () {
    const secrets = yield* deps.webhooks.subscriptions
    const signed = verifySignature(request.headers[SIGNATURE_HEADER], request.raw, secrets)
    if (Either.isLeft(signed)) {
      yield* deps.say(`webhook rejected (401): ${signed.left.message}`)
      return { status: 401, body: { error: "invalid signature" } }
    }
    const deliveryId = single(request.headers[DELIVERY_HEADER])?.trim()
    if (deliveryId === undefined || deliveryId === "" || deliveryId.length > 200) {
      return { status: 400, body: { error: `missing ${DELIVERY_HEADER} header` } }
    }
    const event = decodeWebhookEvent(request.raw)
    if (Option.isNone(event)) return { status: 400, body: { error: "body is not an autoGMS event" } }
    const resourceId = resourceIdOf(event.value)
    const isNew = yield* deps.webhooks.recordDelivery({ deliveryId, event: event.value.event, resourceId })
    const about = `${deliveryId} ${event.value.event}${resourceId === null ? "" : ` ${resourceId}`}`
    if (!isNew) {
      yield* deps.say(`webhook ${about}: already received, ignored`)
      return { status: 200, body: { ok: true, duplicate: true } }
    }
    if (event.value.event !== CUSTOMER_CREATED) {
      yield* deps.say(`webhook ${about}: not an event shopbridge acts on, ignored`)
      return { status: 200, body: { ok: true, ignored: true } }
    }
    yield* deps.onHint({ deliveryId, resourceId })
    yield* deps.say(`webhook ${about}: accepted`)
    return { status: 202, body: { ok: true } }
  }).pipe(
    // The store failed (disk full, file locked too long): a 5xx makes autoGMS retry later, and nothing was taken.
    Effect.catchTag("StateError", (e) =>
      Effect.as(deps.say(`webhook not taken (503): ${e.message}`), { status: 503, body: { error: "state store unavailable; retry later" } })
    )
  )

/** Could not listen on the address (port in use, no permission): the user picks another. */
export class ReceiverListenFailed extends Data.TaggedError("ReceiverListenFailed")<{
  readonly host: string
  readonly port: number
  readonly code: string
}> {
  override get message(): string {
    return `cannot listen on ${this.host}:${this.port} (${this.code}); pick another with --port / --host`
  }
}

const send = (res: ServerResponse, reply: Reply, extraHeaders: Record<string, string> = {}): void => {
  const body = JSON.stringify(reply.body)
  res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), ...extraHeaders })
  res.end(body)
}

/** The whole body, or undefined when it is larger than autoGMS would ever send (the socket is then dropped). */
const readBody = (req: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        resolve(undefined)
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

export interface Listening {
  readonly host: string
  readonly port: number
}

/** Listens until the scope closes; open connections are cut then, so Ctrl-C never waits on a keep-alive socket. */
export const listenForWebhooks = (
  address: { readonly host: string; readonly port: number },
  deps: ReceiverDeps
): Effect.Effect<Listening, ReceiverListenFailed, Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const runReply = Runtime.runPromise(runtime)

    const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const path = new URL(req.url ?? "/", "http://receiver").pathname
      if (path === HEALTH_PATH && (req.method === "GET" || req.method === "HEAD")) return send(res, { status: 200, body: { ok: true } })
      if (path !== WEBHOOK_PATH) return send(res, { status: 404, body: { error: "not found" } })
      if (req.method !== "POST") return send(res, { status: 405, body: { error: "POST only" } }, { allow: "POST" })
      const raw = await readBody(req)
      if (raw === undefined) return send(res, { status: 413, body: { error: "body too large" } })
      send(res, await runReply(handleDelivery({ headers: req.headers, raw }, deps)))
    }

    const server: Server = yield* Effect.acquireRelease(
      Effect.async<Server, ReceiverListenFailed>((resume) => {
        const s = createServer((req, res) => {
          route(req, res).catch(() => {
            if (!res.headersSent) send(res, { status: 500, body: { error: "receiver failure" } })
          })
        })
        const failed = (error: NodeJS.ErrnoException) =>
          resume(Effect.fail(new ReceiverListenFailed({ host: address.host, port: address.port, code: error.code ?? error.message })))
        s.once("error", failed)
        s.listen(address.port, address.host, () => {
          s.off("error", failed)
          // A later server error (a broken client socket) must not crash the receiver: each request answers for itself.
          s.on("error", () => undefined)
          resume(Effect.succeed(s))
        })
      }),
      (s) =>
        Effect.async<void>((resume) => {
          s.closeAllConnections()
          s.close(() => resume(Effect.void))
        })
    )
    return { host: address.host, port: (server.address() as AddressInfo).port }
  })
