import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseConfig, type EHTConfig } from '@eht-influx-client/config'

const made: string[] = []

/** A fresh directory under the OS temp dir; `removeTempDirs()` removes it. */
export function tempDir(prefix = 'eht-scenario-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** Removes every directory `tempDir()` made in this process (call it in afterAll). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

export interface ServerSpec {
  name: string
  url: string
  api: 'v1' | 'v2'
  /** Extra keys of the server section (token, batch_size, timeout...). */
  keys?: Record<string, string>
}

export interface ScenarioConfigSpec {
  servers: ServerSpec[]
  client?: Record<string, string>
  logfile?: Record<string, string>
  retry?: Record<string, string>
  spool?: Record<string, string>
  errors?: Record<string, string>
}

function section(name: string, keys: Record<string, string>): string {
  return `[${name}]\n${Object.entries(keys)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n')}\n`
}

/**
 * The INI text of a scenario: paths relative to the file's directory, small
 * batches, short timeouts and fast retries so that a scenario takes seconds.
 */
export function scenarioConfigText(spec: ScenarioConfigSpec): string {
  return [
    section('client', { bucket: 'eht_test', org: 'eht', station: 'Kp', ...spec.client }),
    ...spec.servers.map((s) =>
      section(`server.${s.name}`, {
        url: s.url,
        api: s.api,
        ...(s.api === 'v2' ? { token: 'not-checked' } : {}),
        flush_interval: '100ms',
        timeout: '1s',
        ...s.keys,
      }),
    ),
    section('logfile', { path: './log/eht-%Y-%m-%d.jsonl', format: 'jsonl', fsync: 'interval', flush_interval: '100ms', ...spec.logfile }),
    section('retry', { max_retries: '2', min_delay: '50ms', max_delay: '200ms', jitter: '0', max_retry_time: '10s', ...spec.retry }),
    section('spool', { dir: './spool', ...spec.spool }),
    section('errors', { errors_file: './errors.jsonl', stderr: 'every', ...spec.errors }),
  ].join('\n')
}

/** Writes `influx_config.ini` into `dir` (mode 600: it may hold a token); returns its path. */
export function writeScenarioConfig(dir: string, spec: ScenarioConfigSpec): string {
  const file = path.join(dir, 'influx_config.ini')
  fs.writeFileSync(file, scenarioConfigText(spec), { mode: 0o600 })
  return file
}

/** Writes the file and parses it, as a station's client would. */
export function scenarioConfig(dir: string, spec: ScenarioConfigSpec): { file: string; config: EHTConfig } {
  const file = writeScenarioConfig(dir, spec)
  return { file, config: parseConfig(fs.readFileSync(file, 'utf8'), file) }
}

/** Collects what would go to stderr. */
export class CaptureSink {
  text = ''
  write(chunk: string): boolean {
    this.text += chunk
    return true
  }
}

/** Polls until `check` returns true; throws after `timeoutMs` naming `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}
