import { Effect, Fiber, TestClock, type Duration } from "effect"
import { MockAgent } from "undici"

/** What a scripted fake API sees of one request. */
export interface SeenRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: Record<string, string>
  readonly body: unknown
}

export type FakeReply = { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> } | "reset" | "refused"

/**
 * A MockAgent (network disabled) whose every request to `origin` goes to `handler`, so a test scripts an API as a
 * small function and then reads back exactly what the client sent.
 */
export const fakeApi = (origin: string, handler: (req: SeenRequest, index: number) => FakeReply) => {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const seen: Array<SeenRequest> = []
  agent
    .get(origin)
    .intercept({ path: () => true, method: () => true })
    .reply((opts) => {
      const url = new URL(opts.path, origin)
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries((opts.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = String(v)
      const raw = typeof opts.body === "string" ? opts.body : undefined
      const req: SeenRequest = { method: opts.method, path: url.pathname, query: url.searchParams, headers, body: raw === undefined ? undefined : JSON.parse(raw) }
      seen.push(req)
      const reply = handler(req, seen.length - 1)
      if (reply === "reset" || reply === "refused") {
        const error = new Error(reply === "reset" ? "other side closed" : "connect ECONNREFUSED") as Error & { code: string }
        error.code = reply === "reset" ? "UND_ERR_SOCKET" : "ECONNREFUSED"
        throw error
      }
      return {
        statusCode: reply.status,
        data: reply.body === undefined ? "" : JSON.stringify(reply.body),
        responseOptions: { headers: { "content-type": "application/json", ...reply.headers } }
      }
    })
    .persist()
  return { agent, seen }
}

/**
 * Runs `effect` under TestClock, moving the clock forward by `step` whenever the fiber is waiting, until it ends. Real
 * I/O (MockAgent) happens in between, so the clock only moves while the fiber sleeps.
 */
export const runWithClock = <A, E>(effect: Effect.Effect<A, E>, step: Duration.DurationInput = "100 millis") =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < 100_000; i++) {
      const done = yield* Fiber.poll(fiber)
      if (done._tag === "Some") break
      yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
      const sleeping = yield* TestClock.sleeps()
      if (sleeping.length > 0) yield* TestClock.adjust(step)
    }
    return yield* Fiber.join(fiber)
  })
