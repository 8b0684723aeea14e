// Runs the built `eht-influx-client` (dist/bin.js) as a child process, in a
// fresh temporary directory with a clean environment: no EHT_INFLUX_* variable
// and a HOME of its own, so no configuration file of this machine is found.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd?: string
  env?: Record<string, string | undefined>
  input?: string | Buffer
  /** Options for node itself, before the script (e.g. --import). */
  nodeArgs?: readonly string[]
  /** Called once the process started (to send it signals). */
  onSpawn?: (child: ChildProcess) => void
}

const made: string[] = []

/** A fresh directory under os.tmpdir(), removed by removeTempDirs(). */
export function tempDir(prefix = 'eht-cli-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('EHT_')) env[key] = value
  env.HOME = tempDir('eht-cli-home-')
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  return env
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], { cwd: options.cwd ?? tempDir(), env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  // A command that stops reading early (it failed) closes its stdin: EPIPE here is not the test's failure.
  child.stdin.on('error', () => undefined)
  child.stdin.end(options.input ?? '')
  options.onSpawn?.(child)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

/** The single JSON object a --json run printed on stdout. */
export function parseJsonOutput(run: CliRun): Record<string, unknown> {
  const lines = run.stdout.trim().split('\n')
  if (lines.length !== 1) throw new Error(`expected one JSON line on stdout, got ${lines.length}:\n${run.stdout}\nstderr:\n${run.stderr}`)
  return JSON.parse(lines[0]!) as Record<string, unknown>
}
