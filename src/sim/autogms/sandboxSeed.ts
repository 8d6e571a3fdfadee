import type { AutogmsSeed } from "./types.js"

/** The sandbox's keys and garages with no customers or vehicles: what the simulator starts with when given no seed. */
export const sandboxAutogmsSeed: AutogmsSeed = {
  apiKeys: [
    { key: "agms_pk_test_sandbox_rw", access: "read_write", garageIds: ["garage-1"], ratePerMinute: 1000 },
    { key: "agms_pk_test_sandbox_ro", access: "read", garageIds: ["garage-1"], ratePerMinute: 60 },
    { key: "agms_pk_test_other_rw", access: "read_write", garageIds: ["garage-2"], ratePerMinute: 300 }
  ],
  garages: [
    { id: "garage-1", name: "Sandbox Auto Repair", country: "US", timezone: "America/Chicago", currency: "USD", distanceUnit: "mi" },
    { id: "garage-2", name: "Other Garage", country: "GB", timezone: "Europe/London", currency: "GBP", distanceUnit: "km" }
  ],
  customers: [],
  vehicles: []
}
