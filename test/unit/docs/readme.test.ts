import { readdirSync, readFileSync } from "node:fs"
import { parseEnv } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { parseAutoleapRateLimits, parsePerMinuteLimit } from "../../../src/config/rateLimits.js"
import { parseMappingFile } from "../../../src/mapping/index.js"

/**
 * The README, docs/ and .env.example are what a user has in a clone: they must name every variable the code reads, hold
 * examples that the code accepts, and point nowhere outside the repository.
 */

const readme = readFileSync("README.md", "utf8")
const mappingDoc = readFileSync("docs/mapping.md", "utf8")
const envExample = readFileSync(".env.example", "utf8")

/** Every environment variable src/config/ reads, found in its source so a new one cannot be forgotten here. */
const variablesRead = (): ReadonlyArray<string> => {
  const names = new Set<string>()
  for (const file of readdirSync("src/config").filter((f) => f.endsWith(".ts"))) {
    for (const match of readFileSync(`src/config/${file}`, "utf8").matchAll(/"((?:AUTOLEAP|AUTOGMS)_[A-Z_]+)"/g))
      if (match[1] !== undefined) names.add(match[1])
  }
  return [...names].sort()
}

const jsonBlocks = (markdown: string): ReadonlyArray<string> =>
  [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? "")

describe("README and .env.example", () => {
  it("keep the two commands at the top", () => {
    const firstBlock = readme.match(/```sh\n([\s\S]*?)```/)?.[1] ?? ""
    expect(firstBlock).toContain("npm ci && npm run demo")
    expect(firstBlock).toContain("npm test")
  })

  it(".env.example sets every variable the configuration reads, and nothing else", () => {
    const example = parseEnv(envExample)
    expect(variablesRead().length).toBeGreaterThanOrEqual(9)
    expect(Object.keys(example).sort()).toEqual(variablesRead())
  })

  it(".env.example's defaults are the production URLs and values the parsers accept", () => {
    const example = parseEnv(envExample)
    expect(example["AUTOLEAP_BASE_URL"]).toBe("https://partnerapi.myautoleap.com/v2")
    expect(example["AUTOGMS_BASE_URL"]).toBe("https://api.autoGMS.com/api/v1")
    expect(Either.isRight(parseAutoleapRateLimits(example["AUTOLEAP_RATE_LIMITS"] ?? ""))).toBe(true)
    expect(Either.isRight(parsePerMinuteLimit(example["AUTOGMS_RATE_LIMIT"] ?? ""))).toBe(true)
    // Secrets are left for the user to fill in.
    for (const secret of ["AUTOLEAP_AUTH_KEY", "AUTOGMS_API_KEY", "AUTOLEAP_PARTNER_ID"]) expect(example[secret]).toBe("")
  })

  it("the README documents every variable, and the rate-limit format with the tiers", () => {
    for (const name of variablesRead()) expect(readme).toContain(`\`${name}\``)
    expect(readme).toMatch(/GET=150,POST=50,PUT=50,PATCH=50/)
    expect(readme).toMatch(/Standard `60`, Premium `300`, Enterprise `1000`/)
  })

  it("the README has the first-run checklist, apply, what cannot be undone, exit codes and a Performance section", () => {
    for (const heading of ["## Your first real run", "### 4. Apply the plan you reviewed", "### 5. What cannot be undone", "### Exit codes", "## Performance", "## How a migration stays exactly-once", "## Choices where the contract is silent", "## Where things are"])
      expect(readme).toContain(heading)
    expect(readme).toContain("shopbridge apply RUN_ID --strict")
    // The scale benchmark's figures, at both sizes.
    expect(readme).toMatch(/^\| 10,000 \| AutoLeap → autoGMS \| dry \|/m)
    expect(readme).toMatch(/^\| 250,000 \| autoGMS → AutoLeap \| real \|/m)
    expect(readme).toMatch(/repository root/)
  })

  it("links nowhere outside the repository, and every relative link resolves", () => {
    for (const [name, text] of [["README.md", readme], ["docs/mapping.md", mappingDoc]] as const) {
      expect(text, name).not.toContain("../shared")
      for (const match of text.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)) {
        const target = match[1] ?? ""
        if (/^https?:/.test(target)) continue
        const base = name === "README.md" ? "" : "docs/"
        expect(() => readFileSync(`${base}${target}`), `${name} → ${target}`).not.toThrow()
      }
    }
  })

  it("every mapping-file example in the docs is a file the mapping loader accepts", () => {
    const examples = [...jsonBlocks(readme), ...jsonBlocks(mappingDoc)]
    expect(examples.length).toBeGreaterThanOrEqual(8)
    for (const example of examples) {
      const parsed = parseMappingFile("example.json", example)
      expect(Either.isRight(parsed), Either.isLeft(parsed) ? parsed.left.message : example).toBe(true)
    }
  })

  it("docs/mapping.md has an example for every policy and explains every reason code the report can show", () => {
    for (const policy of ["includeArchived", "invalidVin", "vinLookup", "fillNamesFromBusinessName"]) expect(mappingDoc).toContain(`### \`policies.${policy}\``)
    for (const code of ["MISSING_NAME", "INVALID_VIN", "MISSING_MAKE_MODEL", "ORPHAN_VEHICLE", "REJECTED_BY_TARGET", "ARCHIVED", "VIN_CHECK_DIGIT", "INVALID_EMAIL", "INVALID_PHONE", "INVALID_YEAR", "DUPLICATE_IN_SOURCE", "POSSIBLE_DUPLICATE", "UNKNOWN_ENUM_VALUE", "UNKNOWN_COUNTRY"])
      expect(mappingDoc).toContain(`\`${code}\``)
  })
})
