import { existsSync } from "node:fs"

/**
 * cli.md: "A `.env` file in the working directory may hold the same variables." Variables already set in the environment win,
 * which is what Node's own loader does, so a CI job can override a developer's file.
 */
export const loadDotEnv = (path = ".env"): void => {
  if (existsSync(path)) process.loadEnvFile(path)
}
