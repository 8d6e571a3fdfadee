/**
 * Loading mapping files, the mapping layer's one I/O: a shop's file laid over the package's mappings/default.json.
 */
import { readFile } from "node:fs/promises"
import { Effect } from "effect"
import {
  DEFAULT_MAPPING_PATH,
  formatPath,
  mergeMapping,
  MappingFileError,
  missingSetting,
  parseMappingFile,
  standaloneMapping,
  type Mapping
} from "../mapping/index.js"

const readText = (file: string): Effect.Effect<string, MappingFileError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (error) =>
      new MappingFileError({
        file,
        path: "the top level",
        problem: `cannot be read (${error instanceof Error && "code" in error ? String(error.code) : String(error)})`
      })
  })

/** The default mapping (every choice set), from the package's mappings/default.json. */
export const loadDefaultMapping: Effect.Effect<Mapping, MappingFileError> = Effect.gen(function* () {
  const text = yield* readText(DEFAULT_MAPPING_PATH)
  const file = yield* parseMappingFile(DEFAULT_MAPPING_PATH, text)
  const missing = missingSetting(file)
  if (missing !== undefined) {
    return yield* Effect.fail(new MappingFileError({ file: DEFAULT_MAPPING_PATH, path: formatPath(missing.path), problem: missing.message }))
  }
  return standaloneMapping(file)
})

/** A shop's mapping file laid over the default; without a path, the default itself. */
export const loadMappingFile = (path?: string): Effect.Effect<Mapping, MappingFileError> =>
  Effect.gen(function* () {
    const base = yield* loadDefaultMapping
    if (path === undefined) return base
    const text = yield* readText(path)
    const file = yield* parseMappingFile(path, text)
    return mergeMapping(base, file)
  })
