/** The mapping layer's public face: pure wire ⇄ model functions, validation, matching helpers and change detection. */
export { autoleapCustomerToModel, modelCustomerToAutoleap, namesFromBusinessName } from "./autoleapCustomer.js"
export { autogmsCustomerToModel, modelCustomerToAutogms } from "./autogmsCustomer.js"
export { autoleapVehicleToModel, modelVehicleToAutoleap, type ResolveCustomerId } from "./autoleapVehicle.js"
export { autogmsVehicleToModel, modelVehicleToAutogms } from "./autogmsVehicle.js"
export { changedFields, contentHash, type FieldChange } from "./contentHash.js"
export { makeMappingContext, withPalette, MIN_VEHICLE_YEAR, type MappingContext } from "./context.js"
export {
  buildNameIndex,
  customerNameKey,
  findPossibleDuplicate,
  possibleDuplicateOf,
  resolveSourceDuplicates,
  sharedKeyFields,
  withholdSharedKeys,
  type NameIndex,
  type SharedKeyField
} from "./duplicates.js"
export type { Mapped, MappedCustomer, MappedVehicle } from "./mapped.js"
export { DEFAULT_MAPPING_PATH, formatPath, MappingFileError, parseMappingFile } from "./mappingFile.js"
export { ConflictPolicy, MappingFile, mergeMapping, missingSetting, standaloneMapping, type Mapping } from "./mappingSchema.js"
export {
  customerNaturalKeys,
  findByNaturalKey,
  indexByNaturalKey,
  naturalKeys,
  plateKey,
  vehicleNaturalKeys,
  type NaturalKey
} from "./naturalKeys.js"
export { cleanText, isEmailValid, normalizeEmail, plateMatchKey, toCountryAlpha2, toCountryAlpha3, toE164 } from "./normalize.js"
export { applyTagRules, learnTagColors, paletteFromMapping, tagColor, type TagPalette } from "./tags.js"
export {
  applyVinLookup,
  isExcludedArchived,
  needsVinLookup,
  validateCustomerFor,
  validateVehicleFor,
  type Validation,
  type VehicleValidationInput,
  type VinLookup
} from "./validate.js"
