import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

/** The CLI's bin (`eht-influx-client`), from the installed package's `bin` field. */
function cliBinPath(): string {
  const manifest = require.resolve('@eht-influx-client/cli/package.json')
  const bin = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin['eht-influx-client']!
  return path.join(path.dirname(manifest), bin)
}

export interface CliRun {
  args: readonly string[]
  code: number | string
  stdout: string
  stderr: string
}

export interface CliRunOptions {
  cwd: string
  /** Added to a clean environment (PATH and HOME only, so no EHT_INFLUX_* of the caller leaks in). */
  env?: NodeJS.ProcessEnv
  stdin?: string
  /** Killed (SIGKILL) after this long; the run then reports code 'timeout'. */
  timeoutMs?: number
}

/** Runs `eht-influx-client ...args` in a child process and captures everything it prints. */
export function runCliCaptured(args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  const env = { PATH: process.env.PATH, HOME: options.cwd, ...options.env }
  const child = spawn(process.execPath, [cliBinPath(), ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.on('error', () => {})
  child.stdin.end(options.stdin ?? '')
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, options.timeoutMs ?? 30_000)
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ args, code: timedOut ? 'timeout' : (code ?? signal ?? 'unknown'), stdout, stderr })
    })
  })
}

/** Runs `jobs` with at most `limit` at a time (the machine has 2 cores), results in order. */
export async function runLimited<T>(jobs: readonly (() => Promise<T>)[], limit = 3): Promise<T[]> {
  const results: T[] = new Array(jobs.length)
  let next = 0
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await jobs[i]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker))
  return results
}
