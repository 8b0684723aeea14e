import net from 'node:net'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseConfig, type EHTConfig } from '@eht-influx-client/config'
import { readLogs, type InfluxRecord } from '@eht-influx-client/logfile'
import { startFaultProxy, startVictoriaMetrics, type FaultProxy, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { afterAll, beforeAll } from 'vitest'
import { InvalidInputError } from '../src/errors.js'

const made: string[] = []

/** A fresh directory under the OS temp dir, removed by removeTempDirs() after the test file (test/setup.ts). */
export function tempDir(prefix = 'eht-writer-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** Removes the directories tempDir() made; one that cannot be removed (still a mount point...) is named, not fatal. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
    } catch (error) {
      console.warn(`test cleanup: cannot remove ${dir}: ${(error as Error).message}`)
    }
  }
}

export interface ServerSpec {
  name: string
  url: string
  api: 'v1' | 'v2'
  bucket?: string
  /** Extra keys of the server section (token, batch_size, timeout...). */
  keys?: Record<string, string>
}

export interface ConfigSpec {
  servers?: ServerSpec[]
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

/** An INI file for tests: relative paths inside `dir`, fast retries. */
export function configText(spec: ConfigSpec): string {
  const parts = [
    section('client', { bucket: 'eht_test', org: 'eht', ...spec.client }),
    ...(spec.servers ?? []).map((s) => section(`server.${s.name}`, { url: s.url, api: s.api, ...(s.bucket === undefined ? {} : { bucket: s.bucket }), flush_interval: '100ms', timeout: '2s', ...s.keys })),
    section('logfile', { path: './log/eht-%Y-%m-%d.jsonl', format: 'jsonl', fsync: 'never', ...spec.logfile }),
    section('retry', { max_retries: '3', min_delay: '50ms', max_delay: '200ms', jitter: '0', max_retry_time: '5s', ...spec.retry }),
    section('spool', { dir: './spool', ...spec.spool }),
    section('errors', { errors_file: './errors.jsonl', stderr: 'every', ...spec.errors }),
  ]
  return parts.join('\n')
}

/** Writes `influx_config.ini` into `dir`; returns its path. */
export function writeConfig(dir: string, spec: ConfigSpec): string {
  const file = path.join(dir, 'influx_config.ini')
  fs.writeFileSync(file, configText(spec), { mode: 0o600 })
  return file
}

/** The parsed configuration of `spec`, with paths relative to `dir`. */
export function makeConfig(dir: string, spec: ConfigSpec): EHTConfig {
  const file = writeConfig(dir, spec)
  return parseConfig(fs.readFileSync(file, 'utf8'), file)
}

/** Collects what would go to stderr. */
export class CaptureSink {
  text = ''
  write(chunk: string): boolean {
    this.text += chunk
    return true
  }
}

/** Polls until `check` returns true (or throws after `timeoutMs`). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  // Monotonic: tests step the wall clock.
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

/** Every record in the logfiles (or spool) under `dir`. */
export async function readAll(inputs: string | string[], format?: 'lp' | 'jsonl'): Promise<InfluxRecord[]> {
  const out: InfluxRecord[] = []
  for await (const item of readLogs(inputs, format === undefined ? {} : { format })) out.push(item.record)
  return out
}

/** `n` rows of one measurement, 1 ms apart from a fixed ns start, `value` = index. */
export function rows(n: number, start = 1617672549204824064n, extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({ station: 'Kp', value: i, timestamp: start + BigInt(i) * 1_000_000n, ...extra }))
}

/** The InvalidInputError `run` throws (fails the test when it throws nothing or something else). */
export function inputError(run: () => unknown): InvalidInputError {
  try {
    run()
  } catch (error) {
    if (error instanceof InvalidInputError) return error
    throw error
  }
  throw new Error('expected an InvalidInputError')
}

/** A loopback port nobody listens on (connections are refused, as with a stopped server). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** VictoriaMetrics behind a fault proxy for the tests of one file: started before them, stopped after them. */
export function proxiedVictoriaMetrics(): { readonly vm: VictoriaMetricsServer; readonly proxy: FaultProxy } {
  const servers = {} as { vm: VictoriaMetricsServer; proxy: FaultProxy }
  beforeAll(async () => {
    servers.vm = await startVictoriaMetrics()
    servers.proxy = await startFaultProxy({ target: servers.vm.url })
  })
  afterAll(async () => {
    await servers.proxy?.stop()
    await servers.vm?.stop()
  })
  return servers
}
