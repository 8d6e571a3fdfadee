/**
 * Parsing mapping files: text in, a checked MappingFile or one MappingFileError (the file, the path inside it and
 * what is wrong) out. Reading the files is config/mappingFile.ts's: the mapping layer does no I/O.
 */
import { fileURLToPath } from "node:url"
import { Data, Either, ParseResult, Schema } from "effect"
import { MappingFile } from "./mappingSchema.js"

export class MappingFileError extends Data.TaggedError("MappingFileError")<{
  readonly file: string
  /** Where in the file, e.g. `policies.invalidVin`, `tags.palette["VIP"]`, `line 3, column 7`, or `the top level`. */
  readonly path: string
  readonly problem: string
}> {
  override get message(): string {
    return `mapping file ${this.file}: at ${this.path}: ${this.problem}`
  }
}

/** mappings/default.json of this package, wherever the command is run from. */
export const DEFAULT_MAPPING_PATH = fileURLToPath(new URL("../../mappings/default.json", import.meta.url))

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `["tags", "palette", "VIP x"]` → `tags.palette["VIP x"]`; `[]` → `the top level`. */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string => {
  if (path.length === 0) return "the top level"
  let out = ""
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`
    else if (typeof key === "string" && IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out
}

const jsonPosition = (text: string, error: unknown): string => {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : "")
  if (match === null) return "the top level"
  const offset = Number(match[1])
  const before = text.slice(0, offset).split("\n")
  return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`
}

const decodeMappingFile = Schema.decodeUnknownEither(MappingFile, { errors: "all", onExcessProperty: "error" })

/** Parses and validates a mapping file's text; the first problem found is reported. */
export const parseMappingFile = (file: string, text: string): Either.Either<MappingFile, MappingFileError> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/ in JSON at position \d+.*$/s, "") : "not JSON"
    return Either.left(new MappingFileError({ file, path: jsonPosition(text, error), problem: `not valid JSON (${reason})` }))
  }
  return decodeMappingFile(json).pipe(
    Either.mapLeft((error) => {
      const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      return new MappingFileError({
        file,
        path: formatPath(first?.path ?? []),
        problem: first === undefined ? "invalid mapping" : describeIssue(first)
      })
    })
  )
}

const describeIssue = (issue: ParseResult.ArrayFormatterIssue): string => {
  if (issue._tag === "Unexpected") return "is not a setting a mapping file has (check the spelling)"
  if (issue._tag === "Missing") return "is missing"
  return issue.message
}
