import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/sources/**/*.test.ts", "test/e2e/**/*.test.ts", "test/contract/**/*.test.ts"],
    pool: "forks",
    // Two files at a time on the 2-core machines: most of an e2e file's time is spent waiting on its CLI children and
    // simulators, so two keep both cores busy (vitest's default, cores − 1, runs one at a time).
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
