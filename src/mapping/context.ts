/**
 * Everything the pure mapping functions need besides the record, built once per run: the mapping with its lookup
 * tables compiled, the tag palette and the clock. Nothing here reads a file or the network.
 */
import type { ContactPreference, CustomerType } from "../domain/customer.js"
import type { Drivetrain, MileageUnit, Transmission } from "../domain/vehicle.js"
import type { Mapping } from "./mappingSchema.js"
import { compileTagRules, paletteFromMapping, type CompiledTagRules, type TagPalette } from "./tags.js"

/** A two-way enum table: wire spellings (case-insensitive) → model value, and the spelling each model value is written as. */
export interface EnumCodec<A extends string> {
  /** The field's name on the wire, for messages. */
  readonly wireField: string
  readonly read: (wire: string) => A | undefined
  /** The first spelling the mapping file lists for the value. */
  readonly write: (value: A) => string | undefined
}

export const makeEnumCodec = <A extends string>(wireField: string, table: Readonly<Record<string, A>>): EnumCodec<A> => {
  const byKey = new Map<string, A>()
  const spelling = new Map<A, string>()
  for (const [wire, value] of Object.entries(table)) {
    byKey.set(wire.trim().toLowerCase(), value)
    if (!spelling.has(value)) spelling.set(value, wire)
  }
  return {
    wireField,
    read: (wire) => byKey.get(wire.trim().toLowerCase()),
    write: (value) => spelling.get(value)
  }
}

export interface MappingContext {
  readonly mapping: Mapping
  /** Years above this are invalid (the current year + 1, from the run's clock). */
  readonly maxYear: number
  readonly palette: TagPalette
  readonly tagRules: { readonly customers: CompiledTagRules; readonly vehicles: CompiledTagRules }
  readonly enums: {
    readonly autoleap: {
      readonly customerType: EnumCodec<CustomerType>
      readonly communicationPreference: EnumCodec<ContactPreference>
      readonly driveType: EnumCodec<Drivetrain>
      readonly transmission: EnumCodec<Transmission>
      readonly mileageUnit: EnumCodec<MileageUnit>
    }
    readonly autogms: {
      readonly type: EnumCodec<CustomerType>
      readonly preferredContact: EnumCodec<ContactPreference>
      readonly drivetrain: EnumCodec<Drivetrain>
      readonly transmission: EnumCodec<Transmission>
      readonly mileageUnit: EnumCodec<MileageUnit>
    }
  }
}

export const MIN_VEHICLE_YEAR = 1886

/**
 * `now` fixes "the current year" so runs and tests are reproducible. `palette` is the one kept in the state store;
 * without it the mapping file's palette is used.
 */
export const makeMappingContext = (
  mapping: Mapping,
  options: { readonly now: Date; readonly palette?: TagPalette }
): MappingContext => {
  const al = mapping.enums.autoleap
  const ag = mapping.enums.autogms
  return {
    mapping,
    maxYear: options.now.getUTCFullYear() + 1,
    palette: options.palette ?? paletteFromMapping(mapping.tags.palette),
    tagRules: { customers: compileTagRules(mapping.tags.customers), vehicles: compileTagRules(mapping.tags.vehicles) },
    enums: {
      autoleap: {
        customerType: makeEnumCodec("customerType", al.customerType),
        communicationPreference: makeEnumCodec("communicationPreference", al.communicationPreference),
        driveType: makeEnumCodec("driveType", al.driveType),
        transmission: makeEnumCodec("transmission", al.transmission),
        mileageUnit: makeEnumCodec("mileageUnit", al.mileageUnit)
      },
      autogms: {
        type: makeEnumCodec("type", ag.type),
        preferredContact: makeEnumCodec("preferredContact", ag.preferredContact),
        drivetrain: makeEnumCodec("drivetrain", ag.drivetrain),
        transmission: makeEnumCodec("transmission", ag.transmission),
        mileageUnit: makeEnumCodec("mileageUnit", ag.mileageUnit)
      }
    }
  }
}

/** The same context with a newer palette (after `learnTagColors`). */
export const withPalette = (ctx: MappingContext, palette: TagPalette): MappingContext => ({ ...ctx, palette })
