import { Clock, Effect, Redacted } from "effect"
import { decodeResponse } from "../../http/decode.js"
import { HttpStatusError, type DecodeError, type TimeoutError, type TransportError } from "../../http/errors.js"
import { currentHttpLog } from "../../http/log.js"
import type { Requester } from "../../http/requester.js"
import type { HttpRequest } from "../../http/transport.js"
import { AutoleapAuthError, autoleapErrorMessage } from "./errors.js"
import { AutoleapTokenResponse } from "./schema.js"

/** A token pair and when we consider each part dead. Tokens are opaque (the contract says not to read the JWT). */
export interface AutoleapTokens {
  readonly accessToken: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string>
  readonly accessRefreshAt: number
  readonly refreshUsableUntil: number
  /** Bumped on every new pair, so a 401 can tell "my token is stale" from "someone already replaced it". */
  readonly generation: number
}

export interface AutoleapAuthOptions {
  readonly baseUrl: string
  readonly partnerId: string
  readonly authKey: Redacted.Redacted<string>
  /** The API documents 1 hour; the simulator lets tests shorten it. */
  readonly accessTokenTtlMs: number
  /** The API documents 3 hours. */
  readonly refreshTokenTtlMs: number
  readonly timeoutMs: number
  readonly requester: Requester
}

export type AuthFailure = AutoleapAuthError | HttpStatusError | TransportError | TimeoutError | DecodeError

export interface AutoleapAuth {
  /** A usable token pair: logs in the first time, refreshes ahead of expiry, logs in again when the refresh token is dead. */
  readonly current: Effect.Effect<AutoleapTokens, AuthFailure>
  /** After a 401 with `generation`: a new pair, unless another fiber already replaced that one. */
  readonly renewAfter401: (generation: number) => Effect.Effect<AutoleapTokens, AuthFailure>
  /** Ends the session on the server (best effort) and forgets the tokens. */
  readonly logout: Effect.Effect<void, AuthFailure>
}

/** Renew this long before the access token's end: the docs suggest ~55 min for a 1 h token; a tenth for short test tokens. */
export const renewalLeadMs = (ttlMs: number): number => Math.min(5 * 60_000, Math.floor(ttlMs / 10))

export const makeAutoleapAuth = (options: AutoleapAuthOptions): Effect.Effect<AutoleapAuth> =>
  Effect.gen(function* () {
    const lock = yield* Effect.makeSemaphore(1)
    let tokens: AutoleapTokens | undefined
    let generation = 0
    const { requester } = options
    const url = (path: string) => new URL(`${options.baseUrl}${path}`)
    const label = (path: string) => ({ api: "autoleap", method: "POST", path: new URL(`${options.baseUrl}${path}`).pathname })

    const adopt = (data: { accessToken: string; refreshToken: string }, at: number): AutoleapTokens => {
      generation++
      tokens = {
        accessToken: Redacted.make(data.accessToken),
        refreshToken: Redacted.make(data.refreshToken),
        accessRefreshAt: at + options.accessTokenTtlMs - renewalLeadMs(options.accessTokenTtlMs),
        refreshUsableUntil: at + options.refreshTokenTtlMs - renewalLeadMs(options.refreshTokenTtlMs),
        generation
      }
      return tokens
    }

    const post = (path: string, json: unknown, headers?: Record<string, string>): HttpRequest => ({
      method: "POST",
      url: url(path),
      json,
      timeoutMs: options.timeoutMs,
      ...(headers === undefined ? {} : { headers })
    })

    // One attempt: a login happens on behalf of a data request, whose own retry policy tries again (a login that
    // retried on its own would multiply that request's attempts). A 401 or 403 is a refusal of the credentials.
    const login: Effect.Effect<AutoleapTokens, AuthFailure> = Effect.gen(function* () {
      const at = yield* Clock.currentTimeMillis
      const body = { partnerId: options.partnerId, authKey: Redacted.value(options.authKey) }
      const response = yield* requester.attempt(post("/partners/login", body)).pipe(
        Effect.catchIf(
          (e): e is HttpStatusError => e instanceof HttpStatusError && (e.status === 401 || e.status === 403),
          (e) => Effect.fail(new AutoleapAuthError({ status: e.status, message: autoleapErrorMessage(e.body, e.status) }))
        )
      )
      const decoded = yield* decodeResponse(AutoleapTokenResponse, label("/partners/login"), response)
      yield* Effect.flatMap(currentHttpLog, (log) => log.info("autoleap_login", { generation: generation + 1 }))
      return adopt(decoded.data, at)
    })

    // A refresh token works once; if the answer is lost we cannot know whether it was used. One attempt, then a full login.
    const refresh = (current: AutoleapTokens): Effect.Effect<AutoleapTokens, AuthFailure> =>
      Effect.gen(function* () {
        const at = yield* Clock.currentTimeMillis
        if (at >= current.refreshUsableUntil) return yield* login
        const attempt = requester
          .attempt(post("/partners/generateNewAccessToken", { refreshToken: Redacted.value(current.refreshToken) }))
          .pipe(Effect.flatMap((response) => decodeResponse(AutoleapTokenResponse, label("/partners/generateNewAccessToken"), response)))
        const renewed = yield* Effect.either(attempt)
        if (renewed._tag === "Right") {
          yield* Effect.flatMap(currentHttpLog, (log) => log.info("autoleap_token_refreshed", { generation: generation + 1 }))
          return adopt(renewed.right.data, at)
        }
        yield* Effect.flatMap(currentHttpLog, (log) => log.info("autoleap_refresh_failed_relogin", { error: renewed.left._tag }))
        return yield* login
      })

    const current: Effect.Effect<AutoleapTokens, AuthFailure> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const t = tokens
      if (t !== undefined && now < t.accessRefreshAt) return Effect.succeed(t)
      return lock.withPermits(1)(
        Effect.flatMap(Clock.currentTimeMillis, (now2) => {
          const t2 = tokens
          if (t2 === undefined) return login
          if (now2 < t2.accessRefreshAt) return Effect.succeed(t2)
          return refresh(t2)
        })
      )
    })

    const renewAfter401 = (stale: number): Effect.Effect<AutoleapTokens, AuthFailure> =>
      lock.withPermits(1)(
        Effect.suspend(() => {
          const t = tokens
          if (t === undefined) return login
          if (t.generation !== stale) return Effect.succeed(t)
          return refresh(t)
        })
      )

    const logout: Effect.Effect<void, AuthFailure> = lock.withPermits(1)(
      Effect.suspend(() => {
        const t = tokens
        if (t === undefined) return Effect.void
        tokens = undefined
        const req = post("/partners/logout", { refreshToken: Redacted.value(t.refreshToken) }, { authorization: `Bearer ${Redacted.value(t.accessToken)}` })
        return requester.retryWrite(requester.attempt(req), "POST /partners/logout").pipe(
          // A session that is already dead is logged out as far as we are concerned.
          Effect.catchIf((e) => e instanceof HttpStatusError && e.status === 401, () => Effect.void),
          Effect.asVoid
        )
      })
    )

    return { current, renewAfter401, logout }
  })
