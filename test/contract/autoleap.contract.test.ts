/**
 * Contract tests for AutoLeap: every request and response example of the published docs (fixtures/recorded/autoleap/)
 * is decoded with the client's wire schemas AND sent to (or expected from) the simulator, and both must give the same
 * outcome. The simulator has its own picture of the API (src/sim/autoleap/contract.ts), so a field the client
 * misspells fails here: the strict decode names it, and the simulator drops it so the read-back misses it.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Layer, Option, Redacted, Schema, Stream } from "effect"
import { layer as transportLayer } from "../../src/http/transport.js"
import { AutoleapClient, layer as autoleapLayer } from "../../src/sources/autoleap/client.js"
import {
  AutoleapBulkSuccess,
  AutoleapCustomerCreateItem,
  AutoleapCustomerList,
  AutoleapVehicle,
  AutoleapVehicleArchiveBody,
  AutoleapVehicleCreateBody,
  AutoleapVehicleCreateItem,
  AutoleapVehicleList,
  AutoleapVehicleListQuery,
  AutoleapVehicleUpdateBody,
  AutoleapVehicleUpdateItem,
  AutoleapWrappedList,
  normalizeAutoleapList
} from "../../src/sources/autoleap/schema.js"
import { startAutoleapSim, type AutoleapSeed, type AutoleapSim } from "../../src/sim/autoleap/index.js"
import {
  decodeAsClient,
  decodeStrictly,
  docsPresent,
  elidedAsEmpty,
  elidedSkeleton,
  notVerbatim,
  queryOf,
  recordedFiles,
  recordedLoader,
  shapeMismatches,
  type Json
} from "./recorded.js"

const recorded = recordedLoader()
const DOC_PARTNER = { partnerId: "doc-partner", authKey: "doc-auth-key" }
const STAMP = "2025-06-01T00:00:00.000Z"

/**
 * The world the docs' examples assume: company SHOP5678 with customer CUST001 and vehicles 125838 and 374849, and
 * the PATCH example's placeholders ("string") as a company, customer and vehicle of their own.
 */
const docWorld: AutoleapSeed = {
  partners: [{ ...DOC_PARTNER, name: "Docs partner", companyIds: ["SHOP5678", "string"] }],
  companies: [
    { companyId: "SHOP5678", name: "Shop 5678", locations: [] },
    { companyId: "string", name: "string", locations: [] }
  ],
  customers: [
    { companyId: "SHOP5678", customerId: "CUST001", customerStatus: "Active", createdDate: STAMP, updatedDate: STAMP, firstName: "Casey", lastName: "Ng" },
    { companyId: "string", customerId: "string", customerStatus: "Active", createdDate: STAMP, updatedDate: STAMP, firstName: "S", lastName: "T" }
  ],
  vehicles: [
    { companyId: "SHOP5678", vehicleId: "125838", customerId: "CUST001", vehicleStatus: "Active", createdDate: STAMP, updatedDate: STAMP, make: "Toyota", model: "Corolla", notes: "old", mileageUnit: "Miles", transmission: "Automatic" },
    { companyId: "SHOP5678", vehicleId: "374849", customerId: "CUST001", vehicleStatus: "Active", createdDate: STAMP, updatedDate: STAMP, make: "Ford", model: "Focus", transmission: "Automatic" },
    { companyId: "string", vehicleId: "string", customerId: "string", vehicleStatus: "Active", createdDate: STAMP, updatedDate: STAMP, make: "Kia", model: "Rio" }
  ]
}

let sim: AutoleapSim
let token: string

beforeAll(async () => {
  sim = await startAutoleapSim({ seed: docWorld })
  const login = await fetch(`${sim.baseUrl}/partners/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(DOC_PARTNER)
  })
  token = ((await login.json()) as Json).data.accessToken
})
afterAll(async () => {
  await sim.close()
})

/** Resets the docs' world before each example that writes, so the examples do not see each other's changes. */
const freshWorld = () => sim.seed(docWorld)

const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
  const response = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await response.text()
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined }
}

/** The path and query of a doc's URL below the API's base ("https://partnerapi.myautoleap.com/v2/vehicles?..." → "/vehicles?..."). */
const below = (url: string): string => {
  const parsed = new URL(url)
  return `${decodeURIComponent(parsed.pathname).replace(/^\/v2/, "")}${parsed.search}`
}

/** Runs an AutoLeap client program against the simulator, as the docs' partner of company `companyId`. */
const withClient = <A, E>(companyId: string, program: Effect.Effect<A, E, AutoleapClient>): Promise<A> =>
  Effect.runPromise(
    program.pipe(
      Effect.provide(
        autoleapLayer({
          baseUrl: sim.baseUrl,
          partnerId: DOC_PARTNER.partnerId,
          authKey: Redacted.make(DOC_PARTNER.authKey),
          companyId,
          rateLimits: { GET: 10_000, POST: 10_000, PUT: 10_000, PATCH: 10_000, DELETE: 10_000 }
        }).pipe(Layer.provide(transportLayer()))
      )
    )
  )

const stored = (vehicleId: string) => sim.dump().vehicles.find((v) => v.vehicleId === vehicleId)

const rightOf = <A>(result: Either.Either<A, Array<string>>): A => {
  if (Either.isLeft(result)) expect.fail(result.left.join("\n"))
  return Either.getOrThrow(result)
}

const encodeWith = <A, I>(schema: Schema.Schema<A, I, never>, value: A): I => Schema.encodeSync(schema)(value)

describe("POST /vehicles (create)", () => {
  it("vehicles-create.request: the client takes every documented field and sends it back unchanged; the simulator stores them all, and the client reads them all back", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-create.request.json")
    const body = rightOf(decodeStrictly(AutoleapVehicleCreateBody, doc.example))
    expect(encodeWith(AutoleapVehicleCreateBody, body)).toEqual(doc.example)

    const documented = (doc.example as Json).vehicles[0]
    const created = await withClient(
      "SHOP5678",
      Effect.gen(function* () {
        const client = yield* AutoleapClient
        const result = yield* client.createVehicles(body.vehicles)
        const all = yield* Stream.runCollect(client.vehicles())
        return { result, readBack: Chunk.toReadonlyArray(all).filter((v) => v.vin === documented.vin) }
      })
    )
    expect(created.result.count).toBe(1)
    expect(created.readBack).toHaveLength(1)
    expect(created.readBack[0]).toMatchObject(documented)
    const raw = sim.dump().vehicles.find((v) => v.vin === documented.vin)
    expect(raw).toMatchObject({ ...documented, companyId: "SHOP5678", vehicleStatus: "Active" })
  })

  it("vehicles-create.request: the doc's payload sent verbatim is accepted by the simulator with the documented answer", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-create.request.json")
    const reply = await send("POST", below(doc.url ?? ""), doc.example)
    expect(reply).toEqual({ status: 200, body: recorded.load("autoleap/vehicles-create.response.json").example })
  })

  it("vehicles-create.body-example: the body panel's items are the curl payload's items; each decodes as a create item; as a whole body (a bare array) both sides refuse it", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-create.body-example.json")
    const items = doc.example as Array<Json>
    expect(items).toEqual((recorded.load("autoleap/vehicles-create.request.json").example as Json).vehicles)
    for (const item of items) expect(encodeWith(AutoleapVehicleCreateItem, rightOf(decodeStrictly(AutoleapVehicleCreateItem, item)))).toEqual(item)
    expect(Either.isLeft(decodeAsClient(AutoleapVehicleCreateBody, items))).toBe(true)
    expect(await send("POST", "/vehicles", items)).toMatchObject({ status: 400, body: { success: false } })
    expect(sim.dump().vehicles).toHaveLength(docWorld.vehicles.length)
  })

  it("vehicles-create.response: the client reads the documented success, and the simulator answers exactly it", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-create.response.json")
    expect(rightOf(decodeAsClient(AutoleapBulkSuccess, doc.example))).toMatchObject({ success: true })
    const reply = await send("POST", "/vehicles", { companyId: "SHOP5678", vehicles: [{ customerId: "CUST001", make: "Mazda" }] })
    expect(reply).toEqual({ status: 200, body: doc.example })
  })
})

describe("PUT /vehicles (update)", () => {
  it("vehicles-update.request: the client takes the payload unchanged; the simulator applies each item's fields to its vehicle", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-update.request.json")
    expect(encodeWith(AutoleapVehicleUpdateBody, rightOf(decodeStrictly(AutoleapVehicleUpdateBody, doc.example)))).toEqual(doc.example)
    const reply = await send("PUT", below(doc.url ?? ""), doc.example)
    expect(reply).toEqual({ status: 200, body: recorded.load("autoleap/vehicles-update.response.json").example })
    const [first, second] = (doc.example as Json).vehicles
    expect(stored("125838")).toMatchObject({ ...first, make: "Toyota", transmission: "Automatic" })
    expect(stored("374849")).toMatchObject({ ...second, make: "Ford" })
  })

  it("vehicles-update.body-example: the body panel's items are the curl payload's items; each decodes as an update item; a bare array is refused by both", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-update.body-example.json")
    const items = doc.example as Array<Json>
    expect(items).toEqual((recorded.load("autoleap/vehicles-update.request.json").example as Json).vehicles)
    for (const item of items) expect(encodeWith(AutoleapVehicleUpdateItem, rightOf(decodeStrictly(AutoleapVehicleUpdateItem, item)))).toEqual(item)
    expect(Either.isLeft(decodeAsClient(AutoleapVehicleUpdateBody, items))).toBe(true)
    expect(await send("PUT", "/vehicles", items)).toMatchObject({ status: 400, body: { success: false } })
    expect(stored("125838")).toMatchObject({ notes: "old" })
  })

  it("vehicles-update.response: the client reads the documented success, and the simulator answers exactly it", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-update.response.json")
    expect(rightOf(decodeAsClient(AutoleapBulkSuccess, doc.example))).toMatchObject({ success: true })
    expect(await send("PUT", "/vehicles", { companyId: "SHOP5678", vehicles: [{ vehicleId: "374849", color: "Red" }] })).toEqual({ status: 200, body: doc.example })
  })
})

describe("PATCH /vehicles (archive)", () => {
  it("vehicles-archive.request: the client takes the payload unchanged; the simulator archives the vehicle named (placeholders and all)", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-archive.request.json")
    expect(encodeWith(AutoleapVehicleArchiveBody, rightOf(decodeStrictly(AutoleapVehicleArchiveBody, doc.example)))).toEqual(doc.example)
    const reply = await send("PATCH", below(doc.url ?? ""), doc.example)
    expect(reply).toEqual({ status: 200, body: recorded.load("autoleap/vehicles-archive.response.json").example })
    expect(stored("string")).toMatchObject({ vehicleStatus: "Inactive" })
  })

  it("vehicles-archive.response: the client reads the documented success, and the simulator answers exactly it", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-archive.response.json")
    expect(rightOf(decodeAsClient(AutoleapBulkSuccess, doc.example))).toMatchObject({ success: true })
    expect(await send("PATCH", "/vehicles", { companyId: "SHOP5678", vehicles: [{ vehicleId: "125838", customerId: "CUST001" }] })).toEqual({ status: 200, body: doc.example })
  })
})

describe("GET /vehicles (list)", () => {
  it("vehicles-list.request: both refuse the doc's placeholder sort=string and nothing else; without it both accept every parameter", async () => {
    const doc = recorded.load("autoleap/vehicles-list.request.json")
    const query = queryOf(doc.url ?? "")
    const clientIssues = decodeStrictly(AutoleapVehicleListQuery, query)
    expect(Either.isLeft(clientIssues)).toBe(true)
    expect(Either.isLeft(clientIssues) && clientIssues.left.every((issue) => issue.startsWith("sort:"))).toBe(true)
    const reply = await send("GET", below(doc.url ?? ""))
    expect(reply).toMatchObject({ status: 400, body: { success: false, error: expect.stringMatching(/^sort /) } })

    const { sort: _placeholder, ...usable } = query
    expect(Either.isRight(decodeStrictly(AutoleapVehicleListQuery, usable))).toBe(true)
    const accepted = await send("GET", `/vehicles?${new URLSearchParams(usable)}`)
    expect(accepted.status).toBe(200)
    expect(rightOf(decodeAsClient(AutoleapVehicleList, accepted.body))).toBeDefined()
  })

  it("vehicles-list.response: the simulator's list has the doc's shape and message; the client decodes it; of the elided example only the [assumed] pagination fields are missing", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicles-list.response.json")
    const text = doc.text ?? ""
    const reply = await send("GET", "/vehicles?companyId=SHOP5678")
    expect(reply.status).toBe(200)
    expect(shapeMismatches(elidedSkeleton(text), reply.body)).toEqual([])
    expect(reply.body.message).toBe(elidedSkeleton(text).message)
    const page = normalizeAutoleapList(rightOf(decodeAsClient(AutoleapVehicleList, reply.body)))
    expect(page.items.map((v) => v.vehicleId).sort()).toEqual(["125838", "374849"])
    const issues = decodeAsClient(AutoleapWrappedList(AutoleapVehicle), elidedAsEmpty(text))
    expect(Either.isLeft(issues) ? issues.left.every((issue) => issue.startsWith("results.pagination.")) : "decoded").toBe(true)
  })
})

describe("GET /vehicles/{vehicleId} (read by id)", () => {
  it("vehicle-get.request: the path alone, no companyId, answers one vehicle in the list shape; an unknown id is a 404", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicle-get.request.json")
    const path = below(doc.url ?? "")
    expect(path).toBe("/vehicles/{vehicleId}")
    const reply = await send("GET", path.replace("{vehicleId}", "125838"))
    expect(reply.status).toBe(200)
    const page = normalizeAutoleapList(rightOf(decodeAsClient(AutoleapVehicleList, reply.body)))
    expect(page.items.map((v) => v.vehicleId)).toEqual(["125838"])
    expect(await send("GET", path.replace("{vehicleId}", "999999"))).toMatchObject({ status: 404, body: { success: false } })
  })

  it("vehicle-get.request: the client reads a vehicle by id and finds none for an unknown id", async () => {
    freshWorld()
    const [found, missing] = await withClient(
      "SHOP5678",
      Effect.gen(function* () {
        const client = yield* AutoleapClient
        return [yield* client.getVehicle("125838"), yield* client.getVehicle("999999")] as const
      })
    )
    expect(Option.map(found, (v) => v.vehicleId)).toEqual(Option.some("125838"))
    expect(Option.isNone(missing)).toBe(true)
  })

  it("vehicle-get.response: the simulator's answer has the doc's shape, and the client decodes it", async () => {
    freshWorld()
    const doc = recorded.load("autoleap/vehicle-get.response.json")
    const reply = await send("GET", "/vehicles/374849")
    expect(shapeMismatches(elidedSkeleton(doc.text ?? ""), reply.body)).toEqual([])
    expect(rightOf(decodeAsClient(AutoleapVehicleList, reply.body))).toBeDefined()
  })
})

describe("customers, from contract/autoleap.md (the published docs show no customer example)", () => {
  /** A CustomerCreateItem holding every field contract/autoleap.md lists, spelled as it spells them. */
  const everyField = {
    customerType: "Regular",
    firstName: "Ada",
    lastName: "Lovelace",
    displayName: "Ada L.",
    companyName: "Analytical Engines",
    phones: [{ number: "+14155550100", label: "Cell", type: "mobile", primary: true, active: true }],
    emails: [{ emailAddress: "ada@example.com", label: "Work", primary: true, active: true }],
    communicationPreference: "email",
    notes: "Prefers mornings",
    mainAddress: { address: "1 Main St", city: "Springfield", state: "IL", zip: "62701", country: "US" },
    taxExempt: false,
    tags: [{ name: "VIP", color: "FFFF00" }],
    chargeAccount: true,
    preferredLocationID: "loc-1",
    languagePreference: "EN",
    okForMarketing: true
  }

  it("the client takes every field unchanged; the simulator stores them all and the client reads them all back", async () => {
    freshWorld()
    const item = rightOf(decodeStrictly(AutoleapCustomerCreateItem, everyField))
    expect(encodeWith(AutoleapCustomerCreateItem, item)).toEqual(everyField)
    const readBack = await withClient(
      "SHOP5678",
      Effect.gen(function* () {
        const client = yield* AutoleapClient
        yield* client.createCustomers([item])
        return yield* client.searchCustomers("ada@example.com")
      })
    )
    expect(readBack).toHaveLength(1)
    expect(readBack[0]).toMatchObject(everyField)
    const id = readBack[0]?.customerId ?? ""
    const one = await send("GET", `/customers/${id}`)
    expect(normalizeAutoleapList(rightOf(decodeAsClient(AutoleapCustomerList, one.body))).items[0]).toMatchObject(everyField)
  })
})

describe("the recorded files", () => {
  it.skipIf(!docsPresent)("are verbatim copies of the doc lines they name", () => {
    // A loader of its own: reading every file here must not count as covering it.
    const all = recordedLoader()
    for (const file of recordedFiles("autoleap")) expect(notVerbatim(all.load(file)), file).toBeUndefined()
  })

  // Runs last: by then every example test above has loaded the files it covers.
  it("each has a contract test above", () => {
    const covered = new Set(recorded.used())
    expect(recordedFiles("autoleap").filter((file) => !covered.has(file))).toEqual([])
  })
})
