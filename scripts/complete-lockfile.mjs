#!/usr/bin/env node
// npm 11 on this machine writes a package-lock.json without the other platforms' optional native packages (rollup's,
// msgpackr-extract's), and `npm ci` then refuses the lock as out of sync (npm/cli#4828). This adds each missing entry
// from the registry (version, integrity, os, cpu), so `npm ci` installs the same tree on every machine. Where the
// registry this machine reaches does not carry that platform's build, the platform is read from the package's name
// (`…-linux-arm64-musl`): npm never fetches a package whose os/cpu/libc do not match the machine, it only needs the entry.
// Run after any `npm install` that changes the lock:  node scripts/complete-lockfile.mjs
import { execFileSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"

const lockPath = new URL("../package-lock.json", import.meta.url)
const lock = JSON.parse(readFileSync(lockPath, "utf8"))
const packages = lock.packages

const view = (spec) => {
  try {
    const out = execFileSync("npm", ["view", spec, "version", "dist.integrity", "os", "cpu", "libc", "--json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"]
    })
    return JSON.parse(out)
  } catch {
    return undefined
  }
}

const OSES = ["android", "darwin", "freebsd", "linux", "netbsd", "openbsd", "openharmony", "sunos", "win32", "aix"]
const CPUS = ["arm", "arm64", "ia32", "loong64", "mips64el", "ppc64", "riscv64", "s390x", "x64"]

/** `@rollup/rollup-linux-arm64-musl` → { os: ["linux"], cpu: ["arm64"], libc: ["musl"] } */
const platformFromName = (name) => {
  const parts = name.split("/").pop().split("-")
  const at = parts.findIndex((p) => OSES.includes(p))
  if (at < 0 || !CPUS.includes(parts[at + 1])) throw new Error(`cannot tell the platform of ${name}`)
  const rest = parts.slice(at + 2).join("-")
  const libc = rest.includes("musl") ? ["musl"] : rest.includes("gnu") && parts[at] === "linux" ? ["glibc"] : undefined
  return { os: [parts[at]], cpu: [parts[at + 1]], ...(libc ? { libc } : {}) }
}

let added = 0
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    // Hoisted next to its parent's folder, as npm would place it.
    const parentDir = path.slice(0, path.lastIndexOf("node_modules/"))
    const target = `${parentDir}node_modules/${name}`
    if (packages[target] !== undefined || packages[`${path}/node_modules/${name}`] !== undefined) continue
    const info = view(`${name}@${range}`)
    const manifest = Array.isArray(info) ? info[info.length - 1] : info
    packages[target] =
      manifest === undefined
        ? { version: range, ...platformFromName(name), optional: true }
        : {
            version: manifest.version,
            integrity: manifest["dist.integrity"],
            ...(manifest.cpu ? { cpu: [manifest.cpu].flat() } : {}),
            ...(manifest.os ? { os: [manifest.os].flat() } : {}),
            ...(manifest.libc ? { libc: [manifest.libc].flat() } : {}),
            optional: true
          }
    added++
    console.log(`added ${target}@${packages[target].version}${manifest === undefined ? " (platform from its name)" : ""}`)
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)))
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`${added} optional platform package(s) added to package-lock.json`)
