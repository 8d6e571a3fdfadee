import { makeRng, type Rng } from "./rng.js"

/**
 * Fault injection for the simulators. Rates are probabilities per request (0..1); the same seed gives the same faults
 * for the same sequence of requests, so a failing test can be replayed.
 */
export interface FaultConfig {
  readonly seed: number
  /** A 5xx before the request is handled: nothing is applied. */
  readonly serverErrorRate: number
  /** The connection is destroyed before the request is handled: nothing is applied. */
  readonly resetRate: number
  /** Writes only: the write IS applied, then the response is lost (connection cut, or a 502 when `lostAs` says so). */
  readonly lostResponseRate: number
  readonly lostAs: "reset" | "502" | "mixed"
  /** Added to every response, in milliseconds. */
  readonly latencyMs: number
  /** An occasional slow answer: the request is handled (a write applied), then its response waits. */
  readonly latencySpikeRate: number
  /** The longest spike; each one lasts between half of it and all of it. */
  readonly latencySpikeMs: number
  /**
   * Simulators with bearer tokens only (AutoLeap): the access token a request carries expires before the request is
   * handled (a 401, nothing applied), as a token does when its lifetime ends mid-run. Only a token that has already
   * been accepted once can expire this way: a freshly issued one always works, as it would in production.
   */
  readonly tokenExpiryRate: number
}

export const noFaults: FaultConfig = {
  seed: 1,
  serverErrorRate: 0,
  resetRate: 0,
  lostResponseRate: 0,
  lostAs: "mixed",
  latencyMs: 0,
  latencySpikeRate: 0,
  latencySpikeMs: 0,
  tokenExpiryRate: 0
}

export type FaultBefore = "none" | "server-error" | "reset"
export type FaultAfter = "none" | "lost-reset" | "lost-502"

/** Every kind of fault a simulator can inject, as counted by `FaultInjector.injected`. */
export const FAULT_KINDS = ["server-error", "reset", "lost-reset", "lost-502", "latency-spike", "token-expiry"] as const
export type FaultKind = (typeof FAULT_KINDS)[number]
export type FaultCounts = Readonly<Record<FaultKind, number>>

const zeroCounts = (): Record<FaultKind, number> => Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>

export class FaultInjector {
  private rng: Rng
  private counts = zeroCounts()
  constructor(private config: FaultConfig = noFaults) {
    this.rng = makeRng(config.seed)
  }

  get current(): FaultConfig {
    return this.config
  }

  configure(patch: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...patch }
    if (patch.seed !== undefined) this.rng = makeRng(patch.seed)
  }

  /** How many faults of each kind were injected since the simulator started (or `resetInjected`). */
  injected(): FaultCounts {
    return { ...this.counts }
  }

  resetInjected(): void {
    this.counts = zeroCounts()
  }

  private count<K extends FaultKind>(kind: K): K {
    this.counts[kind]++
    return kind
  }

  /** Decided before the handler runs. */
  before(): FaultBefore {
    if (this.rng.chance(this.config.resetRate)) return this.count("reset")
    if (this.rng.chance(this.config.serverErrorRate)) return this.count("server-error")
    return "none"
  }

  /** Decided after a successful write was applied. */
  afterWrite(): FaultAfter {
    if (!this.rng.chance(this.config.lostResponseRate)) return "none"
    switch (this.config.lostAs) {
      case "reset":
        return this.count("lost-reset")
      case "502":
        return this.count("lost-502")
      case "mixed":
        return this.count(this.rng.chance(0.5) ? "lost-reset" : "lost-502")
    }
  }

  /** How long this request's answer is held back, in milliseconds (0: no spike). */
  spike(): number {
    if (this.config.latencySpikeMs <= 0 || !this.rng.chance(this.config.latencySpikeRate)) return 0
    this.count("latency-spike")
    return Math.round(this.config.latencySpikeMs * (0.5 + this.rng.next() / 2))
  }

  /** Whether the (already used) access token of this request expires now. */
  expireToken(): boolean {
    if (!this.rng.chance(this.config.tokenExpiryRate)) return false
    this.count("token-expiry")
    return true
  }
}
