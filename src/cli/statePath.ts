import { accessSync, constants, statfsSync, statSync, type Stats } from "node:fs"
import { dirname, resolve } from "node:path"

/**
 * Kernel file systems that look like folders but hold no files of ours: SQLite cannot keep a database there, and Node's
 * recursive mkdir loops forever under /proc (at 100% CPU, deaf to SIGTERM). Linux statfs magic numbers.
 */
const pseudoFileSystems: ReadonlyMap<number, string> = new Map([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0x73636673, "securityfs"],
  [0x62656570, "configfs"],
  [0x6165676c, "pstore"],
  [0xcafe4a11, "bpf"],
  [0x1cd1, "devpts"]
])

const statOrUndefined = (path: string): Stats | undefined => {
  try {
    return statSync(path)
  } catch {
    // Missing, or a component on the way is a file (ENOTDIR): the walk up finds out which.
    return undefined
  }
}

const codeOf = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? String(error)

/** The kernel file system `path` is on, when it is one of those; undefined for a disk (or when statfs cannot tell). */
const pseudoFileSystemOf = (path: string): string | undefined => {
  try {
    return pseudoFileSystems.get(Number(statfsSync(path).type))
  } catch {
    return undefined
  }
}

const cannotWrite = (path: string, mode: number): string | undefined => {
  try {
    accessSync(path, mode)
    return undefined
  } catch (error) {
    return codeOf(error)
  }
}

/**
 * What stops a SQLite state file from living at `path`, in words for a one-line error; undefined when nothing does.
 * Checked before anything opens it: the path is not under a file, not on a kernel file system, and the file (if it
 * exists) and its folder (where SQLite keeps the -wal and -shm files) are writable; folders still missing must be
 * creatable in the nearest one that exists.
 */
export const statePathProblem = (path: string): string | undefined => {
  if (path.trim() === "") return "the path is empty"
  const file = resolve(path)
  const existing = statOrUndefined(file)
  if (existing !== undefined) {
    if (existing.isDirectory()) return `${file} is a directory; give a file name, e.g. ${file}/state.db`
    const fs = pseudoFileSystemOf(file)
    if (fs !== undefined) return `${file} is on a kernel file system (${fs}), not a disk; choose a file on disk`
    if (!existing.isFile()) return `${file} is not a regular file`
    const fileCode = cannotWrite(file, constants.R_OK | constants.W_OK)
    if (fileCode !== undefined) return `${file} cannot be opened for writing (${fileCode}); check its permissions`
  }
  // The nearest folder that exists, going up; anything else on the way is a file we would have to create folders under.
  let dir = dirname(file)
  for (;;) {
    const stats = statOrUndefined(dir)
    if (stats !== undefined && !stats.isDirectory()) return `${file} is under ${dir}, which is a file, not a folder`
    if (stats !== undefined) break
    const parent = dirname(dir)
    if (parent === dir) return `no folder on the way to ${file} exists`
    dir = parent
  }
  const fs = pseudoFileSystemOf(dir)
  if (fs !== undefined) return `${file} is on a kernel file system (${fs} at ${dir}), not a disk; choose a file on disk`
  const dirCode = cannotWrite(dir, constants.W_OK | constants.X_OK)
  if (dirCode !== undefined) {
    const why = dirCode === "EROFS" ? "is on a read-only file system" : dirCode === "EACCES" ? "is not writable for this user" : `cannot be written (${dirCode})`
    return `${file} cannot be created or written: ${dir} ${why}; choose another --state`
  }
  return undefined
}
