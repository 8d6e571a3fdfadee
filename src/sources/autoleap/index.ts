export * from "./client.js"
export * from "./errors.js"
export * from "./estimate.js"
export type { AutoleapTokens } from "./auth.js"
