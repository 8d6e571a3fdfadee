import { defineConfig } from "vitest/config"

// Benchmarks are plain test files that measure and print their figures; they never run in `npm test`.
export default defineConfig({
  test: {
    include: ["test/bench/**/*.bench.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 900_000
  }
})
