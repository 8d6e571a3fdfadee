import { Context, Effect, Layer } from "effect"
import { pino, type Logger } from "pino"

/**
 * Where the HTTP layer and the API clients write what a person debugging a run needs (failed decodes with the raw body,
 * token refreshes, retries). Everything passes through `redactSecrets` first; pino's own redaction is the second net.
 */
export interface HttpLogger {
  readonly warn: (event: string, fields: Readonly<Record<string, unknown>>) => Effect.Effect<void>
  readonly info: (event: string, fields: Readonly<Record<string, unknown>>) => Effect.Effect<void>
}

export class HttpLog extends Context.Tag("shopbridge/HttpLog")<HttpLog, HttpLogger>() {}

const secretKey = /token|authkey|api[-_]?key|authorization|password|secret/i

/** Keys that hold credentials, in any JSON the APIs send or we send. */
export const isSecretKey = (key: string): boolean => secretKey.test(key)

/** A deep copy with every credential-looking value replaced, so a raw response body is safe to log. */
export const redactSecrets = (value: unknown, depth = 0): unknown => {
  if (depth > 20) return "[deep]"
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1))
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? "[redacted]" : redactSecrets(v, depth + 1)
    return out
  }
  return value
}

/** At most `max` characters of a body for a log line; bodies of a 100-record page can be large. */
export const truncate = (text: string, max = 4_000): string => (text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`)

/** A raw body as it may be logged: parsed and redacted when it is JSON, else truncated text with token-like runs masked. */
export const loggableBody = (body: unknown, text: string): string => {
  if (typeof body === "object" && body !== null) return truncate(JSON.stringify(redactSecrets(body)))
  return truncate(text.replace(/(bearer\s+)\S+/gi, "$1[redacted]").replace(/agms_pk_\w+/g, "agms_pk_[redacted]"))
}

/** pino paths that must never be printed, whatever a caller passes in. */
export const redactPaths: ReadonlyArray<string> = [
  "authorization",
  "headers.authorization",
  "*.authorization",
  "headers['x-api-key']",
  "*['x-api-key']",
  "accessToken",
  "refreshToken",
  "*.accessToken",
  "*.refreshToken",
  "authKey",
  "*.authKey",
  "apiKey",
  "*.apiKey"
]

export const makeRedactingLogger = (options: { readonly level?: string; readonly destination?: NodeJS.WritableStream } = {}): Logger =>
  pino(
    { level: options.level ?? "info", redact: { paths: [...redactPaths], censor: "[redacted]" }, base: undefined },
    options.destination as pino.DestinationStream | undefined
  )

export const fromPino = (logger: Logger): HttpLogger => ({
  warn: (event, fields) => Effect.sync(() => logger.warn({ event, ...(redactSecrets(fields) as object) }, event)),
  info: (event, fields) => Effect.sync(() => logger.info({ event, ...(redactSecrets(fields) as object) }, event))
})

export const silent: HttpLogger = { warn: () => Effect.void, info: () => Effect.void }

export const layerPino = (logger: Logger): Layer.Layer<HttpLog> => Layer.succeed(HttpLog, fromPino(logger))
export const layerSilent: Layer.Layer<HttpLog> = Layer.succeed(HttpLog, silent)

/** Clients use the provided logger when there is one, and say nothing otherwise. */
export const currentHttpLog: Effect.Effect<HttpLogger> = Effect.serviceOption(HttpLog).pipe(
  Effect.map((o) => (o._tag === "Some" ? o.value : silent))
)
