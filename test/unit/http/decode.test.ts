import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { MockAgent } from "undici"
import { Writable } from "node:stream"
import { decodeResponse } from "../../../src/http/decode.js"
import { HttpLog, layerPino, loggableBody, makeRedactingLogger, redactSecrets, type HttpLogger } from "../../../src/http/log.js"
import { HttpTransport, layerDispatcher } from "../../../src/http/transport.js"

const Token = Schema.Struct({ success: Schema.Literal(true), data: Schema.Struct({ accessToken: Schema.String, expiresIn: Schema.Number }) })

const capture = () => {
  const lines: Array<{ event: string; fields: Record<string, unknown> }> = []
  const logger: HttpLogger = {
    warn: (event, fields) => Effect.sync(() => void lines.push({ event, fields: { ...fields } })),
    info: () => Effect.void
  }
  return { lines, layer: Layer.succeed(HttpLog, logger) }
}

describe("decodeResponse", () => {
  it.effect("fails with the failing path and logs the raw body with credentials redacted", () => {
    const { lines, layer } = capture()
    const body = { success: true, data: { accessToken: "eyJsecret", refreshToken: "r-secret", expiresIn: "soon" } }
    return Effect.gen(function* () {
      const exit = yield* Effect.either(decodeResponse(Token, { api: "x", method: "POST", path: "/login" }, { status: 200, headers: {}, body, text: JSON.stringify(body) }))
      expect(exit).toMatchObject({ _tag: "Left", left: { _tag: "DecodeError", failedPath: "data.expiresIn" } })
      expect(lines).toHaveLength(1)
      const logged = String(lines[0]!.fields["body"])
      expect(logged).toContain("soon")
      expect(logged).not.toContain("eyJsecret")
      expect(logged).not.toContain("r-secret")
    }).pipe(Effect.provide(layer))
  })

  it("redacts token, key and authorization fields at any depth, and bearer tokens in text", () => {
    expect(redactSecrets({ a: [{ authKey: "k", x: 1 }], headers: { Authorization: "Bearer t", "x-api-key": "agms_pk_1" } })).toEqual({
      a: [{ authKey: "[redacted]", x: 1 }],
      headers: { Authorization: "[redacted]", "x-api-key": "[redacted]" }
    })
    expect(loggableBody("<html>Bearer abc.def agms_pk_live_123</html>", "<html>Bearer abc.def agms_pk_live_123</html>")).not.toMatch(/abc\.def|live_123/)
  })

  it("the pino logger redacts authorization and tokens even when a caller passes them", async () => {
    let out = ""
    const sink = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) })
    const logger = makeRedactingLogger({ destination: sink })
    logger.info({ headers: { authorization: "Bearer zzz", "x-api-key": "agms_pk_q" }, accessToken: "aaa" }, "x")
    await Effect.runPromise(Effect.flatMap(HttpLog, (l) => l.warn("e", { refreshToken: "rrr" })).pipe(Effect.provide(layerPino(logger))))
    expect(out).not.toMatch(/zzz|agms_pk_q|aaa|rrr/)
    expect(out).toContain("[redacted]")
  })
})

describe("HttpTransport", () => {
  it.live("times out a slow answer with TimeoutError", () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    agent.get("http://slow.test").intercept({ path: "/x" }).reply(200, "{}").delay(2_000)
    return Effect.gen(function* () {
      const t = yield* HttpTransport
      const exit = yield* Effect.either(t.send({ method: "GET", url: new URL("http://slow.test/x"), timeoutMs: 50 }))
      expect(exit).toMatchObject({ _tag: "Left", left: { _tag: "TimeoutError", timeoutMs: 50 } })
    }).pipe(Effect.provide(layerDispatcher(agent)))
  })
})
