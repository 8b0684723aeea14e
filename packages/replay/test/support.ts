// Helpers shared by the integration tests: temporary folders, configurations, fixture records.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseConfig, type EHTConfig } from '@eht-influx-client/config'
import { openLogWriter, readLogFile, type InfluxRecord, type LogFormat } from '@eht-influx-client/logfile'

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')

const made: string[] = []

/** A fresh temporary folder, removed by removeTempDirs(). */
export function tempDir(prefix = 'eht-replay-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

export interface TestServer {
  name: string
  url: string
  api: 'v1' | 'v2'
  bucket?: string
  /** Extra `key = value` lines for the server section. */
  extra?: string[]
}

/** A configuration whose spool, checkpoints and errors file live in `dir`; retries short, so a dead server is given up fast. */
export function testConfig(dir: string, servers: readonly TestServer[], more: { retry?: string[]; stderr?: string } = {}): EHTConfig {
  const text = [
    '[client]',
    'profile = test',
    'bucket = replay_test',
    ...servers.flatMap((s) => [`[server.${s.name}]`, `url = ${s.url}`, `api = ${s.api}`, ...(s.bucket === undefined ? [] : [`bucket = ${s.bucket}`]), ...(s.extra ?? [])]),
    '[retry]',
    ...(more.retry ?? ['max_retries = 1', 'min_delay = 20ms', 'max_delay = 50ms', 'max_retry_time = 500ms']),
    '[spool]',
    'dir = spool',
    '[errors]',
    'errors_file = errors.jsonl',
    `stderr = ${more.stderr ?? 'off'}`,
    '',
  ].join('\n')
  const file = path.join(dir, 'config.ini')
  fs.writeFileSync(file, text)
  return parseConfig(text, file)
}

/** The records of a fixture logfile. */
export async function fixtureRecords(name: string): Promise<InfluxRecord[]> {
  const records: InfluxRecord[] = []
  for await (const item of readLogFile(path.join(fixtures, name))) records.push(item.record)
  return records
}

/** Writes records as a station would (logfile's writer); returns the file. */
export async function writeLog(file: string, format: LogFormat, records: readonly InfluxRecord[]): Promise<string> {
  const writer = await openLogWriter({ path: file.replace(/%/g, '%%'), format, rotate: { kind: 'none' }, fsync: 'never', flushIntervalMs: 1000 })
  await writer.append(records)
  await writer.close()
  return file
}

/** The same records under measurement names with a prefix (so runs do not mix in one database). */
export function prefixed(records: readonly InfluxRecord[], prefix: string): InfluxRecord[] {
  return records.map((r) => ({ ...r, measurement: `${prefix}${r.measurement}` }))
}

/** Points per measurement. */
export function countBy(records: readonly InfluxRecord[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const r of records) counts.set(r.measurement, (counts.get(r.measurement) ?? 0) + 1)
  return counts
}

/** `count` line protocol lines of `measurement` (integer field `value` = index), 1 ms apart, from index `from`. */
export const lp = (measurement: string, count: number, from = 0): string[] =>
  Array.from({ length: count }, (_, i) => `${measurement},station=Kp value=${from + i}i ${1617672549204824064n + BigInt(from + i) * 1_000_000n}`)

/** A local HTTP server on a free loopback port, playing a server's faults a real one does not produce on demand. */
export interface LocalServer {
  url: string
  /** Drops every connection (a stalled answer included) and stops listening. */
  stop(): Promise<void>
}

export async function startLocalServer(handler: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
