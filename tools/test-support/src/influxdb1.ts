import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { requireBinary } from './binaries.js'
import { freePort } from './free-port.js'
import { logPath, removeDir, startProcess, waitForHttp, type ManagedProcess } from './managed-process.js'

export interface InfluxDB1Server {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string
  readonly port: number
  /** The database created at start. */
  readonly database: string
  /** The temporary directory holding meta, data, wal and the log. */
  readonly dir: string
  /** The running influxd (a new one after restart()). */
  readonly process: ManagedProcess
  /** Stops influxd but keeps its data and port, as a server going down; `restart()` brings it back. */
  halt(): Promise<void>
  /** Starts influxd again on the same port with the same data, and waits until it answers. */
  restart(): Promise<void>
  /** Runs InfluxQL; returns the parsed JSON. Timestamps come back as RFC 3339 strings with full ns precision. */
  query(q: string, database?: string): Promise<InfluxQLResponse>
  /** Runs InfluxQL and returns the raw response text (use it for ns epochs, which JSON numbers cannot hold). */
  queryText(q: string, params?: Record<string, string>): Promise<string>
  /** POSTs line protocol to /write (precision ns) and throws on a non-2xx answer. */
  write(lines: string, database?: string): Promise<void>
  /** Number of points in a measurement (COUNT over its first field); 0 when it does not exist. */
  countPoints(measurement: string, database?: string): Promise<number>
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>
}

export interface InfluxQLSeries {
  name: string
  tags?: Record<string, string>
  columns: string[]
  values: unknown[][]
}
export interface InfluxQLResponse {
  results: { statement_id: number; series?: InfluxQLSeries[]; error?: string }[]
  error?: string
}

export interface StartInfluxDB1Options {
  /** Database to create once the server answers (default `eht_test`). */
  database?: string
  /** Keep the data directory after stop() (for debugging). */
  keepDir?: boolean
  /** More INFLUXDB_* settings, e.g. `{ INFLUXDB_DATA_MAX_SERIES_PER_DATABASE: '3' }`. */
  env?: Record<string, string>
}

function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** Starts Debian's `influxd` (InfluxDB 1.x) on a free loopback port in a fresh temporary directory. */
export async function startInfluxDB1(options: StartInfluxDB1Options = {}): Promise<InfluxDB1Server> {
  const binary = requireBinary('influxd', 'influxdb')
  const database = options.database ?? 'eht_test'
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-influxdb1-'))
    const port = await freePort()
    const rpcPort = await freePort()
    fs.writeFileSync(path.join(dir, 'influxdb.conf'), '# empty: everything comes from INFLUXDB_* variables\n')
    const url = `http://127.0.0.1:${port}`
    let proc: ManagedProcess
    try {
      proc = await launch(binary, dir, port, rpcPort, options.env)
    } catch (error) {
      lastError = error
      removeDir(dir)
      continue
    }
    const server = makeServer(url, port, database, dir, proc, options.keepDir === true, () => launch(binary, dir, port, rpcPort, options.env))
    try {
      await server.queryText(`CREATE DATABASE ${quoteIdent(database)}`, { method: 'POST' })
    } catch (error) {
      // The caller never gets this server, so it cannot stop it: stop it here.
      await server.stop()
      throw error
    }
    return server
  }
  throw lastError
}

/** The INFLUXDB_* variables that run influxd from `dir` on loopback `port` (HTTP) and `rpcPort`, with reporting and logs off. */
export function influxd1Env(dir: string, port: number, rpcPort: number): Record<string, string> {
  return {
    INFLUXDB_META_DIR: path.join(dir, 'meta'),
    INFLUXDB_DATA_DIR: path.join(dir, 'data'),
    INFLUXDB_DATA_WAL_DIR: path.join(dir, 'wal'),
    INFLUXDB_HTTP_BIND_ADDRESS: `127.0.0.1:${port}`,
    INFLUXDB_BIND_ADDRESS: `127.0.0.1:${rpcPort}`,
    INFLUXDB_REPORTING_DISABLED: 'true',
    INFLUXDB_MONITOR_STORE_ENABLED: 'false',
    INFLUXDB_HTTP_LOG_ENABLED: 'false',
    INFLUXDB_DATA_QUERY_LOG_ENABLED: 'false',
    INFLUXDB_HTTP_MAX_BODY_SIZE: '0',
  }
}

/** Starts influxd in `dir` on `port` and waits until it answers /ping. */
async function launch(binary: string, dir: string, port: number, rpcPort: number, extraEnv: Record<string, string> = {}): Promise<ManagedProcess> {
  const proc = startProcess(binary, ['run', '-config', path.join(dir, 'influxdb.conf')], {
    cwd: dir,
    logFile: logPath(dir, 'influxd'),
    env: { ...influxd1Env(dir, port, rpcPort), ...extraEnv },
  })
  try {
    await waitForHttp(`http://127.0.0.1:${port}/ping`, proc, 'influxd')
  } catch (error) {
    await proc.stop()
    throw error
  }
  return proc
}

function makeServer(url: string, port: number, database: string, dir: string, first: ManagedProcess, keepDir: boolean, relaunch: () => Promise<ManagedProcess>): InfluxDB1Server {
  let proc = first
  const server: InfluxDB1Server = {
    url,
    port,
    database,
    dir,
    get process() {
      return proc
    },
    async halt() {
      await proc.stop()
    },
    async restart() {
      await proc.stop()
      proc = await relaunch()
    },
    async queryText(q, params = {}) {
      const { method = 'GET', ...rest } = params
      const search = new URLSearchParams({ q, ...rest })
      const res = await fetch(`${url}/query?${search}`, { method })
      const text = await res.text()
      if (!res.ok) throw new Error(`InfluxQL ${q} failed: HTTP ${res.status} ${text}`)
      return text
    },
    async query(q, db = database) {
      const body = JSON.parse(await server.queryText(q, { db })) as InfluxQLResponse
      const failed = body.error ?? body.results.find((r) => r.error)?.error
      if (failed !== undefined) throw new Error(`InfluxQL ${q} failed: ${failed}`)
      return body
    },
    async write(lines, db = database) {
      const res = await fetch(`${url}/write?${new URLSearchParams({ db, precision: 'ns' })}`, { method: 'POST', body: lines })
      if (!res.ok) throw new Error(`write failed: HTTP ${res.status} ${await res.text()}`)
    },
    async countPoints(measurement, db = database) {
      const res = await server.query(`SELECT COUNT(*) FROM ${quoteIdent(measurement)}`, db)
      const series = res.results[0]?.series?.[0]
      if (series === undefined) return 0
      const counts = (series.values[0] ?? []).slice(1).map(Number)
      return Math.max(0, ...counts)
    },
    async stop() {
      await proc.stop()
      if (!keepDir) removeDir(dir)
    },
  }
  return server
}
