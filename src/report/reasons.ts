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
  POSSIBLE_DUPLICATE: "Looks like an existing record by name only; created as a new record, not merged",
  REJECTED_BY_TARGET: "The other system refused the record; its message says which field",
  ARCHIVED: "Archived in the source system; not copied by default",
  DELETED: "Gone from one system (deleted) while linked to a record of the other",
  CANNOT_DELETE: "Archived or deleted in one system; the other system's API cannot remove such a record",
  DELETES_HELD_BACK: "One sync would have archived or deleted more records than the mapping file allows; none was",
  DRIFTED: "Changed in the source system after the dry run planned it",
  UNKNOWN_ENUM_VALUE: "A value the mapping has no counterpart for; copied without it (kept aside)",
  UNKNOWN_COUNTRY: "An address country that is no country name or code; copied without it (kept aside)"
}

/**
 * What to do about a code, in the words of the shop: one line per code, shown above that code's records. Each record's own
 * message says which value is wrong; this says where to fix it and what happens next. (docs/mapping.md has the same table.)
 */
const fixes: Readonly<Record<string, string>> = {
  MISSING_NAME: "Add a first and last name (or a company name) to the customer in the source system, then run again.",
  INVALID_VIN: "Correct the VIN in the source system (17 characters, no I, O or Q), or clear it, then run again.",
  MISSING_MAKE_MODEL: "Add the make and model to the vehicle in the source system, then run again.",
  ORPHAN_VEHICLE: "Fix the vehicle's customer first (it is in this list too, or archived); the vehicle follows on the next run.",
  REJECTED_BY_TARGET: "Correct the field the message names in the source system, then run again.",
  ARCHIVED: "Nothing to do. A migration copies archived records with --include-archived; a sync carries archives over with the mapping file's sync.deletes.propagate.",
  DELETED: "Nothing to do, or remove the record in the other system too: a sync does it with the mapping file's sync.deletes.propagate.",
  CANNOT_DELETE: "Remove the record in the other system by hand if that is meant.",
  DELETES_HELD_BACK: "Check that they are meant (a broken read looks like many deletes); if so, raise sync.deletes.maxPercent in the mapping file and run sync --reconcile.",
  DRIFTED: "Look at what changed, then make a new dry run and apply that.",
  VIN_CHECK_DIGIT: "Check the VIN against the vehicle; correct it in the source system if it is wrong.",
  INVALID_EMAIL: "Correct the address in the source system; the next run copies it.",
  INVALID_PHONE: "Correct the number in the source system (with its country code if it is not local); the next run copies it.",
  INVALID_YEAR: "Correct the year in the source system; the next run copies it.",
  DUPLICATE_IN_SOURCE: "Merge the two records, or correct the shared value, in the source system.",
  POSSIBLE_DUPLICATE: "Check whether it is the same customer; if so, merge the two in the target system.",
  UNKNOWN_ENUM_VALUE: "Add the value to your mapping file's enums (see docs/mapping.md) to have it copied.",
  UNKNOWN_COUNTRY: "Correct the country in the source system; the next run copies it."
}

/** What to do about a code, or null for a code without advice (the record's own message is all there is). */
export const fixFor = (code: string): string | null => fixes[code] ?? null

export const describeReason = (code: string): string => descriptions[code] ?? code
