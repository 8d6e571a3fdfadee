import { Effect, ParseResult, Schema } from "effect"
import { DecodeError } from "./errors.js"
import { currentHttpLog, loggableBody } from "./log.js"
import type { HttpResponse } from "./transport.js"

export interface RequestLabel {
  readonly method: string
  readonly path: string
  /** Which API, for the log line. */
  readonly api: string
}

/** "results.content[3].customerId" from an issue path. */
export const formatIssuePath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`
    const name = String(key)
    return acc.length === 0 ? name : `${acc}.${name}`
  }, "")

export const toDecodeError = (label: RequestLabel, error: ParseResult.ParseError): DecodeError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const failedPath = first === undefined ? "" : formatIssuePath(first.path)
  const message = issues
    .slice(0, 5)
    .map((i) => `${formatIssuePath(i.path) || "(root)"}: ${i.message}`)
    .join("; ")
  return new DecodeError({ method: label.method, path: label.path, failedPath, message: issues.length > 5 ? `${message}; …${issues.length - 5} more` : message })
}

/**
 * Decodes a response body with its wire schema, reporting every issue; unknown fields are ignored (the APIs add fields
 * without notice). A failure logs the raw body, with credentials redacted, and fails with the first failing path.
 */
export const decodeResponse = <A, I>(schema: Schema.Schema<A, I, never>, label: RequestLabel, response: HttpResponse): Effect.Effect<A, DecodeError> =>
  Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "ignore" })(response.body).pipe(
    Effect.catchAll((error) => {
      const decodeError = toDecodeError(label, error)
      return currentHttpLog.pipe(
        Effect.flatMap((log) =>
          log.warn("decode_failed", {
            api: label.api,
            method: label.method,
            path: label.path,
            status: response.status,
            failedPath: decodeError.failedPath,
            issues: decodeError.message,
            body: loggableBody(response.body, response.text)
          })
        ),
        Effect.zipRight(Effect.fail(decodeError))
      )
    })
  )
