// Every benchmark's figures go to one file per day, runs/bench/<YYYY-MM-DD>.json, keyed by benchmark and then by a
// name the benchmark chooses (a size, a direction): each benchmark runs in a process of its own, so entries merge
// into what is already there instead of replacing it.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..")

/** Merges `figures` under `bench` → `key` in today's file and returns the file's path. */
export const recordBenchResult = (bench, key, figures) => {
  const date = new Date().toISOString().slice(0, 10)
  const file = join(repoRoot, "runs", "bench", `${date}.json`)
  mkdirSync(dirname(file), { recursive: true })
  const all = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {}
  all[bench] = { ...all[bench], [key]: { measuredAt: new Date().toISOString(), node: process.version, ...figures } }
  // Written aside and renamed: a benchmark killed mid-write must not leave the day's figures unreadable.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(all, null, 2)}\n`)
  renameSync(`${file}.tmp`, file)
  return file
}
