/** Tag names: trimmed, inner white space collapsed; two names are the same tag when their keys are equal. */
const WHITESPACE_RUN = /\s+/g

export const normalizeTagName = (raw: string): string => raw.replace(WHITESPACE_RUN, " ").trim()

/** The case-insensitive identity of a tag name. */
export const tagKey = (name: string): string => normalizeTagName(name).toLowerCase()

/** Normalised names, the first spelling of each name kept, empty names dropped. */
export const dedupeTagNames = (names: ReadonlyArray<string>): Array<string> => {
  const seen = new Set<string>()
  const out: Array<string> = []
  for (const raw of names) {
    const name = normalizeTagName(raw)
    if (name === "") continue
    const key = name.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    out.push(name)
  }
  return out
}
