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
}

export const noFaults: FaultConfig = {
  seed: 1,
  serverErrorRate: 0,
  resetRate: 0,
  lostResponseRate: 0,
  lostAs: "mixed",
  latencyMs: 0
}

export type FaultBefore = "none" | "server-error" | "reset"
export type FaultAfter = "none" | "lost-reset" | "lost-502"

export class FaultInjector {
  private rng: Rng
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

  /** Decided before the handler runs. */
  before(): FaultBefore {
    if (this.rng.chance(this.config.resetRate)) return "reset"
    if (this.rng.chance(this.config.serverErrorRate)) return "server-error"
    return "none"
  }

  /** Decided after a successful write was applied. */
  afterWrite(): FaultAfter {
    if (!this.rng.chance(this.config.lostResponseRate)) return "none"
    switch (this.config.lostAs) {
      case "reset":
        return "lost-reset"
      case "502":
        return "lost-502"
      case "mixed":
        return this.rng.chance(0.5) ? "lost-reset" : "lost-502"
    }
  }
}
