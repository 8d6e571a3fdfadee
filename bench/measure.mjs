// Preloaded into the measured CLI process with NODE_OPTIONS="--import <this file>", so peak RSS and CPU come from the
// process itself (not a wrapper's, and not the simulators') without touching src/.
//
// Writes NDJSON to the file named by SCALE_MEASURE_FILE:
//   - a sample every SCALE_MEASURE_EVERY_MS (default 2000): a run killed by a timeout (no exit event) still leaves
//     how far RSS had climbed;
//   - one line with "final": true on exit, with the totals.
// Every figure is process-wide: maxRSS covers all threads, CPU is user + system.
import { appendFileSync } from "node:fs"

const file = process.env.SCALE_MEASURE_FILE
// NODE_OPTIONS is inherited by any node process the CLI itself might spawn; only the first one is measured.
delete process.env.SCALE_MEASURE_FILE

if (file !== undefined && file !== "") {
  const everyMs = Number(process.env.SCALE_MEASURE_EVERY_MS ?? 2000)

  const heapFigures = () => {
    const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage()
    return { heapUsedBytes: heapUsed, heapTotalBytes: heapTotal, externalBytes: external, arrayBuffersBytes: arrayBuffers }
  }
  const snapshot = () => {
    const usage = process.resourceUsage()
    return {
      // performance.now() counts from the process's time origin, so start-up (module loading) is included.
      wallMs: Math.round(performance.now()),
      rssBytes: process.memoryUsage.rss(),
      // Where RSS goes: V8's heap (used of total), and memory outside it (buffers, SQLite's and undici's native side).
      ...heapFigures(),
      // resourceUsage(): maxRSS in kilobytes, CPU times in microseconds.
      maxRssBytes: usage.maxRSS * 1024,
      cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000),
      userCpuMs: Math.round(usage.userCPUTime / 1000),
      systemCpuMs: Math.round(usage.systemCPUTime / 1000)
    }
  }
  const write = (record) => {
    try {
      appendFileSync(file, `${JSON.stringify(record)}\n`)
    } catch {
      // Measuring must never change how the measured run ends.
    }
  }

  // unref: the sampler must not keep the CLI alive once its own work is done.
  setInterval(() => write(snapshot()), everyMs).unref()
  process.on("exit", (code) => write({ final: true, exitCode: code, ...snapshot() }))
}
