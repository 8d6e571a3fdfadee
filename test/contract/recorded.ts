/**
 * The recorded examples of fixtures/recorded/: loading them, checking they are verbatim copies of the published docs,
 * and comparing an elided example ("[ … ]", "{ ... }") with a real answer by its shape.
 */
import { Either, ParseResult, Schema } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const RECORDED_DIR = fileURLToPath(new URL("../../fixtures/recorded/", import.meta.url))
/** The published docs, beside the checkout (`../shared/contract/docs/` from the repository root). */
export const DOCS_DIR = fileURLToPath(new URL("../../../shared/contract/docs/", import.meta.url))
export const docsPresent = existsSync(DOCS_DIR)

/** One example as the docs show it; see fixtures/README.md for the format. */
export interface RecordedExample {
  readonly doc: string
  readonly section: string
  /** The doc's lines it comes from, "19" or "32-68" (1-based). */
  readonly lines: string
  readonly kind: "request" | "request-body" | "response-body" | "response-headers" | "error-codes" | "query"
  readonly method?: string
  readonly path?: string
  readonly url?: string
  readonly headers?: Readonly<Record<string, string>>
  /** The example as JSON, when the doc's text is JSON (or, for headers, codes and queries, its transcription). */
  readonly example?: unknown
  /** The doc's text itself, when it is not JSON (elided with "…") or is a transcription's source. */
  readonly text?: string
}

/** What JSON.parse gives back: the tests probe fields and let expect() judge them. */
export type Json = ReturnType<typeof JSON.parse>

/** Every recorded file of one API, e.g. "autoleap/vehicles-create.request.json". */
export const recordedFiles = (api: "autoleap" | "autogms"): Array<string> =>
  readdirSync(`${RECORDED_DIR}${api}`)
    .filter((name) => name.endsWith(".json"))
    .map((name) => `${api}/${name}`)
    .sort()

/** Loads recorded files and remembers which were asked for, so a test file can prove it covered them all. */
export const recordedLoader = () => {
  const used = new Set<string>()
  const load = (file: string): RecordedExample => {
    used.add(file)
    return JSON.parse(readFileSync(`${RECORDED_DIR}${file}`, "utf8")) as RecordedExample
  }
  return { load, used: (): Array<string> => [...used].sort() }
}

const docText = new Map<string, ReadonlyArray<string>>()
/** The doc's lines `from`-`to` as one string, exactly as published. */
export const docLines = (example: RecordedExample): string => {
  const lines = docText.get(example.doc) ?? readFileSync(`${DOCS_DIR}${example.doc}`, "utf8").split("\n")
  docText.set(example.doc, lines)
  const [from, to] = example.lines.split("-").map(Number)
  if (from === undefined || Number.isNaN(from)) throw new Error(`bad line range ${example.lines}`)
  return lines.slice(from - 1, to ?? from).join("\n")
}

const squeeze = (s: string): string => s.replace(/\s+/g, "")

/**
 * Why the recorded file is not a verbatim copy of its doc lines, or undefined when it is. JSON examples are compared
 * without white space (the docs pretty-print some and not others); transcriptions (headers, codes, queries) are
 * checked through their `text`.
 */
export const notVerbatim = (example: RecordedExample): string | undefined => {
  const source = docLines(example)
  if (example.text !== undefined && !source.includes(example.text)) return "text is not in the doc's lines"
  const transcribed = example.kind === "response-headers" || example.kind === "error-codes" || example.kind === "query"
  if (example.example !== undefined && !transcribed && !squeeze(source).includes(squeeze(JSON.stringify(example.example)))) {
    return "example is not in the doc's lines"
  }
  if (example.url !== undefined && !source.includes(example.url)) return "url is not in the doc's lines"
  if (example.text === undefined && example.example === undefined && example.url === undefined) return "holds nothing from the doc"
  return undefined
}

/** Stands for whatever the doc elided. */
const ELIDED = "<elided by the doc>"

/** An elided example ("[ … ]", "{ ... }") as JSON, each elision a marker that matches any array or object. */
export const elidedSkeleton = (text: string): Json =>
  JSON.parse(text.replace(/\[\s*(…|\.\.\.)\s*\]/g, `["${ELIDED}"]`).replace(/\{\s*(…|\.\.\.)\s*\}/g, `{"${ELIDED}":true}`))

/** The same example with every elision empty: an instance a schema can try to decode. */
export const elidedAsEmpty = (text: string): Json =>
  JSON.parse(text.replace(/\[\s*(…|\.\.\.)\s*\]/g, "[]").replace(/\{\s*(…|\.\.\.)\s*\}/g, "{}"))

const jsonType = (value: unknown): string => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value)

/**
 * Where `actual` does not have the doc's shape: every key the doc shows, at every level it shows, with the doc's JSON
 * type. An elided array or object matches any array or object; extra keys in `actual` are allowed (the APIs may add
 * fields). Values are not compared: the docs' values are samples.
 */
export const shapeMismatches = (skeleton: Json, actual: unknown, at = "$"): Array<string> => {
  if (Array.isArray(skeleton)) {
    if (!Array.isArray(actual)) return [`${at}: ${jsonType(actual)} where the doc shows an array`]
    if (skeleton[0] === ELIDED || skeleton.length === 0) return []
    return actual.flatMap((element: unknown, i) => shapeMismatches(skeleton[0], element, `${at}[${i}]`))
  }
  if (jsonType(skeleton) === "object") {
    if (jsonType(actual) !== "object") return [`${at}: ${jsonType(actual)} where the doc shows an object`]
    if (ELIDED in skeleton) return []
    const record = actual as Record<string, unknown>
    return Object.keys(skeleton).flatMap((key) =>
      key in record ? shapeMismatches(skeleton[key], record[key], `${at}.${key}`) : [`${at}.${key}: missing`]
    )
  }
  return jsonType(skeleton) === jsonType(actual) ? [] : [`${at}: ${jsonType(actual)} where the doc shows ${jsonType(skeleton)}`]
}

/**
 * Decodes as the client would, but also refuses any field the schema does not name: a field of the docs that the
 * client misspells or lacks shows up as "is unexpected" at its path instead of being silently dropped.
 */
export const decodeStrictly = <A, I>(schema: Schema.Schema<A, I, never>, value: unknown): Either.Either<A, Array<string>> =>
  Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })(value).pipe(Either.mapLeft(issuesOf))

/** The client's own tolerant decoding (unknown fields ignored), issues as "path: message". */
export const decodeAsClient = <A, I>(schema: Schema.Schema<A, I, never>, value: unknown): Either.Either<A, Array<string>> =>
  Schema.decodeUnknownEither(schema, { errors: "all" })(value).pipe(Either.mapLeft(issuesOf))

const issuesOf = (error: ParseResult.ParseError): Array<string> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => `${issue.path.join(".")}: ${issue.message}`)

/** A URL's query string as a plain record (the docs' samples repeat no parameter). */
export const queryOf = (url: string): Record<string, string> => Object.fromEntries(new URL(url, "http://docs.invalid").searchParams)
