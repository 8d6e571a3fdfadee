// What the shop's people do between two syncs: edit customers and vehicles in either app, sometimes the same field of
// the same customer in both, and add new customers with a vehicle. Made through the simulators' own "user" hooks (no
// API validation, stamped like any change), never on a record the seed spoiled on purpose, so each stays as valid as it was.
import Database from "better-sqlite3"

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Records a user may edit: not archived (AutoLeap), not spoiled on purpose. */
const editable = (records, idField, skip, statusField) =>
  records.filter((r) => (statusField === undefined || r[statusField] !== "Inactive") && !skip.has(r[idField]))

/** Linked pairs from the state file (read-only, between runs). */
const linkedPairs = (statePath) => {
  const db = new Database(statePath, { readonly: true, fileMustExist: true })
  try {
    return db.prepare("SELECT entity, autoleap_id AS autoleapId, autogms_id AS autogmsId FROM links").all()
  } finally {
    db.close()
  }
}

/** A new person and car, unique across the dataset: their keys live in ranges the generator never reaches. */
const newcomer = (dist, rng, n, side) => {
  const spec = rng.pick(dist.MODELS)
  const year = rng.int(Math.max(spec.firstYear, 2010), spec.lastYear)
  const vin = dist.withCorrectCheckDigit(`${spec.vinPrefix}0${dist.YEAR_CODES_FROM_2010[year - 2010]}9${String(900_000 + n)}`)
  const phone = `+1${dist.AREA_CODES[n % dist.AREA_CODES.length]}${dist.EXCHANGES[dist.EXCHANGES.length - 1]}${String(1000 + n)}`
  return {
    first: rng.pick(["Ada", "Grace", "Linus", "Ken", "Barbara", "Edsger"]),
    last: `Chaos${side}${n}`,
    email: `chaos.${side}.${n}@example.com`,
    phone,
    spec,
    year,
    vin,
    plate: `CH${String(n).padStart(5, "0")}`,
    region: rng.pick(["CA", "TX", "NY", "WA"]),
    mileage: rng.int(1_000, 150_000),
    color: rng.pick(["Red", "Blue", "Silver", "Black"])
  }
}

const createInAutoleap = (sandbox, companyId, p) => {
  const customer = sandbox.autoleap.create("customers", companyId, {
    customerType: "regular",
    firstName: p.first,
    lastName: p.last,
    emails: [{ emailAddress: p.email, label: "Personal", primary: true, active: true }],
    phones: [{ number: p.phone, label: "Mobile", type: "mobile", primary: true, active: true }],
    communicationPreference: "email",
    notes: "",
    okForMarketing: true,
    tags: []
  })
  const vehicle = sandbox.autoleap.create("vehicles", companyId, {
    customerId: customer.customerId,
    year: p.year,
    make: p.spec.make,
    model: p.spec.model,
    vin: p.vin,
    licensePlate: p.plate,
    state: p.region,
    color: p.color,
    engine: p.spec.engine,
    mileage: p.mileage,
    mileageUnit: "Miles",
    driveType: p.spec.driveType,
    transmission: "Automatic",
    tags: []
  })
  return { customerId: customer.customerId, vehicleId: vehicle.vehicleId }
}

const createInAutogms = (sandbox, garageId, p) => {
  const customer = sandbox.autogms.create("customers", garageId, {
    type: "individual",
    firstName: p.first,
    lastName: p.last,
    email: p.email,
    phone: p.phone,
    preferredContact: "email",
    marketingOptIn: false,
    taxExempt: false
  })
  const vehicle = sandbox.autogms.create("vehicles", garageId, {
    customerId: customer.id,
    vin: p.vin,
    make: p.spec.make,
    model: p.spec.model,
    year: p.year,
    licensePlate: p.plate,
    plateRegion: p.region,
    color: p.color,
    engine: p.spec.engine,
    mileage: p.mileage,
    mileageUnit: "mi",
    transmission: "automatic",
    drivetrain: p.spec.driveType.toLowerCase()
  })
  return { customerId: customer.id, vehicleId: vehicle.id }
}

/**
 * One round of edits on both sides; `spoiled` holds the ids of the seed's deliberately bad records (left alone),
 * `counter` numbers new records across rounds, and the ids of new records join `userIds[system][entity]`. Returns
 * what was done, counted by kind.
 */
export const editBothSides = async ({ world, dist, rng, spoiled, counter, round, userIds }) => {
  const { sandbox } = world
  const companyId = world.env.AUTOLEAP_COMPANY_ID
  const garageId = world.env.AUTOGMS_GARAGE_ID
  const al = sandbox.autoleap.dump()
  const gms = sandbox.autogms.dump()
  const pairs = linkedPairs(world.state)
  const mine = {
    alCustomers: al.customers.filter((c) => c.companyId === companyId),
    alVehicles: al.vehicles.filter((v) => v.companyId === companyId),
    gCustomers: gms.customers.filter((c) => c.garageId === garageId),
    gVehicles: gms.vehicles.filter((v) => v.garageId === garageId)
  }
  const skip = new Set(spoiled)
  const alCustomers = editable(mine.alCustomers, "customerId", skip, "customerStatus")
  const alVehicles = editable(mine.alVehicles, "vehicleId", skip, "vehicleStatus")
  const gCustomers = editable(mine.gCustomers, "id", skip)
  const gVehicles = editable(mine.gVehicles, "id", skip)
  const done = { edits: 0, conflicts: 0, creates: 0 }
  const tag = `r${round}`

  for (let i = rng.int(1, 4); i > 0 && alCustomers.length > 0; i--) {
    const c = rng.pick(alCustomers)
    const patch = rng.pick([{ notes: `AutoLeap note ${tag}-${i}` }, { lastName: `${c.lastName ?? "Doe"}-${tag}` }, { okForMarketing: c.okForMarketing !== true }])
    sandbox.autoleap.edit("customers", c.customerId, patch)
    done.edits++
  }
  for (let i = rng.int(1, 4); i > 0 && gCustomers.length > 0; i--) {
    const c = rng.pick(gCustomers)
    const patch = rng.pick([{ notes: `autoGMS note ${tag}-${i}` }, { firstName: `${c.firstName ?? "Jo"}-${tag}` }, { marketingOptIn: c.marketingOptIn !== true }])
    sandbox.autogms.edit("customers", c.id, patch)
    done.edits++
  }
  for (let i = rng.int(0, 3); i > 0 && alVehicles.length > 0; i--) {
    const v = rng.pick(alVehicles)
    sandbox.autoleap.edit("vehicles", v.vehicleId, rng.pick([{ color: `Teal ${tag}` }, { mileage: (v.mileage ?? 0) + rng.int(100, 5_000) }, { notes: `AutoLeap vehicle note ${tag}` }]))
    done.edits++
  }
  for (let i = rng.int(0, 3); i > 0 && gVehicles.length > 0; i--) {
    const v = rng.pick(gVehicles)
    sandbox.autogms.edit("vehicles", v.id, rng.pick([{ color: `Plum ${tag}` }, { mileage: (v.mileage ?? 0) + rng.int(100, 5_000) }, { notes: `autoGMS vehicle note ${tag}` }]))
    done.edits++
  }

  // The same field of one linked customer changed in both apps: the newer edit must win on both sides.
  const customerPairs = pairs.filter((p) => p.entity === "customers" && !skip.has(p.autoleapId) && !skip.has(p.autogmsId))
  if (customerPairs.length > 0 && rng.chance(0.8)) {
    const pair = rng.pick(customerPairs)
    sandbox.autoleap.edit("customers", pair.autoleapId, { notes: `older, from AutoLeap ${tag}` })
    await sleep(5)
    sandbox.autogms.edit("customers", pair.autogmsId, { notes: `newer, from autoGMS ${tag}` })
    done.conflicts++
  }

  const made = (system, ids) => {
    userIds[system].customers.add(ids.customerId)
    userIds[system].vehicles.add(ids.vehicleId)
    done.creates++
  }
  if (rng.chance(0.7)) made("autoleap", createInAutoleap(sandbox, companyId, newcomer(dist, rng, ++counter.n, "al")))
  if (rng.chance(0.7)) made("autogms", createInAutogms(sandbox, garageId, newcomer(dist, rng, ++counter.n, "gms")))
  return done
}
