/**
 * Tag rules from the mapping file (rename, merge, drop per entity) and the colour palette that lets tags keep their
 * colour through autoGMS, which stores names only.
 */
import type { Entity } from "../domain/entity.js"
import { dedupeTagNames, normalizeTagName, tagKey } from "../domain/tag.js"

/** The entities that carry tags: every entity. */
export type TagEntity = Entity

/** One entity's rules, keyed by tag key (case-insensitive, white space normalised). */
export interface CompiledTagRules {
  readonly rename: ReadonlyMap<string, string>
  readonly drop: ReadonlySet<string>
}

export const compileTagRules = (rules: {
  readonly rename: Readonly<Record<string, string>>
  readonly drop: ReadonlyArray<string>
}): CompiledTagRules => ({
  rename: new Map(Object.entries(rules.rename).map(([from, to]) => [tagKey(from), normalizeTagName(to)])),
  drop: new Set(rules.drop.map(tagKey))
})

/**
 * The tags the other system gets: names normalised, renamed (several names renamed to one merge), dropped ones left
 * out, duplicates collapsed to the first spelling.
 */
export const applyTagRules = (names: ReadonlyArray<string>, rules: CompiledTagRules): Array<string> => {
  if (rules.rename.size === 0 && rules.drop.size === 0) return dedupeTagNames(names)
  const out: Array<string> = []
  for (const raw of names) {
    const key = tagKey(raw)
    if (rules.drop.has(key)) continue
    out.push(rules.rename.get(key) ?? raw)
  }
  return dedupeTagNames(out)
}

/** Tag colours by tag key. The pipeline keeps it in the state store; `learnTagColors` adds what AutoLeap shows. */
export type TagPalette = ReadonlyMap<string, string>

export const paletteFromMapping = (palette: Readonly<Record<string, string>>): TagPalette =>
  new Map(Object.entries(palette).map(([name, color]) => [tagKey(name), color.toUpperCase()]))

const HEX_COLOR = /^[0-9A-Fa-f]{6}$/

/** The palette with the colours of these AutoLeap tags added (a tag's latest colour wins). */
export const learnTagColors = (
  palette: TagPalette,
  tags: ReadonlyArray<{ readonly name: string; readonly color?: string | null | undefined }>
): TagPalette => {
  let next: Map<string, string> | undefined
  for (const tag of tags) {
    if (tag.color === null || tag.color === undefined || !HEX_COLOR.test(tag.color)) continue
    const key = tagKey(tag.name)
    const color = tag.color.toUpperCase()
    if (key === "" || (next ?? palette).get(key) === color) continue
    next ??= new Map(palette)
    next.set(key, color)
  }
  return next ?? palette
}

/** The colour AutoLeap gets for a tag: the palette's, else the default. */
export const tagColor = (palette: TagPalette, defaultColor: string, name: string): string =>
  palette.get(tagKey(name)) ?? defaultColor
