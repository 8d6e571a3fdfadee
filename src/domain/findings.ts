/**
 * Reason codes, exactly as contract/mapping.md names them, plus the extra warnings this tool reports.
 * Whether INVALID_VIN quarantines or only warns is a mapping-file policy; the rest have a fixed kind.
 */
export const QuarantineCodes = ["MISSING_NAME", "INVALID_VIN", "MISSING_MAKE_MODEL", "ORPHAN_VEHICLE"] as const
export type QuarantineCode = (typeof QuarantineCodes)[number]

export const WarningCodes = [
  "VIN_CHECK_DIGIT",
  "INVALID_EMAIL",
  "INVALID_PHONE",
  "INVALID_YEAR",
  "DUPLICATE_IN_SOURCE",
  "POSSIBLE_DUPLICATE",
  // Beyond mapping.md: an enum value or country the mapping does not know; kept in the sidecar, written as null.
  "UNKNOWN_ENUM_VALUE",
  "UNKNOWN_COUNTRY",
  // Beyond mapping.md: INVALID_VIN when the mapping file keeps such vehicles without their VIN.
  "INVALID_VIN"
] as const
export type WarningCode = (typeof WarningCodes)[number]

export type ReasonCode = QuarantineCode | WarningCode

/** One thing found about one record, in words a shop manager understands. */
export interface Finding {
  readonly code: ReasonCode
  readonly message: string
  /** The model field concerned, when there is one. */
  readonly field?: string
}
