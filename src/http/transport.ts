import { Context, Duration, Effect, Layer } from "effect"
import { Agent, Pool, request, type Dispatcher } from "undici"
import { TimeoutError, TransportError, type TransportFailure } from "./errors.js"

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

export interface HttpRequest {
  readonly method: HttpMethod
  readonly url: URL
  readonly headers?: Readonly<Record<string, string>>
  /** Serialised as JSON when present. */
  readonly json?: unknown
  readonly timeoutMs: number
}

export interface HttpResponse {
  readonly status: number
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>
  /** Parsed JSON; the raw text when the body is not JSON; undefined when empty. */
  readonly body: unknown
  /** The raw body, for logging a failed decode (after redaction). */
  readonly text: string
}

/** Sends one request and reads the whole answer. No retry, no pacing, no status handling: those belong to the callers. */
export class HttpTransport extends Context.Tag("shopbridge/HttpTransport")<
  HttpTransport,
  { readonly send: (req: HttpRequest) => Effect.Effect<HttpResponse, TransportFailure> }
>() {}

export interface PoolOptions {
  /** Connections per origin. */
  readonly connections?: number
  readonly keepAliveTimeoutMs?: number
}

// undici proves these never reached the server, so even a write that failed this way was not applied.
const notSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH"])
const timeoutCodes = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"])

const errorCode = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code
    if (typeof code === "string") return code
    const cause = (error as { cause?: unknown }).cause
    if (cause !== undefined && cause !== error) return errorCode(cause)
  }
  return "UNKNOWN"
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))

const flattenHeaders = (headers: Record<string, string | Array<string> | undefined>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

export const parseBody = (text: string): unknown => {
  if (text.trim().length === 0) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** A transport over any undici dispatcher: a pooled Agent in production, a MockAgent in tests. */
export const makeTransport = (dispatcher: Dispatcher): HttpTransport["Type"] => ({
  send: (req) => {
    const path = req.url.pathname
    const headers: Record<string, string> = { accept: "application/json", ...req.headers }
    let body: string | undefined
    if (req.json !== undefined) {
      body = JSON.stringify(req.json)
      headers["content-type"] = "application/json"
    }
    const attempt = Effect.tryPromise({
      try: async (signal) => {
        const res = await request(req.url, {
          dispatcher,
          method: req.method,
          headers,
          body,
          signal,
          // Backstops only: the Effect timeout below is the one that fires (and aborts through the signal).
          headersTimeout: req.timeoutMs + 1_000,
          bodyTimeout: req.timeoutMs + 1_000
        })
        const text = await res.body.text()
        return { status: res.statusCode, headers: flattenHeaders(res.headers), body: parseBody(text), text }
      },
      catch: (error): TransportFailure => {
        const code = errorCode(error)
        if (timeoutCodes.has(code)) return new TimeoutError({ method: req.method, path, timeoutMs: req.timeoutMs })
        return new TransportError({ method: req.method, path, code, message: errorMessage(error), sent: !notSentCodes.has(code) })
      }
    })
    return attempt.pipe(
      Effect.timeoutFail({
        duration: Duration.millis(req.timeoutMs),
        onTimeout: () => new TimeoutError({ method: req.method, path, timeoutMs: req.timeoutMs })
      })
    )
  }
})

/** One keep-alive pool per origin (undici Agent with a Pool factory), closed when the layer's scope ends. */
export const makePooledDispatcher = (options: PoolOptions = {}): Agent =>
  new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    factory: (origin, opts) => new Pool(origin, { ...opts, connections: options.connections ?? 16, keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000 })
  })

export const layer = (options: PoolOptions = {}): Layer.Layer<HttpTransport> =>
  Layer.scoped(
    HttpTransport,
    Effect.acquireRelease(
      Effect.sync(() => makePooledDispatcher(options)),
      (agent) => Effect.promise(() => agent.close().catch(() => undefined))
    ).pipe(Effect.map(makeTransport))
  )

/** For tests: a MockAgent (or any dispatcher the test owns and closes). */
export const layerDispatcher = (dispatcher: Dispatcher): Layer.Layer<HttpTransport> =>
  Layer.succeed(HttpTransport, makeTransport(dispatcher))
