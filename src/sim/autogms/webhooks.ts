import { createHmac, randomBytes } from "node:crypto"
import type { FieldIssue } from "./responses.js"

/** The events autoGMS v1 documents (contract/autogms.md, "Webhooks"). The simulator emits only `customer.created`. */
export const AUTOGMS_WEBHOOK_EVENTS = [
  "customer.created",
  "booking.created",
  "booking.updated",
  "booking.status_changed",
  "booking.completed",
  "technician.assigned",
  "estimate.created",
  "estimate.sent",
  "inventory.low_stock"
] as const

export interface WebhookSubscription {
  readonly id: string
  readonly garageId: string
  readonly url: string
  readonly events: ReadonlyArray<string>
  readonly secret: string
  readonly active: boolean
  readonly createdAt: string
  readonly updatedAt: string
}

export interface DeliveryAttempt {
  readonly at: string
  /** The receiver's HTTP status; null when it could not be reached or did not answer in time. */
  readonly status: number | null
  readonly error: string | null
}

export interface WebhookDelivery {
  /** The `X-AutoGMS-Delivery` id: the same on every retry of this delivery, so a receiver can de-duplicate. */
  readonly id: string
  readonly webhookId: string
  readonly garageId: string
  readonly eventId: string
  readonly event: string
  status: "pending" | "delivered" | "failed"
  readonly attempts: Array<DeliveryAttempt>
  readonly createdAt: string
  /** Exactly what is POSTed (signed body and headers), so a test can replay a delivery byte for byte. */
  readonly request: { readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string }
}

export interface WebhookTiming {
  /** Waits before the 2nd, 3rd, … attempt; one attempt plus one per entry. */
  readonly retryDelaysMs: ReadonlyArray<number>
  /** How long one attempt waits for the receiver's answer. */
  readonly timeoutMs: number
}

/** Short enough for a sandbox session to see retries happen; tests shorten them further. */
export const defaultWebhookTiming: WebhookTiming = { retryDelaysMs: [1_000, 5_000, 15_000], timeoutMs: 5_000 }

/** What a subscription looks like on the wire: never its secret. */
export const subscriptionWire = (s: WebhookSubscription) => ({
  id: s.id,
  url: s.url,
  events: [...s.events],
  active: s.active,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt
})

export const deliveryWire = (d: WebhookDelivery) => structuredClone(d)

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]", "::1"])

/**
 * The simulator runs on developer machines and in tests: it POSTs only to this machine, so a stray subscription can
 * never make it send data anywhere else.
 */
const isLoopback = (url: URL): boolean => LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export type SubscriptionFields = { url?: string; events?: ReadonlyArray<string>; secret?: string; active?: boolean }

/** Checks a create (`partial` false) or PATCH body; the fields, or what is wrong with each. */
export const validateSubscription = (body: unknown, partial: boolean): { fields: SubscriptionFields } | { issues: Array<FieldIssue> } => {
  if (!isObject(body)) return { issues: [{ field: "body", message: "must be a JSON object" }] }
  const issues: Array<FieldIssue> = []
  const fields: SubscriptionFields = {}
  if (body["url"] !== undefined || !partial) {
    const raw = body["url"]
    let url: URL | undefined
    try {
      url = typeof raw === "string" ? new URL(raw) : undefined
    } catch {
      url = undefined
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) issues.push({ field: "url", message: "must be an http(s) URL" })
    else if (!isLoopback(url)) issues.push({ field: "url", message: "the simulator delivers only to this machine (127.0.0.1, localhost, ::1)" })
    else fields.url = url.toString()
  }
  if (body["events"] !== undefined || !partial) {
    const events = body["events"]
    const known: ReadonlyArray<string> = AUTOGMS_WEBHOOK_EVENTS
    if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === "string" && known.includes(e))) {
      issues.push({ field: "events", message: `must be a non-empty array of ${AUTOGMS_WEBHOOK_EVENTS.join(", ")}` })
    } else fields.events = [...new Set(events as ReadonlyArray<string>)]
  }
  if (body["secret"] !== undefined) {
    const secret = body["secret"]
    if (typeof secret !== "string" || secret.length < 16) issues.push({ field: "secret", message: "must be a string of at least 16 characters" })
    else fields.secret = secret
  }
  if (body["active"] !== undefined) {
    if (typeof body["active"] !== "boolean") issues.push({ field: "active", message: "must be a boolean" })
    else fields.active = body["active"]
  }
  return issues.length > 0 ? { issues } : { fields }
}

export const signatureOf = (body: string, secret: string): string => `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`

/** A failed attempt in a word or two: "timeout", the socket's error code (ECONNREFUSED), else the message. */
const describeFailure = (error: unknown): string => {
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) return "timeout"
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code
  if (typeof code === "string") return code
  return error instanceof Error ? error.message : String(error)
}

/**
 * Subscriptions and deliveries of the simulated autoGMS. `emit` answers at once; the POSTs happen afterwards, each
 * failure (non-2xx, unreachable, too slow) retried after the next delay of the timing, with the same delivery id.
 */
export class WebhookDispatcher {
  readonly subscriptions = new Map<string, WebhookSubscription>()
  readonly deliveries: Array<WebhookDelivery> = []
  private timing: WebhookTiming
  private counters = { webhooks: 0, deliveries: 0, events: 0 }
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly requests = new Set<AbortController>()
  private closed = false

  constructor(
    private readonly now: () => number,
    timing: Partial<WebhookTiming> = {}
  ) {
    this.timing = { ...defaultWebhookTiming, ...timing }
  }

  configure(timing: Partial<WebhookTiming>): void {
    this.timing = { ...this.timing, ...timing }
  }

  private nextId(kind: keyof WebhookDispatcher["counters"], prefix: string): string {
    this.counters[kind] += 1
    return `${prefix}${String(this.counters[kind]).padStart(6, "0")}`
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString()
  }

  /** A new subscription; the secret is generated when the body has none (and then returned once by the route). */
  create(garageId: string, fields: SubscriptionFields): WebhookSubscription {
    const at = this.isoNow()
    const subscription: WebhookSubscription = {
      id: this.nextId("webhooks", "wh_"),
      garageId,
      url: fields.url!,
      events: fields.events!,
      secret: fields.secret ?? `whsec_${randomBytes(24).toString("hex")}`,
      active: fields.active ?? true,
      createdAt: at,
      updatedAt: at
    }
    this.subscriptions.set(subscription.id, subscription)
    return subscription
  }

  find(garageId: string, id: string): WebhookSubscription | undefined {
    const s = this.subscriptions.get(id)
    return s !== undefined && s.garageId === garageId ? s : undefined
  }

  update(current: WebhookSubscription, fields: SubscriptionFields): WebhookSubscription {
    const next: WebhookSubscription = { ...current, ...fields, id: current.id, garageId: current.garageId, updatedAt: this.isoNow() }
    this.subscriptions.set(next.id, next)
    return next
  }

  remove(id: string): void {
    this.subscriptions.delete(id)
  }

  inGarage(garageId: string): ReadonlyArray<WebhookSubscription> {
    return [...this.subscriptions.values()].filter((s) => s.garageId === garageId)
  }

  /** A new store (seed): subscriptions and their deliveries belong to the old one. */
  reset(): void {
    this.cancelPending()
    this.subscriptions.clear()
    this.deliveries.length = 0
  }

  /** One event to every active subscription of the garage that asked for it. */
  emit(garageId: string, event: string, data: unknown, createdAt: string = this.isoNow()): void {
    if (this.closed) return
    const targets = this.inGarage(garageId).filter((s) => s.active && s.events.includes(event))
    if (targets.length === 0) return
    const eventId = this.nextId("events", "evt_")
    for (const subscription of targets) this.deliver(subscription, eventId, event, data, createdAt)
  }

  /** `POST /webhooks/{id}/test`: a `webhook.test` event to that subscription alone, whatever its events. */
  test(subscription: WebhookSubscription): WebhookDelivery {
    return this.deliver(subscription, this.nextId("events", "evt_"), "webhook.test", { webhookId: subscription.id }, this.isoNow())
  }

  private deliver(subscription: WebhookSubscription, eventId: string, event: string, data: unknown, createdAt: string): WebhookDelivery {
    const id = this.nextId("deliveries", "dlv_")
    const body = JSON.stringify({ id: eventId, event, garageId: subscription.garageId, createdAt, data })
    const delivery: WebhookDelivery = {
      id,
      webhookId: subscription.id,
      garageId: subscription.garageId,
      eventId,
      event,
      status: "pending",
      attempts: [],
      createdAt: this.isoNow(),
      request: {
        url: subscription.url,
        headers: {
          "content-type": "application/json",
          "user-agent": "autoGMS-Webhooks/1.0 (simulator)",
          "x-autogms-event": event,
          "x-autogms-delivery": id,
          "x-autogms-signature": signatureOf(body, subscription.secret)
        },
        body
      }
    }
    this.deliveries.push(delivery)
    // After the API's answer has gone out, as a real webhook follows the write that caused it.
    this.schedule(delivery, 0)
    return delivery
  }

  private schedule(delivery: WebhookDelivery, delayMs: number): void {
    if (this.closed) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      void this.attempt(delivery)
    }, delayMs)
    this.timers.add(timer)
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    // A subscription deleted or paused since the event stops its retries.
    const subscription = this.subscriptions.get(delivery.webhookId)
    if (subscription === undefined || !subscription.active) {
      delivery.status = "failed"
      delivery.attempts.push({ at: this.isoNow(), status: null, error: "subscription removed or inactive" })
      return
    }
    const controller = new AbortController()
    this.requests.add(controller)
    const timeout = setTimeout(() => controller.abort(), this.timing.timeoutMs)
    let status: number | null = null
    let error: string | null = null
    const at = this.isoNow()
    try {
      // Never a redirect: the simulator posts to the subscribed URL and nowhere else.
      const response = await fetch(delivery.request.url, {
        method: "POST",
        headers: delivery.request.headers,
        body: delivery.request.body,
        redirect: "manual",
        signal: controller.signal
      })
      await response.arrayBuffer().catch(() => undefined)
      status = response.status
    } catch (cause) {
      error = describeFailure(cause)
    } finally {
      clearTimeout(timeout)
      this.requests.delete(controller)
    }
    if (this.closed) return
    delivery.attempts.push({ at, status, error })
    if (status !== null && status >= 200 && status < 300) {
      delivery.status = "delivered"
      return
    }
    const delay = this.timing.retryDelaysMs[delivery.attempts.length - 1]
    if (delay === undefined) delivery.status = "failed"
    else this.schedule(delivery, delay)
  }

  private cancelPending(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const controller of this.requests) controller.abort()
    this.requests.clear()
  }

  /** No retry outlives the simulator. */
  close(): void {
    this.closed = true
    this.cancelPending()
  }
}
