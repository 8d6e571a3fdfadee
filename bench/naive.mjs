// The naive way (issue 12, item 3): the migration a shop's IT person would write in an afternoon, to measure
// shopbridge against. It copies customers, then vehicles, from one system to the other:
//   - sequential: one request at a time, records in the order the source lists them;
//   - one request per record: autoGMS has no bulk write, and AutoLeap's bulk endpoints get one item per call;
//   - a 429 is answered by a fixed sleep (--sleep-on-429-ms, "wait a minute") and the same request again;
//   - a failed connection or a 5xx is tried again after a second, up to 3 times (what one adds after the first flaky run);
//   - no matching against what the target already holds, no read-back of its writes, no ledger: what a record became is
//     remembered in memory only, from the create's answer. AutoLeap's creates answer without ids, so towards AutoLeap the
//     customers' new ids come from one listing of AutoLeap's customers once all are created (matched by email, phone,
//     else name): the vehicles need them.
//
//   node bench/naive.mjs --from autoleap|autogms --to autogms|autoleap [--sleep-on-429-ms 60000]
//
// Reads the variables shopbridge reads (AUTOLEAP_BASE_URL, _PARTNER_ID, _AUTH_KEY, _COMPANY_ID, AUTOGMS_BASE_URL,
// _API_KEY, _GARAGE_ID) and prints one JSON line of what it did. Plain Node: fetch, no dependency.
import { parseArgs } from "node:util"
import { setTimeout as sleep } from "node:timers/promises"

const { values: args } = parseArgs({
  options: { from: { type: "string" }, to: { type: "string" }, "sleep-on-429-ms": { type: "string", default: "60000" } },
  strict: true
})
const direction = `${args.from}-${args.to}`
if (direction !== "autoleap-autogms" && direction !== "autogms-autoleap") {
  process.stderr.write("usage: node bench/naive.mjs --from autoleap --to autogms | --from autogms --to autoleap\n")
  process.exit(2)
}
const sleepOn429Ms = Number(args["sleep-on-429-ms"])
const env = (name) => {
  const value = process.env[name]
  if (value === undefined || value === "") {
    process.stderr.write(`naive: ${name} is not set\n`)
    process.exit(2)
  }
  return value
}

const done = { customers: 0, vehicles: 0 }
const failed = { customers: 0, vehicles: 0 }
let ownerMissing = 0
let retries = 0
let sleptOn429 = 0

/** One request, tried again on 429 (after the fixed sleep), on a failed connection or a 5xx (after a second, 3 times). */
const call = async (method, url, { headers = {}, body } = {}) => {
  for (let errors = 0; ; ) {
    let response
    try {
      response = await fetch(url, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
    } catch (error) {
      if (++errors > 3) throw error
      retries++
      await sleep(1000)
      continue
    }
    if (response.status === 429) {
      sleptOn429++
      await response.body?.cancel()
      await sleep(sleepOn429Ms)
      continue
    }
    if (response.status >= 500 && ++errors <= 3) {
      retries++
      await response.body?.cancel()
      await sleep(1000)
      continue
    }
    const text = await response.text()
    return { status: response.status, json: text === "" ? null : JSON.parse(text) }
  }
}

const ok = (r) => r.status >= 200 && r.status < 300

// ── AutoLeap ────────────────────────────────────────────────────────────────────────────────────────────────────────
const autoleap = {
  base: env("AUTOLEAP_BASE_URL").replace(/\/+$/, ""),
  companyId: env("AUTOLEAP_COMPANY_ID"),
  token: undefined
}
const loginAutoleap = async () => {
  const r = await call("POST", `${autoleap.base}/partners/login`, { body: { partnerId: env("AUTOLEAP_PARTNER_ID"), authKey: env("AUTOLEAP_AUTH_KEY") } })
  if (!ok(r)) throw new Error(`AutoLeap login: ${r.status}`)
  autoleap.token = r.json.data.accessToken
}
const autoleapHeaders = () => ({ authorization: `Bearer ${autoleap.token}` })

/** Every record of an AutoLeap list, page by page (either of its two list shapes). */
async function* autoleapList(path) {
  for (let page = 1; ; page++) {
    const r = await call("GET", `${autoleap.base}${path}?companyId=${encodeURIComponent(autoleap.companyId)}&page=${page}&size=100`, { headers: autoleapHeaders() })
    if (!ok(r)) throw new Error(`AutoLeap GET ${path}: ${r.status}`)
    const content = r.json.results?.content ?? r.json.content ?? []
    yield* content
    if ((r.json.results?.pagination?.last ?? r.json.last) === true || content.length < 100) return
  }
}
const autoleapCreate = (entity, item) =>
  call("POST", `${autoleap.base}/${entity}`, { headers: autoleapHeaders(), body: { companyId: autoleap.companyId, [entity]: [item] } })

// ── autoGMS ─────────────────────────────────────────────────────────────────────────────────────────────────────────
const autogms = { base: `${env("AUTOGMS_BASE_URL").replace(/\/+$/, "")}/garages/${encodeURIComponent(env("AUTOGMS_GARAGE_ID"))}` }
const autogmsHeaders = () => ({ "x-api-key": env("AUTOGMS_API_KEY") })

async function* autogmsList(path) {
  for (let page = 1; ; page++) {
    const r = await call("GET", `${autogms.base}${path}?page=${page}&limit=100`, { headers: autogmsHeaders() })
    if (!ok(r)) throw new Error(`autoGMS GET ${path}: ${r.status}`)
    yield* r.json.data
    if (!r.json.pagination.hasMore) return
  }
}
const autogmsCreate = (path, body) => call("POST", `${autogms.base}${path}`, { headers: autogmsHeaders(), body })

// ── field by field, as the two APIs' docs name them ─────────────────────────────────────────────────────────────────
const first = (list) => (list ?? []).find((x) => x.primary) ?? (list ?? [])[0]

/** autoGMS wants two-letter countries; the shop's AutoLeap data says "USA" (fixed after the first test run refused all). */
const twoLetterCountry = (country) => (country === "USA" || country === "United States" ? "US" : /^[A-Za-z]{2}$/.test(country ?? "") ? country : null)

const customerToAutogms = (c) => ({
  type: c.companyName && !c.firstName ? "business" : "individual",
  firstName: c.firstName ?? null,
  lastName: c.lastName ?? null,
  businessName: c.companyName ?? null,
  email: first(c.emails)?.emailAddress ?? null,
  phone: first(c.phones)?.number ?? null,
  notes: c.notes ?? null,
  address: c.mainAddress
    ? { line1: c.mainAddress.address ?? null, city: c.mainAddress.city ?? null, state: c.mainAddress.state ?? null, postalCode: c.mainAddress.zip ?? null, country: twoLetterCountry(c.mainAddress.country) }
    : null
})
const vehicleToAutogms = (v, customerId) => ({
  customerId,
  vin: v.vin ?? null,
  make: v.make ?? null,
  model: v.model ?? null,
  year: v.year ?? null,
  licensePlate: v.licensePlate ?? null,
  plateRegion: v.state ?? null,
  color: v.color ?? null,
  mileage: v.mileage ?? null,
  notes: v.notes ?? null
})
const customerToAutoleap = (c) => ({
  firstName: c.firstName ?? "",
  lastName: c.lastName ?? "",
  companyName: c.businessName ?? null,
  emails: c.email ? [{ emailAddress: c.email, primary: true, active: true }] : [],
  phones: c.phone ? [{ number: c.phone, type: "mobile", primary: true, active: true }] : [],
  notes: c.notes ?? null,
  mainAddress: c.address
    ? { address: c.address.line1 ?? null, city: c.address.city ?? null, state: c.address.state ?? null, zip: c.address.postalCode ?? null, country: c.address.country ?? null }
    : null
})
const vehicleToAutoleap = (v, customerId) => ({
  customerId,
  vin: v.vin ?? null,
  make: v.make ?? null,
  model: v.model ?? null,
  year: v.year ?? null,
  licensePlate: v.licensePlate ?? null,
  state: v.plateRegion ?? null,
  color: v.color ?? null,
  mileage: v.mileage ?? null,
  notes: v.notes ?? null
})

/** How the script recognises a customer it created in AutoLeap: its email, else its phone's digits, else its name. */
const contactKey = (email, phone, name) =>
  email ? `e:${email.trim().toLowerCase()}` : phone ? `p:${phone.replace(/\D/g, "")}` : `n:${name.trim().toLowerCase()}`

/** The first refusal of each status per entity, to tell what the naive mapping got wrong. */
const refusals = {}
const count = (r, entity) => {
  if (ok(r)) return done[entity]++
  failed[entity]++
  refusals[`${entity} ${r.status}`] ??= JSON.stringify(r.json).slice(0, 300)
}

const autoleapToAutogms = async () => {
  await loginAutoleap()
  const ids = new Map()
  for await (const c of autoleapList("/customers")) {
    const r = await autogmsCreate("/customers", customerToAutogms(c))
    count(r, "customers")
    if (ok(r)) ids.set(c.customerId, r.json.data.id)
  }
  for await (const v of autoleapList("/vehicles")) {
    const owner = ids.get(v.customerId)
    if (owner === undefined) {
      ownerMissing++
      continue
    }
    count(await autogmsCreate("/vehicles", vehicleToAutogms(v, owner)), "vehicles")
  }
}

const autogmsToAutoleap = async () => {
  await loginAutoleap()
  const keyOf = new Map()
  for await (const c of autogmsList("/customers")) {
    const item = customerToAutoleap(c)
    count(await autoleapCreate("customers", item), "customers")
    keyOf.set(c.id, contactKey(c.email, c.phone, `${item.firstName} ${item.lastName}`))
  }
  // The creates answered without ids: one listing of AutoLeap's customers finds them.
  const idByKey = new Map()
  for await (const c of autoleapList("/customers")) {
    idByKey.set(contactKey(first(c.emails)?.emailAddress, first(c.phones)?.number, `${c.firstName ?? ""} ${c.lastName ?? ""}`), c.customerId)
  }
  for await (const v of autogmsList("/vehicles")) {
    const owner = idByKey.get(keyOf.get(v.customerId))
    if (owner === undefined) {
      ownerMissing++
      continue
    }
    count(await autoleapCreate("vehicles", vehicleToAutoleap(v, owner)), "vehicles")
  }
}

const started = performance.now()
await (direction === "autoleap-autogms" ? autoleapToAutogms() : autogmsToAutoleap())
process.stdout.write(
  `${JSON.stringify({ direction, wallMs: Math.round(performance.now() - started), created: done, failed, vehiclesWithoutOwner: ownerMissing, retries, sleptOn429, refusals })}\n`
)
