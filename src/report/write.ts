import * as fs from "node:fs"
import * as path from "node:path"
import { Data, Effect } from "effect"
import type { RunActions } from "./actions.js"
import { actionsCsvLines } from "./csv.js"
import { renderHtmlParts } from "./html.js"
import { decodeRunReport, renderJson, type ReportDecodeError } from "./json.js"
import { markdownLines } from "./markdown.js"
import type { ActionRecord, RunReport } from "./model.js"
import type { RenderOptions } from "./summary.js"

export class ReportWriteError extends Data.TaggedError("ReportWriteError")<{ readonly path: string; readonly message: string }> {}
export class ReportReadError extends Data.TaggedError("ReportReadError")<{ readonly path: string; readonly message: string }> {}

export const reportFileNames = {
  json: "report.json",
  markdown: "report.md",
  html: "report.html",
  csv: "actions.csv",
  log: "log.ndjson"
} as const

const reason = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/** Where a file is written before it is renamed into place, so a reader never sees half of it. */
export const temporaryPath = (target: string): string => `${target}.tmp`

/** `writeSync` may write less than asked (a full disk, a pipe); go on until the buffer is out or it throws. */
const writeAll = (fd: number, buffer: Buffer): void => {
  for (let done = 0; done < buffer.length; ) done += fs.writeSync(fd, buffer, done, buffer.length - done)
}

/**
 * Fills a temporary file through `fill`, then renames it to `target`; on failure the temporary file is removed.
 * Synchronous on purpose: actions.csv's rows come from a database cursor (better-sqlite3) that must not stay open
 * while other fibers use the same connection, so the whole pass runs without yielding.
 */
const writeAtomically = (target: string, fill: (fd: number) => void): Effect.Effect<string, ReportWriteError> =>
  Effect.try({
    try: () => {
      const temporary = temporaryPath(target)
      const fd = fs.openSync(temporary, "w")
      try {
        try {
          fill(fd)
        } finally {
          fs.closeSync(fd)
        }
        fs.renameSync(temporary, target)
      } catch (cause) {
        // The first failure is the one to report; a leftover temporary file is only untidy.
        try {
          fs.rmSync(temporary, { force: true })
        } catch {}
        throw cause
      }
      return target
    },
    catch: (cause) => new ReportWriteError({ path: target, message: `cannot write ${target}: ${reason(cause)}` })
  })

const writeText = (target: string, text: string): Effect.Effect<string, ReportWriteError> =>
  writeAtomically(target, (fd) => writeAll(fd, Buffer.from(text, "utf8")))

/** About what one `write` call moves efficiently; a file never sits in memory whole. */
const CHUNK_BYTES = 64 * 1024

/**
 * Writes `pieces` in order, gathered into chunks of about `chunkBytes`; each chunk is written before the next piece is
 * asked for, so memory stays bounded whatever the file's size.
 */
const writeInChunks = (file: string, pieces: Iterable<string>, chunkBytes: number = CHUNK_BYTES): Effect.Effect<string, ReportWriteError> =>
  writeAtomically(file, (fd) => {
    let pending: Array<string> = []
    let pendingBytes = 0
    const flush = (): void => {
      writeAll(fd, Buffer.from(pending.join(""), "utf8"))
      pending = []
      pendingBytes = 0
    }
    for (const piece of pieces) {
      pending.push(piece)
      pendingBytes += Buffer.byteLength(piece, "utf8")
      if (pendingBytes >= chunkBytes) flush()
    }
    if (pending.length > 0) flush()
  })

/** Writes actions.csv row by row. */
export const writeActionsCsv = (
  file: string,
  rows: Iterable<ActionRecord>,
  options: { readonly chunkBytes?: number } = {}
): Effect.Effect<string, ReportWriteError> => writeInChunks(file, actionsCsvLines(rows), options.chunkBytes)

function* joinedLines(lines: Iterable<string>): Generator<string> {
  let first = true
  for (const line of lines) {
    yield first ? line : `\n${line}`
    first = false
  }
}

const mkdir = (dir: string): Effect.Effect<void, ReportWriteError> =>
  Effect.try({
    try: () => void fs.mkdirSync(dir, { recursive: true }),
    catch: (cause) => new ReportWriteError({ path: dir, message: `cannot create ${dir}: ${reason(cause)}` })
  })

/**
 * Writes report.json, report.md, report.html (with the sampled actions) and actions.csv (every action) into `dir`,
 * created if missing; returns the paths in that order. log.ndjson belongs to the logger.
 */
export const writeRunReport = (
  dir: string,
  report: RunReport,
  actions: RunActions,
  options: RenderOptions = {}
): Effect.Effect<ReadonlyArray<string>, ReportWriteError> =>
  Effect.gen(function* () {
    yield* mkdir(dir)
    const file = (name: string): string => path.join(dir, name)
    return [
      yield* writeText(file(reportFileNames.json), renderJson(report)),
      yield* writeInChunks(file(reportFileNames.markdown), joinedLines(markdownLines(report, actions.samples, options))),
      yield* writeInChunks(file(reportFileNames.html), renderHtmlParts(report, actions.samples, options)),
      yield* writeActionsCsv(file(reportFileNames.csv), actions.each())
    ]
  })

/** Reads `<dir>/report.json` back, for `shopbridge report RUN_ID` to re-render it in another format. */
export const readRunReport = (dir: string): Effect.Effect<RunReport, ReportReadError | ReportDecodeError> => {
  const file = path.join(dir, reportFileNames.json)
  return Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (cause) => new ReportReadError({ path: file, message: `cannot read ${file}: ${reason(cause)}` })
  }).pipe(Effect.flatMap(decodeRunReport))
}
