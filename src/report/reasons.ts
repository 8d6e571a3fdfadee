/**
 * Plain words for the reason codes of contract/mapping.md, for a shop manager reading the report. A record's own
 * message (which names the offending value) wins; these explain a code when it is listed on its own, e.g. in the
 * "quarantined by reason" summary.
 */
const descriptions: Readonly<Record<string, string>> = {
  MISSING_NAME: "No usable customer name for the other system",
  INVALID_VIN: "The VIN is not 17 valid characters",
  MISSING_MAKE_MODEL: "The vehicle has no make or model, and the VIN could not fill them in",
  ORPHAN_VEHICLE: "The vehicle's customer was not copied, so the vehicle cannot be attached",
  VIN_CHECK_DIGIT: "The VIN's check digit does not add up; copied as it is",
  INVALID_EMAIL: "An email address is not valid; it was not copied (kept aside)",
  INVALID_PHONE: "A phone number could not be read; it was not copied (kept aside)",
  INVALID_YEAR: "The vehicle year is not a real year; copied without a year (kept aside)",
  DUPLICATE_IN_SOURCE: "Another record shares this email, phone or VIN; copied without it",
  POSSIBLE_DUPLICATE: "Looks like an existing record by name only; created as a new record, not merged"
}

export const describeReason = (code: string): string => descriptions[code] ?? code
