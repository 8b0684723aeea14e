import fs from 'node:fs/promises'
import { redactUrl, scrubSecrets, serverSecrets, type ServerConfig } from '@eht-influx-client/config'
import { httpProbe, ProbeFailure, type ProbeResponse } from './http-probe.js'
import { serverMessage } from './server-message.js'

/** ok: verified; failed: the server is unreachable or refuses; unknown: the server cannot tell (no such API), not a failure. */
export type StepOutcome = 'ok' | 'failed' | 'unknown'

export interface CheckStep {
  step: 'ping' | 'database' | 'write'
  outcome: StepOutcome
  detail: string
  status?: number
}

export interface ServerReport {
  name: string
  api: 'v1' | 'v2'
  /** Without user name or password. */
  url: string
  bucket: string
  enabled: boolean
  /** True when enabled and no step failed (a disabled server is not checked and counts as ok). */
  ok: boolean
  version: string | undefined
  steps: CheckStep[]
}

/** An answer with `words`: what the server said, for a step's detail, scrubbed of the server's secrets and then cut. */
type Answer = ProbeResponse & { words: string }
type Probe = (method: 'GET' | 'POST', path: string, search: Record<string, string>) => Promise<Answer>

/**
 * Checks one server without writing data: it answers (/ping, /health), the
 * database or bucket exists (where the server can list them) and an empty
 * write is accepted (authorised). Stops after a failed ping.
 */
export async function checkServer(server: ServerConfig, signal?: AbortSignal): Promise<ServerReport> {
  const report: ServerReport = { name: server.name, api: server.api, url: redactUrl(server.url), bucket: server.bucket, enabled: server.enabled, ok: true, version: undefined, steps: [] }
  if (!server.enabled) return report
  let ca: Buffer | undefined
  if (server.caFile !== undefined) {
    try {
      ca = await fs.readFile(server.caFile)
    } catch (error) {
      report.steps.push({ step: 'ping', outcome: 'failed', detail: `cannot read ca_file ${server.caFile}: ${(error as Error).message}` })
      report.ok = false
      return report
    }
  }
  const headers = authHeaders(server)
  // Exactly the configured timeout, as `write` uses it (the config takes only timeouts above 0).
  const secrets = serverSecrets(server)
  const probe: Probe = async (method, path, search) => {
    const res = await httpProbe(endpoint(server.url, path, search), { method, headers, body: method === 'POST' ? '' : undefined, timeoutMs: server.timeoutMs, ca, signal })
    return { ...res, words: serverMessage(res.body, secrets, res.bodyCut) }
  }
  const steps = server.api === 'v1' ? [pingV1, databaseV1, writeV1] : [pingV2, bucketV2, writeV2]
  for (const step of steps) {
    const result = await step(probe, server, report)
    report.steps.push(result)
    if (result.outcome === 'failed' && result.step === 'ping') break
  }
  // A server may echo what it was sent (the Authorization header): no secret in what is printed
  // (its answers are scrubbed as they come, before they are cut; this covers every other text).
  for (const step of report.steps) step.detail = scrubSecrets(step.detail, secrets)
  if (report.version !== undefined) report.version = scrubSecrets(report.version, secrets)
  report.ok = report.steps.every((s) => s.outcome !== 'failed')
  return report
}

/** `Token <token>`; for v1 with a user, HTTP Basic; for v2 with a user (InfluxDB 1.8), `Token user:password`. */
function authHeaders(server: ServerConfig): Record<string, string> {
  if (server.token !== undefined) return { authorization: `Token ${server.token.reveal()}` }
  if (server.username === undefined) return {}
  const password = server.password?.reveal() ?? ''
  if (server.api === 'v2') return { authorization: `Token ${server.username}:${password}` }
  return { authorization: `Basic ${Buffer.from(`${server.username}:${password}`).toString('base64')}` }
}

/** The server URL (with any path prefix of a proxy) joined with an API path and query. */
export function endpoint(base: string, path: string, search: Record<string, string>): URL {
  const url = new URL(base)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`
  url.search = new URLSearchParams(search).toString()
  return url
}

/** "db/rp" -> { db, rp } */
function splitBucket(bucket: string): { db: string; rp: string | undefined } {
  const slash = bucket.indexOf('/')
  return slash < 0 ? { db: bucket, rp: undefined } : { db: bucket.slice(0, slash), rp: bucket.slice(slash + 1) || undefined }
}

/** Runs a probe; a network failure becomes a failed step. */
async function attempt(step: CheckStep['step'], run: () => Promise<CheckStep>): Promise<CheckStep> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof ProbeFailure) return { step, outcome: 'failed', detail: error.message }
    throw error
  }
}

function httpFailure(step: CheckStep['step'], res: Answer, what: string): CheckStep {
  const words = res.words
  const reason = res.status === 401 ? 'not authenticated: check the token or username/password' : res.status === 403 ? 'not authorised' : `HTTP ${res.status}`
  return { step, outcome: 'failed', status: res.status, detail: `${what}: ${reason}${words === '' ? '' : ` (${res.status}: ${words})`}` }
}

function pinged(res: ProbeResponse, report: ServerReport, path: string): CheckStep {
  const version = res.headers['x-influxdb-version']
  report.version = typeof version === 'string' ? version : undefined
  return { step: 'ping', outcome: 'ok', status: res.status, detail: `answers ${path} in ${Math.round(res.ms)} ms${report.version === undefined ? '' : ` (InfluxDB ${report.version})`}` }
}

function pingV1(probe: Probe, _server: ServerConfig, report: ServerReport): Promise<CheckStep> {
  return attempt('ping', async () => {
    const res = await probe('GET', '/ping', {})
    return res.status >= 200 && res.status < 300 ? pinged(res, report, '/ping') : httpFailure('ping', res, '/ping')
  })
}

function pingV2(probe: Probe, _server: ServerConfig, report: ServerReport): Promise<CheckStep> {
  return attempt('ping', async () => {
    let path = '/ping'
    let res = await probe('GET', path, {})
    if (res.status === 404) res = await probe('GET', (path = '/health'), {})
    return res.status >= 200 && res.status < 300 ? pinged(res, report, path) : httpFailure('ping', res, path)
  })
}

function databaseV1(probe: Probe, server: ServerConfig): Promise<CheckStep> {
  const { db, rp } = splitBucket(server.bucket)
  return attempt('database', async () => {
    const res = await probe('GET', '/query', { q: 'SHOW DATABASES' })
    if (res.status === 401 || res.status === 403) return { step: 'database', outcome: 'unknown', status: res.status, detail: `may not list databases (HTTP ${res.status}); the write check decides` }
    if (res.status !== 200) return httpFailure('database', res, 'SHOW DATABASES')
    const names = influxqlColumn(res.body, 0)
    if (names === undefined) return { step: 'database', outcome: 'unknown', detail: `SHOW DATABASES gave no list (${res.words}); the write check decides` }
    if (!names.includes(db)) return { step: 'database', outcome: 'failed', detail: `database "${db}" does not exist (the server has: ${names.join(', ') || 'none'})` }
    if (rp === undefined) return { step: 'database', outcome: 'ok', detail: `database "${db}" exists` }
    const rps = influxqlColumn((await probe('GET', '/query', { q: `SHOW RETENTION POLICIES ON "${db.replace(/["\\]/g, '\\$&')}"` })).body, 0) ?? []
    return rps.includes(rp)
      ? { step: 'database', outcome: 'ok', detail: `database "${db}" with retention policy "${rp}" exists` }
      : { step: 'database', outcome: 'failed', detail: `database "${db}" has no retention policy "${rp}" (it has: ${rps.join(', ') || 'none'})` }
  })
}

/** The values of one column of the first InfluxQL series, or undefined when the answer holds none. */
function influxqlColumn(body: string, column: number): string[] | undefined {
  try {
    const parsed = JSON.parse(body) as { results?: { series?: { values?: unknown[][] }[] }[] }
    const result = parsed.results?.[0]
    if (result === undefined) return undefined
    return (result.series?.[0]?.values ?? []).map((row) => String(row[column]))
  } catch {
    return undefined
  }
}

function bucketV2(probe: Probe, server: ServerConfig): Promise<CheckStep> {
  return attempt('database', async () => {
    const res = await probe('GET', '/api/v2/buckets', { name: server.bucket, ...(server.org === '' ? {} : { org: server.org }) })
    if (res.status === 200) {
      let found = false
      try {
        found = ((JSON.parse(res.body) as { buckets?: { name?: string }[] }).buckets ?? []).some((b) => b.name === server.bucket)
      } catch {
        return { step: 'database', outcome: 'unknown', detail: 'the bucket list was not JSON; the write check decides' }
      }
      return found ? { step: 'database', outcome: 'ok', detail: `bucket "${server.bucket}" exists` } : { step: 'database', outcome: 'failed', detail: `bucket "${server.bucket}" not found${server.org === '' ? '' : ` in org "${server.org}"`}` }
    }
    const why = res.status === 401 || res.status === 403 ? `the token may not list buckets (HTTP ${res.status})` : `the server has no bucket API (HTTP ${res.status})`
    return { step: 'database', outcome: 'unknown', status: res.status, detail: `${why}; the write check decides` }
  })
}

function writeV1(probe: Probe, server: ServerConfig): Promise<CheckStep> {
  const { db, rp } = splitBucket(server.bucket)
  return attempt('write', async () => {
    const res = await probe('POST', '/write', { db, ...(rp === undefined ? {} : { rp }), precision: 'ns' })
    return res.status >= 200 && res.status < 300 ? { step: 'write', outcome: 'ok', status: res.status, detail: 'write authorised (an empty write was accepted; nothing was written)' } : httpFailure('write', res, `write to "${server.bucket}"`)
  })
}

function writeV2(probe: Probe, server: ServerConfig): Promise<CheckStep> {
  return attempt('write', async () => {
    const res = await probe('POST', '/api/v2/write', { org: server.org, bucket: server.bucket, precision: 'ns' })
    if (res.status >= 200 && res.status < 300) return { step: 'write', outcome: 'ok', status: res.status, detail: 'write authorised (an empty write was accepted; nothing was written)' }
    if (res.status === 400) return { step: 'write', outcome: 'unknown', status: 400, detail: `the server refuses empty writes, so authorisation cannot be tested without data (400: ${res.words})` }
    return httpFailure('write', res, `write to bucket "${server.bucket}"`)
  })
}
