/** Stored JSON columns: `undefined` never reaches the file (it would not round-trip), null stays null. */
export const toJson = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value))

export const fromJson = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown))
