import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { describe, expect, it } from "vitest"

/**
 * The layering of design.md, read from the code: cli → gateways → pipeline → (sources, mapping, state, report) →
 * domain, nothing importing upward; the simulators borrow nothing of the client's; pipeline/ names no wire field.
 */
const src = resolve(import.meta.dirname, "..", "..", "..", "src")

const filesUnder = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

/** The top folder of src/ a file is in: its layer. */
const layerOf = (file: string): string => relative(src, file).split("/")[0] ?? ""

/** The layers a file imports from (relative imports only: packages are not layers). */
const importedLayers = (file: string): Array<string> =>
  [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => layerOf(resolve(dirname(file), m[1] ?? "")))

const allowed: Readonly<Record<string, ReadonlyArray<string>>> = {
  domain: [],
  http: [],
  config: ["domain", "mapping"],
  sources: ["domain", "http", "config"],
  mapping: ["domain", "sources"],
  state: ["domain"],
  report: ["domain"],
  pipeline: ["domain", "http", "config", "mapping", "state", "report"],
  gateways: ["domain", "http", "mapping", "sources", "pipeline"],
  sim: ["domain"]
}

describe("architecture", () => {
  const files = filesUnder(src)

  it("each layer imports only the layers below it", () => {
    const upward = files.flatMap((file) => {
      const layer = layerOf(file)
      const may = allowed[layer]
      if (may === undefined) return [] // cli/: the composition root may import every layer
      return importedLayers(file)
        .filter((to) => to !== layer && !may.includes(to))
        .map((to) => `${relative(src, file)} imports ${to}/`)
    })
    expect(upward).toEqual([])
  })

  it("pipeline/ names no wire type or field of either API", () => {
    const wire = /\b(updatedDate|vehicleStatus|customerStatus|companyId|garageId|licencePlate|Autoleap[A-Z]\w*|Autogms[A-Z]\w*)\b/
    const named = files
      .filter((file) => layerOf(file) === "pipeline")
      .flatMap((file) => readFileSync(file, "utf8").split("\n").map((line, i) => ({ file, line, i })))
      .filter(({ line }) => !line.trimStart().startsWith("*") && !line.trimStart().startsWith("//") && wire.test(line))
      .map(({ file, i, line }) => `${relative(src, file)}:${i + 1}: ${line.trim()}`)
    expect(named).toEqual([])
  })
})
