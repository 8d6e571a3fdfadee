/** The simulators' fault injector: which faults it decides, that it counts each one, and that a seed replays them. */
import { describe, expect, it } from "vitest"
import { FaultInjector, noFaults, type FaultConfig } from "../../../src/sim/common/faults.js"

const injector = (patch: Partial<FaultConfig>) => new FaultInjector({ ...noFaults, ...patch })

/** Every decision for `n` requests, in the order the server asks for them. */
const decisions = (faults: FaultInjector, n: number) =>
  Array.from({ length: n }, () => ({ before: faults.before(), spike: faults.spike(), token: faults.expireToken(), after: faults.afterWrite() }))

describe("FaultInjector", () => {
  it("counts every fault it injects, by kind, and forgets the counts when asked", () => {
    const faults = injector({ resetRate: 1 })
    expect(faults.before()).toBe("reset")
    faults.configure({ resetRate: 0, serverErrorRate: 1, lostResponseRate: 1, lostAs: "502" })
    expect(faults.before()).toBe("server-error")
    expect(faults.afterWrite()).toBe("lost-502")
    faults.configure({ lostAs: "reset", latencySpikeRate: 1, latencySpikeMs: 400, tokenExpiryRate: 1 })
    expect(faults.afterWrite()).toBe("lost-reset")
    expect(faults.spike()).toBeGreaterThan(0)
    expect(faults.expireToken()).toBe(true)
    expect(faults.injected()).toEqual({ "server-error": 1, reset: 1, "lost-reset": 1, "lost-502": 1, "latency-spike": 1, "token-expiry": 1 })
    faults.resetInjected()
    expect(Object.values(faults.injected())).toEqual([0, 0, 0, 0, 0, 0])
  })

  it("a spike lasts between half the configured length and all of it; none without a length or a rate", () => {
    const faults = injector({ seed: 7, latencySpikeRate: 1, latencySpikeMs: 1_000 })
    const spikes = Array.from({ length: 200 }, () => faults.spike())
    expect(Math.min(...spikes)).toBeGreaterThanOrEqual(500)
    expect(Math.max(...spikes)).toBeLessThanOrEqual(1_000)
    expect(new Set(spikes).size).toBeGreaterThan(50)
    expect(injector({ latencySpikeRate: 1, latencySpikeMs: 0 }).spike()).toBe(0)
    expect(injector({ latencySpikeRate: 0, latencySpikeMs: 1_000 }).spike()).toBe(0)
  })

  it("injects each kind at about its rate", () => {
    const faults = injector({ seed: 11, serverErrorRate: 0.1, latencySpikeRate: 0.2, latencySpikeMs: 10, tokenExpiryRate: 0.05 })
    decisions(faults, 2_000)
    const counts = faults.injected()
    expect(counts["server-error"]).toBeGreaterThan(140)
    expect(counts["server-error"]).toBeLessThan(260)
    expect(counts["latency-spike"]).toBeGreaterThan(320)
    expect(counts["latency-spike"]).toBeLessThan(480)
    expect(counts["token-expiry"]).toBeGreaterThan(60)
    expect(counts["token-expiry"]).toBeLessThan(140)
    expect(counts.reset + counts["lost-reset"] + counts["lost-502"]).toBe(0)
  })

  it("replays the same faults for the same seed, and kinds left at rate 0 do not shift the others", () => {
    const mixed = { serverErrorRate: 0.2, resetRate: 0.1, lostResponseRate: 0.3, latencySpikeRate: 0.2, latencySpikeMs: 100, tokenExpiryRate: 0.1 }
    expect(decisions(injector({ seed: 5, ...mixed }), 100)).toEqual(decisions(injector({ seed: 5, ...mixed }), 100))
    // A simulator configured only with the older kinds sees exactly the faults it saw before spikes and expiry existed.
    const older = injector({ seed: 5, serverErrorRate: 0.2, resetRate: 0.1, lostResponseRate: 0.3 })
    const withNewAtZero = injector({ seed: 5, serverErrorRate: 0.2, resetRate: 0.1, lostResponseRate: 0.3, latencySpikeMs: 100 })
    const onlyOld = (faults: FaultInjector) => Array.from({ length: 100 }, () => [faults.before(), faults.spike(), faults.expireToken(), faults.afterWrite()])
    expect(onlyOld(withNewAtZero)).toEqual(onlyOld(older))
  })
})
