/** A fixed-width text table for terminals and logs: columns padded to their widest cell, numbers aligned right. */
export const textTable = (rows: ReadonlyArray<ReadonlyArray<string>>, isNumeric: (column: number) => boolean): ReadonlyArray<string> => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? []
  return rows.map((r) =>
    r
      .map((c, i) => (isNumeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd()
  )
}
