/**
 * The Schema of mapping files (mappings/*.json). A shop's file only needs what it changes: every section left out
 * falls back to mappings/default.json (see mergeMapping). Unknown keys are errors, so a typo never silently does nothing.
 */
import { getCountries } from "libphonenumber-js"
import { Schema } from "effect"
import { ContactPreference, CustomerType } from "../domain/customer.js"
import { Drivetrain, MileageUnit, Transmission } from "../domain/vehicle.js"

const HexColor = Schema.String.pipe(
  Schema.pattern(/^[0-9A-Fa-f]{6}$/, { message: () => "a colour is six hex digits without '#', e.g. \"FFD700\"" })
)

const supportedCountries = new Set<string>(getCountries())
const CountryCode = Schema.String.pipe(
  Schema.filter((code) => supportedCountries.has(code) || `"${code}" is not an ISO 3166-1 alpha-2 country code (e.g. "US")`)
)

const TagName = Schema.String.pipe(
  Schema.filter((name) => name.trim().length > 0 || "a tag name cannot be empty")
)

/** Wire value → model value. Keys match case-insensitively, so two keys differing only in case are an error. */
const EnumMap = <A extends string>(modelValue: Schema.Schema<A>) =>
  Schema.Record({ key: Schema.String, value: modelValue }).pipe(
    Schema.filter((map) => {
      const seen = new Map<string, string>()
      for (const key of Object.keys(map)) {
        const k = key.trim().toLowerCase()
        if (k === "") return "an enum value cannot be empty"
        const other = seen.get(k)
        if (other !== undefined) return `"${other}" and "${key}" are the same value (values match case-insensitively)`
        seen.set(k, key)
      }
      return undefined
    })
  )

export const TagRules = Schema.Struct({
  /** "old name": "new name"; several old names with one new name merge them. Applied once, not chained. */
  rename: Schema.optional(Schema.Record({ key: TagName, value: TagName })),
  /** Tags never written to the other system (kept in the sidecar for the way back). */
  drop: Schema.optional(Schema.Array(TagName))
})
export type TagRules = typeof TagRules.Type

/** How a sync settles the same field changed to different values on both sides. */
export const ConflictPolicy = Schema.Literal("newest", "autoleap", "autogms", "manual")
export type ConflictPolicy = typeof ConflictPolicy.Type

/** Field (model name, e.g. "email", "notes", "address") → policy; "*" for every field of the entity. */
const FieldPolicies = Schema.Record({ key: Schema.String, value: ConflictPolicy })

const Percent = Schema.Number.pipe(
  Schema.filter((n) => (Number.isFinite(n) && n >= 0 && n <= 100) || "a percentage from 0 to 100, e.g. 2")
)

/** What a sync does with a record archived in AutoLeap or gone from a side (see docs/mapping.md, sync.deletes). */
const DeletePolicy = Schema.Struct({
  /** Carry it over: an AutoLeap archive deletes in autoGMS, an autoGMS delete archives in AutoLeap. Off: reported only. */
  propagate: Schema.optional(Schema.Boolean),
  /** One sync carries over none when it would carry over more than this share of an entity's links, in percent. */
  maxPercent: Schema.optional(Percent)
})

export const MappingFile = Schema.Struct({
  $schema: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  /** Phones without a country code are read as numbers of this country. */
  defaultCountry: Schema.optional(CountryCode),
  policies: Schema.optional(
    Schema.Struct({
      /** Migrate records AutoLeap marks Inactive. */
      includeArchived: Schema.optional(Schema.Boolean),
      /** "quarantine": an invalid VIN stops the vehicle; "keep-without-vin": write it without VIN (VIN kept in the sidecar). */
      invalidVin: Schema.optional(Schema.Literal("quarantine", "keep-without-vin")),
      /** Fill a missing make / model from autoGMS's VIN lookup. */
      vinLookup: Schema.optional(Schema.Boolean),
      /** AutoLeap requires both names: fill missing ones from the business name instead of quarantining. */
      fillNamesFromBusinessName: Schema.optional(Schema.Boolean)
    })
  ),
  sync: Schema.optional(
    Schema.Struct({
      /** Conflict policies per entity and field; they win over `sync --conflict` for the fields they name. */
      conflicts: Schema.optional(Schema.Struct({ customers: Schema.optional(FieldPolicies), vehicles: Schema.optional(FieldPolicies) })),
      deletes: Schema.optional(DeletePolicy)
    })
  ),
  tags: Schema.optional(
    Schema.Struct({
      /** Colour given to a tag AutoLeap has never seen (six hex digits). */
      defaultColor: Schema.optional(HexColor),
      /** Tag name → colour; seeds the palette kept in the state store. */
      palette: Schema.optional(Schema.Record({ key: TagName, value: HexColor })),
      customers: Schema.optional(TagRules),
      vehicles: Schema.optional(TagRules)
    })
  ),
  enums: Schema.optional(
    Schema.Struct({
      autoleap: Schema.optional(
        Schema.Struct({
          customerType: Schema.optional(EnumMap(CustomerType)),
          communicationPreference: Schema.optional(EnumMap(ContactPreference)),
          driveType: Schema.optional(EnumMap(Drivetrain)),
          transmission: Schema.optional(EnumMap(Transmission)),
          mileageUnit: Schema.optional(EnumMap(MileageUnit))
        })
      ),
      autogms: Schema.optional(
        Schema.Struct({
          type: Schema.optional(EnumMap(CustomerType)),
          preferredContact: Schema.optional(EnumMap(ContactPreference)),
          drivetrain: Schema.optional(EnumMap(Drivetrain)),
          transmission: Schema.optional(EnumMap(Transmission)),
          mileageUnit: Schema.optional(EnumMap(MileageUnit))
        })
      )
    })
  )
})
export type MappingFile = typeof MappingFile.Type

type EnumTable<A extends string> = Readonly<Record<string, A>>

/** A mapping with every choice made: the default with a shop's file laid over it. */
export interface Mapping {
  readonly defaultCountry: string
  readonly policies: {
    readonly includeArchived: boolean
    readonly invalidVin: "quarantine" | "keep-without-vin"
    readonly vinLookup: boolean
    readonly fillNamesFromBusinessName: boolean
  }
  readonly sync: {
    readonly conflicts: {
      readonly customers: Readonly<Record<string, ConflictPolicy>>
      readonly vehicles: Readonly<Record<string, ConflictPolicy>>
    }
    readonly deletes: { readonly propagate: boolean; readonly maxPercent: number }
  }
  readonly tags: {
    readonly defaultColor: string
    readonly palette: Readonly<Record<string, string>>
    readonly customers: { readonly rename: Readonly<Record<string, string>>; readonly drop: ReadonlyArray<string> }
    readonly vehicles: { readonly rename: Readonly<Record<string, string>>; readonly drop: ReadonlyArray<string> }
  }
  readonly enums: {
    readonly autoleap: {
      readonly customerType: EnumTable<CustomerType>
      readonly communicationPreference: EnumTable<ContactPreference>
      readonly driveType: EnumTable<Drivetrain>
      readonly transmission: EnumTable<Transmission>
      readonly mileageUnit: EnumTable<MileageUnit>
    }
    readonly autogms: {
      readonly type: EnumTable<CustomerType>
      readonly preferredContact: EnumTable<ContactPreference>
      readonly drivetrain: EnumTable<Drivetrain>
      readonly transmission: EnumTable<Transmission>
      readonly mileageUnit: EnumTable<MileageUnit>
    }
  }
}

/**
 * Lays a file over a base mapping. Scalars and each enum map, tag rule list and rename table replace the base's;
 * the palette is merged name by name, so a shop adds colours without repeating the default ones.
 */
export const mergeMapping = (base: Mapping, file: MappingFile): Mapping => ({
  defaultCountry: file.defaultCountry ?? base.defaultCountry,
  policies: { ...base.policies, ...stripUndefined(file.policies ?? {}) },
  sync: {
    conflicts: {
      customers: { ...base.sync.conflicts.customers, ...(file.sync?.conflicts?.customers ?? {}) },
      vehicles: { ...base.sync.conflicts.vehicles, ...(file.sync?.conflicts?.vehicles ?? {}) }
    },
    deletes: { ...base.sync.deletes, ...stripUndefined(file.sync?.deletes ?? {}) }
  },
  tags: {
    defaultColor: (file.tags?.defaultColor ?? base.tags.defaultColor).toUpperCase(),
    palette: { ...base.tags.palette, ...(file.tags?.palette ?? {}) },
    customers: {
      rename: file.tags?.customers?.rename ?? base.tags.customers.rename,
      drop: file.tags?.customers?.drop ?? base.tags.customers.drop
    },
    vehicles: {
      rename: file.tags?.vehicles?.rename ?? base.tags.vehicles.rename,
      drop: file.tags?.vehicles?.drop ?? base.tags.vehicles.drop
    }
  },
  enums: {
    autoleap: { ...base.enums.autoleap, ...stripUndefined(file.enums?.autoleap ?? {}) },
    autogms: { ...base.enums.autogms, ...stripUndefined(file.enums?.autogms ?? {}) }
  }
})

const stripUndefined = <A extends object>(value: A): { [K in keyof A]-?: Exclude<A[K], undefined> } =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof A]-?: Exclude<A[K], undefined> }

/** The first setting a mapping file must hold to stand alone (the default file must), as a path and a message. */
export const missingSetting = (file: MappingFile): { readonly path: ReadonlyArray<string>; readonly message: string } | undefined => {
  const required: ReadonlyArray<ReadonlyArray<string>> = [
    ["defaultCountry"],
    ["policies", "includeArchived"],
    ["policies", "invalidVin"],
    ["policies", "vinLookup"],
    ["policies", "fillNamesFromBusinessName"],
    ["sync", "deletes", "propagate"],
    ["sync", "deletes", "maxPercent"],
    ["tags", "defaultColor"],
    ["enums", "autoleap", "customerType"],
    ["enums", "autoleap", "communicationPreference"],
    ["enums", "autoleap", "driveType"],
    ["enums", "autoleap", "transmission"],
    ["enums", "autoleap", "mileageUnit"],
    ["enums", "autogms", "type"],
    ["enums", "autogms", "preferredContact"],
    ["enums", "autogms", "drivetrain"],
    ["enums", "autogms", "transmission"],
    ["enums", "autogms", "mileageUnit"]
  ]
  for (const path of required) {
    let node: unknown = file
    for (const key of path) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined
    if (node === undefined) return { path, message: "is missing (the default mapping must set every choice)" }
  }
  return undefined
}

const NO_CHOICES: Mapping = {
  defaultCountry: "US",
  policies: { includeArchived: false, invalidVin: "quarantine", vinLookup: false, fillNamesFromBusinessName: false },
  sync: { conflicts: { customers: {}, vehicles: {} }, deletes: { propagate: false, maxPercent: 2 } },
  tags: { defaultColor: "CCCCCC", palette: {}, customers: { rename: {}, drop: [] }, vehicles: { rename: {}, drop: [] } },
  enums: {
    autoleap: { customerType: {}, communicationPreference: {}, driveType: {}, transmission: {}, mileageUnit: {} },
    autogms: { type: {}, preferredContact: {}, drivetrain: {}, transmission: {}, mileageUnit: {} }
  }
}

/** A mapping from a file that stands alone (check it with missingSetting first). */
export const standaloneMapping = (file: MappingFile): Mapping => mergeMapping(NO_CHOICES, file)
