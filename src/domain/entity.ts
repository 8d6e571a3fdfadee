/** The kinds of record shopbridge moves; customers always before vehicles (a vehicle needs its owner). */
export type Entity = "customers" | "vehicles"
export const entities: ReadonlyArray<Entity> = ["customers", "vehicles"]
