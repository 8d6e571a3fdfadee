import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ensureBuilt } from "./migrateHarness.js"

const root = resolve(import.meta.dirname, "..", "..")
const bin = join(root, "dist", "cli", "bin.js")
const children: Array<ChildProcessWithoutNullStreams> = []
let scratch: string

beforeAll(async () => {
  // The shared, locked build: other files run the CLI from dist/ meanwhile, so it is never rebuilt under them.
  await ensureBuilt()
  expect(existsSync(bin)).toBe(true)
  scratch = await mkdtemp(join(tmpdir(), "shopbridge-sandbox-e2e-"))
}, 180_000)

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL")
  await rm(scratch, { recursive: true, force: true })
})

interface Running {
  readonly child: ChildProcessWithoutNullStreams
  readonly env: Record<string, string>
  readonly stderr: () => string
  readonly exit: Promise<number | null>
}

const EXPECTED_VARIABLES = [
  "AUTOLEAP_BASE_URL", "AUTOLEAP_PARTNER_ID", "AUTOLEAP_AUTH_KEY", "AUTOLEAP_COMPANY_ID", "AUTOLEAP_RATE_LIMITS",
  "AUTOGMS_BASE_URL", "AUTOGMS_API_KEY", "AUTOGMS_GARAGE_ID", "AUTOGMS_RATE_LIMIT"
]

/** Starts `shopbridge sandbox` from a directory that is not the repository, and waits for its export lines. */
const startCli = (args: ReadonlyArray<string>): Promise<Running> =>
  new Promise((resolveStart, rejectStart) => {
    const child = spawn(process.execPath, [bin, "sandbox", ...args], { cwd: scratch, stdio: "pipe" })
    children.push(child)
    let stdout = ""
    let stderr = ""
    const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)))
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
      const env: Record<string, string> = {}
      for (const line of stdout.split("\n")) {
        const match = /^export ([A-Z_]+)=(.*)$/.exec(line)
        if (match) env[match[1]!] = match[2]!.replace(/^'(.*)'$/, "$1")
      }
      if (EXPECTED_VARIABLES.every((name) => name in env)) resolveStart({ child, env, stderr: () => stderr, exit })
    })
    void exit.then((code) => rejectStart(new Error(`sandbox exited early with ${code}: ${stderr}`)))
  })

/** Plain HTTP, as any client would call the sandbox; `T` is the shape the test expects (a wrong guess fails the test). */
const json = async <T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
  const response = await fetch(url, init)
  return { status: response.status, body: (await response.json()) as T }
}

const runToExit = (args: ReadonlyArray<string>): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((done) =>
    execFile(process.execPath, [bin, "sandbox", ...args], { cwd: scratch }, (error, stdout, stderr) =>
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr })
    )
  )

describe("shopbridge sandbox", () => {
  it("prints export lines that open both seeded APIs, says how to stop, and exits 0 on Ctrl-C", async () => {
    const sandbox = await startCli(["--seed", "small"])
    const { env } = sandbox
    expect(env["AUTOLEAP_BASE_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/)
    expect(env["AUTOGMS_BASE_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    expect(env["AUTOLEAP_RATE_LIMITS"]).toContain("GET=150,POST=50,PUT=50,PATCH=50")
    expect(env["AUTOGMS_RATE_LIMIT"]).toBe("1000")

    const login = await json<{ data: { accessToken: string } }>(`${env["AUTOLEAP_BASE_URL"]}/partners/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ partnerId: env["AUTOLEAP_PARTNER_ID"], authKey: env["AUTOLEAP_AUTH_KEY"] })
    })
    expect(login.status).toBe(200)
    const token = login.body.data.accessToken
    const alCustomers = await json<{ results: { content: ReadonlyArray<unknown> } }>(`${env["AUTOLEAP_BASE_URL"]}/customers?companyId=${env["AUTOLEAP_COMPANY_ID"]}&size=100`, {
      headers: { authorization: `Bearer ${token}` }
    })
    expect(alCustomers.status).toBe(200)
    expect(alCustomers.body.results.content).toHaveLength(32)

    const gmsCustomers = await json<{ pagination: { total: number } }>(`${env["AUTOGMS_BASE_URL"]}/garages/${env["AUTOGMS_GARAGE_ID"]}/customers?limit=100`, {
      headers: { "x-api-key": env["AUTOGMS_API_KEY"]! }
    })
    expect(gmsCustomers.status).toBe(200)
    expect(gmsCustomers.body.pagination.total).toBe(31)

    expect(sandbox.stderr().trim().split("\n")).toHaveLength(1)
    expect(sandbox.stderr()).toMatch(/Ctrl-C/)
    sandbox.child.kill("SIGINT")
    expect(await sandbox.exit).toBe(0)
    await expect(fetch(`${env["AUTOLEAP_BASE_URL"]}/partners/profile`)).rejects.toThrow()
  })

  it("serves the generated large dataset and exits 0 on SIGTERM", async () => {
    const sandbox = await startCli(["--seed", "large"])
    const gms = await json<{ pagination: { total: number } }>(`${sandbox.env["AUTOGMS_BASE_URL"]}/garages/garage-1/vehicles?limit=1`, {
      headers: { "x-api-key": sandbox.env["AUTOGMS_API_KEY"]! }
    })
    expect(gms.body.pagination.total).toBe(7_500)
    sandbox.child.kill("SIGTERM")
    expect(await sandbox.exit).toBe(0)
  })

  it("exits 2 with one line naming the folder when --seed names no dataset", async () => {
    const missing = join(scratch, "no-such-dataset")
    const result = await runToExit(["--seed", missing])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr.trim().split("\n")).toHaveLength(1)
    expect(result.stderr).toContain(missing)
  })

  it("exits 2 with one line naming the file when a dataset file is malformed", async () => {
    const dir = join(scratch, "malformed")
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir)
    await writeFile(join(dir, "autoleap.json"), JSON.stringify({ partners: [], companies: [], customers: [], vehicles: [] }))
    await writeFile(join(dir, "autogms.json"), "{ \"apiKeys\": [")
    const result = await runToExit(["--seed", dir])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split("\n")).toHaveLength(1)
    expect(result.stderr).toContain(join(dir, "autogms.json"))
  })
})
