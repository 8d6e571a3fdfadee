import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { FaultInjector } from "./faults.js"
import { RequestLog } from "./requestLog.js"

/** One parsed request as a simulator handler sees it. */
export interface SimRequest {
  readonly method: string
  /** Path below the simulator's base path, e.g. "/customers/42". */
  readonly path: string
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  readonly headers: http.IncomingHttpHeaders
  /** Parsed JSON body; `undefined` when there was none. */
  readonly body: unknown
}

export interface SimResponse {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

export interface Route {
  readonly method: string
  /** e.g. "/garages/:garageId/customers/:customerId"; segments starting with ":" capture. */
  readonly pattern: string
  readonly handler: (req: SimRequest) => SimResponse
}

export interface JsonServerOptions {
  /** e.g. "/v2" or "/api/v1"; API routes live below it. */
  readonly basePath: string
  readonly routes: ReadonlyArray<Route>
  /** Test hooks under "/__sim": no faults, not logged, not rate limited. */
  readonly hooks: ReadonlyArray<Route>
  readonly faults: FaultInjector
  readonly log: RequestLog
  readonly now: () => number
  /** The API's answer to a body that is not JSON. */
  readonly badJson: () => SimResponse
  readonly notFound: (method: string, path: string) => SimResponse
  readonly serverError: () => SimResponse
}

interface CompiledRoute extends Route {
  readonly segments: ReadonlyArray<string>
  readonly endpoint: string
}

const compile = (route: Route): CompiledRoute => ({
  ...route,
  segments: route.pattern.split("/").filter((s) => s.length > 0),
  endpoint: `${route.method} ${route.pattern}`
})

const match = (
  routes: ReadonlyArray<CompiledRoute>,
  method: string,
  path: string
): { route: CompiledRoute; params: Record<string, string> } | undefined => {
  const parts = path.split("/").filter((s) => s.length > 0)
  // Literal segments win over captures ("/vehicles/vin-lookup" before "/vehicles/:id"): try routes with fewer captures first.
  const candidates = routes
    .filter((r) => r.method === method && r.segments.length === parts.length)
    .sort((a, b) => a.segments.filter((s) => s.startsWith(":")).length - b.segments.filter((s) => s.startsWith(":")).length)
  for (const route of candidates) {
    const params: Record<string, string> = {}
    const ok = route.segments.every((seg, i) => {
      if (seg.startsWith(":")) {
        params[seg.slice(1)] = decodeURIComponent(parts[i]!)
        return true
      }
      return seg === parts[i]
    })
    if (ok) return { route, params }
  }
  return undefined
}

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

const send = (res: http.ServerResponse, response: SimResponse): void => {
  const body = response.body === undefined ? "" : JSON.stringify(response.body)
  res.writeHead(response.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...response.headers
  })
  res.end(body)
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export interface RunningServer {
  readonly server: http.Server
  readonly port: number
  /** e.g. "http://127.0.0.1:41234/v2" */
  readonly baseUrl: string
  readonly close: () => Promise<void>
}

/**
 * A small JSON HTTP server shared by both simulators: routing, JSON bodies, fault injection and request logging.
 * Everything API-specific (auth, rate limits, envelopes) lives in the route handlers.
 */
export const startJsonServer = async (
  options: JsonServerOptions,
  listen: { readonly host?: string; readonly port?: number } = {}
): Promise<RunningServer> => {
  const routes = options.routes.map(compile)
  const hooks = options.hooks.map(compile)
  const host = listen.host ?? "127.0.0.1"

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", `http://${host}`)
    const method = (req.method ?? "GET").toUpperCase()
    const raw = await readBody(req)
    let body: unknown = undefined
    let badJson = false
    if (raw.trim().length > 0) {
      try {
        body = JSON.parse(raw)
      } catch {
        badJson = true
      }
    }

    // The simulator's own clock, as a real server's `Date` is its own (Node would send the machine's time): a test
    // that moves the simulator's clock moves what its answers say the time is.
    res.setHeader("date", new Date(options.now()).toUTCString())

    if (url.pathname.startsWith("/__sim/") || url.pathname === "/__sim") {
      const hit = match(hooks, method, url.pathname.slice("/__sim".length) || "/")
      if (hit === undefined) return send(res, { status: 404, body: { error: `no sim hook ${method} ${url.pathname}` } })
      if (badJson) return send(res, { status: 400, body: { error: "body is not JSON" } })
      return send(res, hit.route.handler({ method, path: url.pathname, params: hit.params, query: url.searchParams, headers: req.headers, body }))
    }

    const faults = options.faults.current
    if (faults.latencyMs > 0) await sleep(faults.latencyMs)
    const at = options.now()

    const path = url.pathname.startsWith(options.basePath) ? url.pathname.slice(options.basePath.length) || "/" : undefined
    const hit = path === undefined ? undefined : match(routes, method, path)
    const endpoint = hit?.route.endpoint ?? `${method} (unknown)`

    const before = options.faults.before()
    if (before === "reset") {
      options.log.record({ at, method, endpoint, status: 0 })
      req.socket.destroy()
      return
    }
    if (before === "server-error") {
      const response = options.serverError()
      options.log.record({ at, method, endpoint, status: response.status })
      return send(res, response)
    }

    let response: SimResponse
    if (hit === undefined) response = options.notFound(method, url.pathname)
    else if (badJson) response = options.badJson()
    else {
      try {
        response = hit.route.handler({ method, path: path!, params: hit.params, query: url.searchParams, headers: req.headers, body })
      } catch (error) {
        // A simulator bug must be visible in the test output, not a hung request.
        console.error("simulator handler failed", error)
        response = options.serverError()
      }
    }

    // Held back after the handler ran: a client that gives up on a slow write must still find it applied.
    const spikeMs = options.faults.spike()
    if (spikeMs > 0) await sleep(spikeMs)

    const isWrite = method !== "GET" && method !== "HEAD"
    if (isWrite && response.status >= 200 && response.status < 300) {
      const after = options.faults.afterWrite()
      if (after === "lost-reset") {
        options.log.record({ at, method, endpoint, status: 0 })
        req.socket.destroy()
        return
      }
      if (after === "lost-502") {
        options.log.record({ at, method, endpoint, status: 502 })
        return send(res, { status: 502, body: { error: "Bad Gateway" } })
      }
    }
    options.log.record({ at, method, endpoint, status: response.status })
    send(res, response)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error("simulator request failed", error)
      if (!res.headersSent) send(res, { status: 500, body: { error: "simulator failure" } })
    })
  })
  server.keepAliveTimeout = 5_000
  // A busy port must reject (so callers can say which port), not crash the process with an unhandled 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(listen.port ?? 0, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  return {
    server,
    port,
    baseUrl: `http://${host}:${port}${options.basePath}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
