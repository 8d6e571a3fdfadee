/** Mapping files: the default is valid and complete; a bad file names the file, the path inside it and the problem. */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { NodeContext } from "@effect/platform-node"
import { cli } from "../../../src/cli/Cli.js"
import { loadDefaultMapping, loadMappingFile } from "../../../src/config/mappingFile.js"
import { parseMappingFile } from "../../../src/mapping/mappingFile.js"
import { defaultMapping } from "./support.js"

const problem = (text: string) => {
  const result = parseMappingFile("shop.json", text)
  return Either.isLeft(result) ? result.left.message : "valid"
}

describe("mapping file schema", () => {
  it("the default mapping sets every choice of mapping.md", () => {
    expect(defaultMapping.defaultCountry).toBe("US")
    expect(defaultMapping.policies).toEqual({ includeArchived: false, invalidVin: "quarantine", vinLookup: true, fillNamesFromBusinessName: false })
    expect(defaultMapping.tags.defaultColor).toBe("CCCCCC")
    // A sync reports archives and deletes and carries none over unless a shop's file says so.
    expect(defaultMapping.sync.deletes).toEqual({ propagate: false, maxPercent: 2 })
  })

  it.effect("loadDefaultMapping reads mappings/default.json from the package, not the cwd", () =>
    Effect.gen(function* () {
      const mapping = yield* loadDefaultMapping
      expect(mapping).toEqual(defaultMapping)
    })
  )

  it("a shop file only needs what it changes", () => {
    expect(problem(`{ "tags": { "customers": { "rename": { "Fleet acct": "Fleet" } } } }`)).toBe("valid")
  })

  it.each([
    [`{ "policies": { "invalidVin": "ignore" } }`, "mapping file shop.json: at policies.invalidVin: "],
    [`{ "defaultCountry": "USA" }`, `mapping file shop.json: at defaultCountry: "USA" is not an ISO 3166-1 alpha-2 country code`],
    [`{ "tags": { "palette": { "VIP gold": "#FFD700" } } }`, `mapping file shop.json: at tags.palette["VIP gold"]: a colour is six hex digits`],
    [`{ "polices": {} }`, "mapping file shop.json: at polices: is not a setting a mapping file has"],
    [`{ "enums": { "autoleap": { "driveType": { "FWD": "front" } } } }`, `mapping file shop.json: at enums.autoleap.driveType.FWD: `],
    [`{ "enums": { "autoleap": { "driveType": { "FWD": "fwd", "fwd": "rwd" } } } }`, `mapping file shop.json: at enums.autoleap.driveType: "FWD" and "fwd" are the same value`],
    [`{ "tags": { "vehicles": { "drop": ["ok", " "] } } }`, "mapping file shop.json: at tags.vehicles.drop[1]: a tag name cannot be empty"],
    [`{\n  "policies": {,\n}`, "mapping file shop.json: at line 2, column 16: not valid JSON"],
    [`{ "sync": { "deletes": { "maxPercent": 150 } } }`, "mapping file shop.json: at sync.deletes.maxPercent: a percentage from 0 to 100"],
    [`{ "sync": { "deletes": { "propagate": "yes" } } }`, "mapping file shop.json: at sync.deletes.propagate: "]
  ])("%s → %s", (text, expected) => {
    expect(problem(text)).toContain(expected)
  })

  it.effect("a shop file is laid over the default", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "mapping-"))
      const file = join(dir, "shop.json")
      writeFileSync(file, JSON.stringify({ policies: { includeArchived: true }, tags: { palette: { VIP: "FFD700" } } }))
      const mapping = yield* loadMappingFile(file)
      expect(mapping.policies.includeArchived).toBe(true)
      expect(mapping.policies.invalidVin).toBe("quarantine")
      expect(mapping.tags.palette).toEqual({ VIP: "FFD700" })
      expect(mapping.enums).toEqual(defaultMapping.enums)
    })
  )

  it.effect("sync.deletes: a shop's file turns propagation on and keeps the default threshold unless it sets one", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "mapping-"))
      const on = join(dir, "on.json")
      writeFileSync(on, JSON.stringify({ sync: { deletes: { propagate: true } } }))
      expect((yield* loadMappingFile(on)).sync.deletes).toEqual({ propagate: true, maxPercent: 2 })
      const looser = join(dir, "looser.json")
      writeFileSync(looser, JSON.stringify({ sync: { deletes: { propagate: true, maxPercent: 10 } } }))
      expect((yield* loadMappingFile(looser)).sync.deletes).toEqual({ propagate: true, maxPercent: 10 })
    })
  )

  it.effect("a missing file is an error naming it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(loadMappingFile("/nonexistent/shop.json"))
      expect(error.message).toBe("mapping file /nonexistent/shop.json: at the top level: cannot be read (ENOENT)")
    })
  )
})

describe("shopbridge mapping check FILE", () => {
  const check = (file: string) =>
    cli(["node", "shopbridge", "mapping", "check", file]).pipe(Effect.provide(NodeContext.layer))

  it.effect("a valid file succeeds", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "mapping-"))
      const file = join(dir, "ok.json")
      writeFileSync(file, `{ "defaultCountry": "CA" }`)
      yield* check(file)
    })
  )

  it.effect("a bad file fails with a UsageError (exit 2) whose one line names file, path and problem", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "mapping-"))
      const file = join(dir, "bad.json")
      writeFileSync(file, `{ "policies": { "includeArchived": "yes" } }`)
      const error = yield* Effect.flip(check(file))
      expect(error._tag).toBe("UsageError")
      expect(error._tag === "UsageError" ? error.message : "").toBe(`mapping file ${file}: at policies.includeArchived: Expected boolean, actual "yes"`)
    })
  )
})
