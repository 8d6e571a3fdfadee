// The end state of one seed, judged from outside: both simulators' stores (their dumps, and autoGMS's VIN lookup over
// HTTP) and the state file opened read-only. Nothing here imports shopbridge: the rules are contract/mapping.md's.
import Database from "better-sqlite3"

const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/
const MAX_EXAMPLES = 5

// ---------------------------------------------------------------------------------------------------------------------
// Values as mapping.md compares them.

/** Trimmed, inner white space collapsed; empty is no value. */
const text = (value) => {
  if (typeof value !== "string") return value ?? null
  const clean = value.trim().replace(/\s+/g, " ")
  return clean === "" ? null : clean
}
const lower = (value) => text(value)?.toLowerCase() ?? null
const vinOf = (value) => (typeof value === "string" && value.trim() !== "" ? value.toUpperCase().replace(/[\s-]+/g, "") : null)
/** Ten or more digits, a bare US number given its country code: enough to compare E.164 with what people type. */
const phoneOf = (value) => {
  const digits = typeof value === "string" ? value.replace(/\D/g, "") : ""
  if (digits.length < 10) return null
  return digits.length === 10 ? `1${digits}` : digits
}
const plateOf = (plate, region) =>
  typeof plate === "string" && plate.trim() !== "" ? `${plate.toUpperCase().replace(/[\s-]/g, "")}/${lower(region) ?? ""}` : null
const validYear = (year) => Number.isInteger(year) && year >= 1886 && year <= new Date().getUTCFullYear() + 1

const primaryPhone = (phones) => {
  const list = Array.isArray(phones) ? phones : []
  return (list.find((p) => p.primary === true) ?? list[0])?.number
}
const autoleapEmails = (c) => (Array.isArray(c.emails) ? c.emails.map((e) => lower(e.emailAddress)).filter((e) => e !== null) : [])
const tagNames = (tags) =>
  (Array.isArray(tags) ? tags : [])
    .map((t) => lower(typeof t === "string" ? t : t?.name))
    .filter((t) => t !== null)
    .sort()
    .join(",")

// ---------------------------------------------------------------------------------------------------------------------
// The two sides, scoped to the shop pair, by id.

const SIDES = {
  autoleap: { customerId: "customerId", vehicleId: "vehicleId", archived: (r, entity) => r[entity === "customers" ? "customerStatus" : "vehicleStatus"] === "Inactive" },
  autogms: { customerId: "id", vehicleId: "id", archived: () => false }
}
const otherSide = (system) => (system === "autoleap" ? "autogms" : "autoleap")
const idOf = (system, entity, record) => String(record[entity === "customers" ? SIDES[system].customerId : SIDES[system].vehicleId])

const byId = (system, entity, records) => new Map(records.map((r) => [idOf(system, entity, r), r]))

const sidesOf = (world) => {
  const company = world.env.AUTOLEAP_COMPANY_ID
  const garage = world.env.AUTOGMS_GARAGE_ID
  const al = world.sandbox.autoleap.dump()
  const gms = world.sandbox.autogms.dump()
  return {
    autoleap: {
      customers: byId("autoleap", "customers", al.customers.filter((r) => r.companyId === company)),
      vehicles: byId("autoleap", "vehicles", al.vehicles.filter((r) => r.companyId === company))
    },
    autogms: {
      customers: byId("autogms", "customers", gms.customers.filter((r) => r.garageId === garage)),
      vehicles: byId("autogms", "vehicles", gms.vehicles.filter((r) => r.garageId === garage))
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Duplicates: records of one side that share a natural key, beyond what the shop itself made (on either side).

/** A record's natural keys as mapping.md matches them: email and phone, or VIN and plate + region. */
export const keysOf = (system, entity, r) => {
  if (entity === "vehicles") return [vinOf(r.vin), plateOf(r.licensePlate, system === "autoleap" ? r.state : r.plateRegion)].filter((k) => k !== null)
  const emails = system === "autoleap" ? autoleapEmails(r) : [lower(r.email)].filter((e) => e !== null)
  const phone = phoneOf(system === "autoleap" ? primaryPhone(r.phones) : r.phone)
  return [...emails.map((e) => `email:${e}`), ...(phone === null ? [] : [`phone:${phone}`])]
}

/** Records of one side and entity joined by any shared natural key: each record's group (a representative id). */
const keyGroups = (system, entity, records) => {
  const parent = new Map()
  const find = (id) => {
    while (parent.get(id) !== id) id = parent.get(id)
    return id
  }
  const holderOf = new Map()
  for (const [id, r] of records) {
    parent.set(id, id)
    for (const key of keysOf(system, entity, r)) {
      const holder = holderOf.get(key)
      if (holder === undefined) holderOf.set(key, id)
      else parent.set(find(id), find(holder))
    }
  }
  return new Map([...records.keys()].map((id) => [id, find(id)]))
}

/**
 * Records beyond the first that share a natural key are duplicates, except as many as the shop made itself on that side
 * (`userIds`: the seed's own duplicates) or as many as mirror one group of its own on the other side (two source
 * records sharing an email are two records there too). `counterpartOf` is the link to the other side.
 */
const duplicatesOn = (groups, userIds, counterpartOf, otherGroups) => {
  const members = new Map()
  for (const [id, root] of groups) members.set(root, [...(members.get(root) ?? []), id])
  const found = []
  for (const ids of members.values()) {
    if (ids.length < 2) continue
    const mirrored = new Map()
    for (const id of ids) {
      const root = otherGroups.get(counterpartOf(id))
      if (root !== undefined) mirrored.set(root, (mirrored.get(root) ?? 0) + 1)
    }
    const excess = ids.length - Math.max(1, ids.filter((id) => userIds.has(id)).length, ...mirrored.values())
    if (excess > 0) found.push({ excess, ids })
  }
  return found
}

// ---------------------------------------------------------------------------------------------------------------------
// Quarantine: each reason must be the record's real defect.

const missingName = (system, r) => {
  const first = text(r.firstName)
  const last = text(r.lastName)
  const business = text(system === "autoleap" ? r.companyName : r.businessName)
  // Towards AutoLeap both names are required (mapping.md); towards autoGMS any name will do.
  return system === "autogms" ? first === null || last === null : first === null && last === null && business === null
}

const vinLookup = async (world, vin) => {
  const url = `${world.env.AUTOGMS_BASE_URL}/garages/${world.env.AUTOGMS_GARAGE_ID}/vehicles/vin-lookup?vin=${encodeURIComponent(vin)}`
  const response = await fetch(url, { headers: { "x-api-key": world.env.AUTOGMS_API_KEY } })
  return response.ok ? (await response.json()).data : null
}

/** Why a quarantine is not justified by its record, or null when it is. `seedIds`: the records the seed holds. */
const unjustified = async (world, sides, quarantined, seedIds, q) => {
  const record = sides[q.system][q.entity].get(q.source_id)
  if (record === undefined) return "the record is not in its system"
  switch (q.code) {
    case "MISSING_NAME":
      return missingName(q.system, record) ? null : "it has the names the target needs"
    case "INVALID_VIN": {
      const vin = vinOf(record.vin)
      return vin !== null && !VIN_PATTERN.test(vin) ? null : `its VIN ${record.vin} is valid`
    }
    case "MISSING_MAKE_MODEL": {
      if (q.system !== "autoleap") return "autoGMS vehicles always have make and model"
      const missing = ["make", "model"].filter((f) => text(record[f]) === null)
      if (missing.length === 0) return "it has make and model"
      const vin = vinOf(record.vin)
      const decoded = vin !== null && VIN_PATTERN.test(vin) ? await vinLookup(world, vin) : null
      return decoded !== null && missing.every((f) => text(decoded[f]) !== null) ? "autoGMS's VIN lookup fills them" : null
    }
    case "ORPHAN_VEHICLE": {
      const ownerId = String(record.customerId)
      // The seed's own orphans point at customer ids the simulators may hand out later, to someone else entirely.
      if (seedIds[q.system].vehicles.has(q.source_id) && !seedIds[q.system].customers.has(ownerId)) return null
      const owner = sides[q.system].customers.get(ownerId)
      if (owner === undefined || SIDES[q.system].archived(owner, "customers")) return null
      const ownerQuarantine = quarantined.get(`${q.system}/customers/${ownerId}`)
      if (ownerQuarantine !== undefined && (await unjustified(world, sides, quarantined, seedIds, ownerQuarantine)) === null) return null
      return `its customer ${ownerId} is there and was not held back for a reason of its own`
    }
    default:
      return `${q.code} names no defect a seed record has (${q.message})`
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Linked pairs: equal in every mapped field both sides hold.

const same = (field, a, b, out) => {
  if (a !== b) out.push(`${field} ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`)
}
/** Compared only when both sides hold a usable value: the other is allowed to lack one (mapping.md's warnings). */
const sameIfBoth = (field, a, b, out) => {
  if (a !== null && a !== undefined && b !== null && b !== undefined) same(field, a, b, out)
}

const customerDifferences = (al, g) => {
  const out = []
  same("firstName", text(al.firstName), text(g.firstName), out)
  same("lastName", text(al.lastName), text(g.lastName), out)
  same("companyName/businessName", text(al.companyName), text(g.businessName), out)
  same("notes", text(al.notes), text(g.notes), out)
  same("tags", tagNames(al.tags), tagNames(g.tags), out)
  sameIfBoth("okForMarketing/marketingOptIn", al.okForMarketing, g.marketingOptIn, out)
  sameIfBoth("taxExempt", al.taxExempt, g.taxExempt, out)
  sameIfBoth("phone", phoneOf(primaryPhone(al.phones)), phoneOf(g.phone), out)
  const email = lower(g.email)
  if (email !== null && autoleapEmails(al).length > 0 && !autoleapEmails(al).includes(email)) out.push(`email ${email} not among ${autoleapEmails(al).join(", ")}`)
  return out
}

const vehicleDifferences = (al, g, ownerLink) => {
  const out = []
  same("customer", ownerLink.get(String(al.customerId)) ?? `unlinked ${al.customerId}`, String(g.customerId), out)
  sameIfBoth("vin", vinOf(al.vin), vinOf(g.vin), out)
  sameIfBoth("make", lower(al.make), lower(g.make), out)
  sameIfBoth("model", lower(al.model), lower(g.model), out)
  if (validYear(al.year) && validYear(g.year)) same("year", al.year, g.year, out)
  same("licensePlate", text(al.licensePlate), text(g.licensePlate), out)
  same("state/plateRegion", text(al.state), text(g.plateRegion), out)
  same("color", text(al.color), text(g.color), out)
  same("engine", text(al.engine), text(g.engine), out)
  same("notes", text(al.notes), text(g.notes), out)
  if (typeof al.mileage === "number" && typeof g.mileage === "number") same("mileage", Math.round(al.mileage), Math.round(g.mileage), out)
  return out
}

// ---------------------------------------------------------------------------------------------------------------------

const readState = (path) => {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return {
      integrity: db.pragma("integrity_check", { simple: true }),
      openLedger: db.prepare("SELECT count(*) AS n FROM ledger WHERE status IN ('pending', 'sent', 'unknown')").get().n,
      unfinished: db.prepare("SELECT id, status FROM runs WHERE dry_run = 0 AND status NOT IN ('completed', 'completed_with_errors')").all(),
      links: db.prepare("SELECT entity, autoleap_id AS autoleapId, autogms_id AS autogmsId FROM links").all(),
      quarantine: db.prepare("SELECT entity, system, source_id, code, message FROM quarantine").all()
    }
  } finally {
    db.close()
  }
}

/**
 * Judges the world after the seed's last run. `seedIds[system][entity]` holds the ids of the seed's records, `userIds`
 * those and the ones the runner created since: every record the shop made itself. Returns counts per check and a few
 * examples of each failure.
 */
export const checkWorld = async (world, { seedIds, userIds }) => {
  world.faultsOff()
  const sides = sidesOf(world)
  const state = readState(world.state)
  const examples = []
  const note = (line) => {
    if (examples.length < MAX_EXAMPLES * 4) examples.push(line)
  }

  const links = { customers: { autoleap: new Map(), autogms: new Map() }, vehicles: { autoleap: new Map(), autogms: new Map() } }
  for (const l of state.links) {
    links[l.entity].autoleap.set(l.autoleapId, l.autogmsId)
    links[l.entity].autogms.set(l.autogmsId, l.autoleapId)
  }

  let duplicates = 0
  for (const entity of ["customers", "vehicles"]) {
    const groups = { autoleap: keyGroups("autoleap", entity, sides.autoleap[entity]), autogms: keyGroups("autogms", entity, sides.autogms[entity]) }
    for (const system of ["autoleap", "autogms"]) {
      const counterpartOf = (id) => links[entity][system].get(id)
      for (const group of duplicatesOn(groups[system], userIds[system][entity], counterpartOf, groups[otherSide(system)])) {
        duplicates += group.excess
        note(`duplicate ${system} ${entity}: ${group.ids.join(", ")}`)
      }
    }
  }
  const quarantined = new Map(state.quarantine.map((q) => [`${q.system}/${q.entity}/${q.source_id}`, q]))

  let unjustifiedQuarantines = 0
  for (const q of state.quarantine) {
    const why = await unjustified(world, sides, quarantined, seedIds, q)
    if (why !== null) {
      unjustifiedQuarantines++
      note(`quarantine ${q.code} of ${q.system} ${q.entity} ${q.source_id} not justified: ${why}`)
    }
  }

  // Every record the shop has, not archived and not held back, is on the other side, through its link.
  let lost = 0
  for (const system of ["autoleap", "autogms"]) {
    for (const entity of ["customers", "vehicles"]) {
      for (const [id, record] of sides[system][entity]) {
        if (SIDES[system].archived(record, entity) || quarantined.has(`${system}/${entity}/${id}`)) continue
        const counterpart = links[entity][system].get(id)
        if (counterpart !== undefined && sides[otherSide(system)][entity].has(counterpart)) continue
        lost++
        note(`lost ${system} ${entity} ${id}: ${counterpart === undefined ? "not linked" : `linked to ${counterpart}, which is not there`}`)
      }
    }
  }

  // A record held back (its quarantine judged above) is not written, so its pair may differ until it is fixed.
  let unequal = 0
  for (const l of state.links) {
    const al = sides.autoleap[l.entity].get(l.autoleapId)
    const g = sides.autogms[l.entity].get(l.autogmsId)
    if (al === undefined || g === undefined) continue
    if (quarantined.has(`autoleap/${l.entity}/${l.autoleapId}`) || quarantined.has(`autogms/${l.entity}/${l.autogmsId}`)) continue
    const differences = l.entity === "customers" ? customerDifferences(al, g) : vehicleDifferences(al, g, links.customers.autoleap)
    if (differences.length > 0) {
      unequal++
      note(`${l.entity} ${l.autoleapId} ⇄ ${l.autogmsId} differ: ${differences.join("; ")}`)
    }
  }

  if (state.integrity !== "ok") note(`integrity_check: ${state.integrity}`)
  for (const run of state.unfinished) note(`run ${run.id} left ${run.status}`)
  if (state.openLedger > 0) note(`${state.openLedger} ledger rows left open`)
  return {
    duplicates,
    lost,
    unjustifiedQuarantines,
    unequal,
    integrityOk: state.integrity === "ok",
    openLedger: state.openLedger,
    unfinishedRuns: state.unfinished.length,
    quarantined: state.quarantine.length,
    links: state.links.length,
    examples
  }
}

/** Whether a seed's checks all passed. */
export const passed = (c) =>
  c.duplicates === 0 && c.lost === 0 && c.unjustifiedQuarantines === 0 && c.unequal === 0 && c.integrityOk && c.openLedger === 0 && c.unfinishedRuns === 0
