import { randomBytes } from "node:crypto"
import { AutoleapHttpError } from "./errors.js"

interface IssuedToken {
  readonly partnerId: string
  expiresAt: number
  /** Requests it was accepted for. */
  uses: number
}

export interface TokenPair {
  readonly accessToken: string
  readonly refreshToken: string
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString("base64url")

/** JWT-looking (three base64url parts) but opaque: the simulator only ever looks tokens up. */
const jwtLike = (partnerId: string, kind: "access" | "refresh", issuedAt: number, expiresAt: number): string => {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))
  const payload = base64url(
    JSON.stringify({ sub: partnerId, typ: kind, iat: Math.floor(issuedAt / 1000), exp: Math.floor(expiresAt / 1000), jti: randomBytes(8).toString("hex") })
  )
  return `${header}.${payload}.${base64url(randomBytes(32))}`
}

/**
 * Access and refresh tokens. A refresh token works once (rotation); logout kills both tokens it is given.
 * An access token stays valid until it expires even after a refresh, as a stateless JWT would.
 */
export class TokenIssuer {
  private access = new Map<string, IssuedToken>()
  private refresh = new Map<string, IssuedToken>()

  constructor(
    private readonly now: () => number,
    private readonly ttl: () => { readonly accessMs: number; readonly refreshMs: number }
  ) {}

  issue(partnerId: string): TokenPair {
    const at = this.now()
    const { accessMs, refreshMs } = this.ttl()
    const accessToken = jwtLike(partnerId, "access", at, at + accessMs)
    const refreshToken = jwtLike(partnerId, "refresh", at, at + refreshMs)
    this.access.set(accessToken, { partnerId, expiresAt: at + accessMs, uses: 0 })
    this.refresh.set(refreshToken, { partnerId, expiresAt: at + refreshMs, uses: 0 })
    return { accessToken, refreshToken }
  }

  /** Spends a refresh token and returns a new pair. */
  rotate(refreshToken: string): TokenPair {
    const issued = this.refresh.get(refreshToken)
    if (issued === undefined) throw new AutoleapHttpError(401, "Invalid refresh token")
    this.refresh.delete(refreshToken)
    if (this.now() >= issued.expiresAt) throw new AutoleapHttpError(401, "Refresh token expired")
    return this.issue(issued.partnerId)
  }

  /** The partner behind an `Authorization: Bearer` header, or a 401. */
  authenticate(authorization: string | undefined): string {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")
    if (match === null) throw new AutoleapHttpError(401, "Missing or malformed Authorization header")
    const issued = this.access.get(match[1]!)
    if (issued === undefined) throw new AutoleapHttpError(401, "Invalid access token")
    if (this.now() >= issued.expiresAt) {
      this.access.delete(match[1]!)
      throw new AutoleapHttpError(401, "Access token expired")
    }
    issued.uses++
    return issued.partnerId
  }

  /** Whether this access token has been accepted for a request already. */
  usedBefore(accessToken: string): boolean {
    return (this.access.get(accessToken)?.uses ?? 0) > 0
  }

  /** Ends an access token's lifetime now (a fault): the next request with it gets "Access token expired". */
  expire(accessToken: string): void {
    const issued = this.access.get(accessToken)
    if (issued !== undefined) issued.expiresAt = Math.min(issued.expiresAt, this.now())
  }

  bearerToken(authorization: string | undefined): string | undefined {
    return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1]
  }

  revoke(accessToken: string, refreshToken: string, partnerId: string): void {
    this.access.delete(accessToken)
    if (this.refresh.get(refreshToken)?.partnerId === partnerId) this.refresh.delete(refreshToken)
  }
}
