import { readFileSync } from "node:fs"
import { Either } from "effect"
import { customerRef } from "../../../src/domain/ids.js"
import type { CustomerRef } from "../../../src/domain/ids.js"
import { makeMappingContext, type MappingContext } from "../../../src/mapping/context.js"
import { DEFAULT_MAPPING_PATH, parseMappingFile } from "../../../src/mapping/mappingFile.js"
import { mergeMapping, standaloneMapping, type Mapping, type MappingFile } from "../../../src/mapping/mappingSchema.js"
import type { AutoleapCustomer, AutoleapVehicle } from "../../../src/sources/autoleap/schema.js"
import type { AutogmsCustomer, AutogmsVehicle } from "../../../src/sources/autogms/schema.js"

export const NOW = new Date("2026-03-01T00:00:00Z")

export const defaultMapping: Mapping = standaloneMapping(
  Either.getOrThrow(parseMappingFile(DEFAULT_MAPPING_PATH, readFileSync(DEFAULT_MAPPING_PATH, "utf8")))
)

export const ctxWith = (file: MappingFile = {}): MappingContext => makeMappingContext(mergeMapping(defaultMapping, file), { now: NOW })
export const ctx = ctxWith()

export const alCustomer = (fields: Partial<AutoleapCustomer> = {}): AutoleapCustomer => ({
  customerId: "al-1",
  createdDate: "2024-01-01T00:00:00Z",
  updatedDate: "2025-01-01T00:00:00Z",
  customerStatus: "Active",
  firstName: "Ana",
  lastName: "Lopez",
  ...fields
})

export const agCustomer = (fields: Partial<AutogmsCustomer> = {}): AutogmsCustomer => ({
  id: "cus_1",
  createdAt: "2024-01-01T00:00:00Z",
  updatedAt: "2025-01-01T00:00:00Z",
  firstName: "Ana",
  lastName: "Lopez",
  tags: [],
  ...fields
})

export const alVehicle = (fields: Partial<AutoleapVehicle> = {}): AutoleapVehicle => ({
  vehicleId: "al-veh-1",
  customerId: "al-1",
  createdDate: "2024-01-01T00:00:00Z",
  updatedDate: "2025-01-01T00:00:00Z",
  vehicleStatus: "Active",
  make: "Honda",
  model: "Accord",
  ...fields
})

export const agVehicle = (fields: Partial<AutogmsVehicle> = {}): AutogmsVehicle => ({
  id: "veh_1",
  customerId: "cus_1",
  createdAt: "2024-01-01T00:00:00Z",
  updatedAt: "2025-01-01T00:00:00Z",
  make: "Honda",
  model: "Accord",
  tags: [],
  ...fields
})

/** Every owner is linked, to "target-<id>". */
export const linkedOwner = (owner: CustomerRef | null): string | null => (owner === null ? null : `target-${owner.id}`)
export const unlinkedOwner = (): string | null => null
export const alOwner = customerRef("autoleap", "al-1")

export const VALID_VIN = "1HGCM82633A004352"
