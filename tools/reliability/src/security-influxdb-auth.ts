import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, influxd1Env, requireBinary, startProcess, waitForHttp, type ManagedProcess } from '@eht-influx-client/test-support'

/** A real InfluxDB 1.x with authentication on (INFLUXDB_HTTP_AUTH_ENABLED=true) and one admin user. */
export interface AuthInfluxDB1 {
  readonly url: string
  readonly database: string
  /** Runs InfluxQL as the admin; throws on an HTTP or statement error. */
  query(q: string): Promise<{ results: { series?: { values: unknown[][] }[]; error?: string }[] }>
  /** Points of `measurement` (COUNT over its fields), 0 when it does not exist. */
  countPoints(measurement: string): Promise<number>
  stop(): Promise<void>
}

/**
 * Starts Debian's influxd with HTTP authentication on, on free loopback ports
 * in a temporary directory; creates the admin user `username` / `password`
 * (InfluxDB lets the first admin be created without credentials) and `database`.
 */
export async function startAuthInfluxDB1(options: { username: string; password: string; database: string }): Promise<AuthInfluxDB1> {
  const binary = requireBinary('influxd', 'influxdb')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-influxdb1-auth-'))
  const [port, rpcPort] = [await freePort(), await freePort()]
  fs.writeFileSync(path.join(dir, 'influxdb.conf'), '# empty: everything comes from INFLUXDB_* variables\n')
  const url = `http://127.0.0.1:${port}`
  const proc: ManagedProcess = startProcess(binary, ['run', '-config', path.join(dir, 'influxdb.conf')], {
    cwd: dir,
    logFile: path.join(dir, 'influxd.log'),
    env: { ...influxd1Env(dir, port, rpcPort), INFLUXDB_HTTP_AUTH_ENABLED: 'true' },
  })
  const stop = async () => {
    await proc.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  const basic = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
  const post = async (q: string, auth: boolean, db?: string) => {
    const params = new URLSearchParams({ q, ...(db === undefined ? {} : { db }) })
    const res = await fetch(`${url}/query?${params}`, { method: 'POST', headers: auth ? { authorization: basic } : {} })
    const text = await res.text()
    if (!res.ok) throw new Error(`InfluxQL ${q.split(' ').slice(0, 2).join(' ')} failed: HTTP ${res.status} ${text}`)
    const body = JSON.parse(text) as { results: { series?: { values: unknown[][] }[]; error?: string }[] }
    const failed = body.results.find((r) => r.error !== undefined)?.error
    if (failed !== undefined) throw new Error(`InfluxQL ${q.split(' ').slice(0, 2).join(' ')} failed: ${failed}`)
    return body
  }
  try {
    await waitForHttp(`${url}/ping`, proc, 'influxd (auth)')
    await post(`CREATE USER "${options.username}" WITH PASSWORD '${options.password}' WITH ALL PRIVILEGES`, false)
    await post(`CREATE DATABASE "${options.database}"`, true)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    url,
    database: options.database,
    query: (q) => post(q, true, options.database),
    async countPoints(measurement) {
      const body = await post(`SELECT COUNT(*) FROM "${measurement}"`, true, options.database)
      const row = body.results[0]?.series?.[0]?.values[0]
      return row === undefined ? 0 : Math.max(0, ...row.slice(1).map(Number))
    },
    stop,
  }
}
