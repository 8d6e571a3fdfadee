export * from "./autoleap.js"
export * from "./autogms.js"
export * from "./rateLimits.js"
