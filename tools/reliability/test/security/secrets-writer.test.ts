import fs from 'node:fs'
import util from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '@eht-influx-client/config'
import { exportToLogfile } from '@eht-influx-client/replay'
import { EHTInfluxDBClient } from '@eht-influx-client/writer'
import { freePort, startFaultProxy, startVictoriaMetrics, type FaultAction, type FaultProxy, type FaultRequest, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { securityTempDir, writeSecretConfig, type SecretServer } from '../../src/security-config.js'
import { startHttpsProxy, type HttpsProxy } from '../../src/security-https-proxy.js'
import { startAuthInfluxDB1, type AuthInfluxDB1 } from '../../src/security-influxdb-auth.js'
import { SECRETS, errorViews, filesUnder, findLeaks, payloadViews, type Captured } from '../../src/security-secrets.js'

// Security check 1 of issue #9, library side: the writer (and export) driven
// through every failure path with distinctive credentials configured, and
// everything a user could see scanned for them: stderr, the result, every
// callback payload, every error (message, stack, JSON, util.inspect with the
// cause chain), the logfile, the spool and the errors file.

let influx: AuthInfluxDB1
let vm: VictoriaMetricsServer
const proxies: { stop(): Promise<void> }[] = []

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([
    startAuthInfluxDB1({ username: SECRETS.username, password: SECRETS.password, database: 'eht_test' }),
    startVictoriaMetrics(),
  ])
  // A user that may only read: the real server answers its writes with 403.
  await influx.query(`CREATE USER "${SECRETS.readOnlyUser}" WITH PASSWORD '${SECRETS.password}'`)
  await influx.query(`GRANT READ ON "eht_test" TO "${SECRETS.readOnlyUser}"`)
})
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()))
  await Promise.all([influx?.stop(), vm?.stop()])
})

/** A hostile answer: the status, with the request's Authorization header and URL echoed in the body and a header. */
function echo(status: number, headers: Record<string, string> = {}) {
  return (req: FaultRequest): FaultAction => {
    const auth = String(req.headers.authorization ?? '')
    const body = JSON.stringify({ error: `rejected ${req.url} with credentials ${auth}`, message: `you sent authorization: ${auth}; body ${req.text.slice(0, 200)}` })
    return { kind: 'status', status, headers: { 'x-echo-authorization': auth, ...headers }, body }
  }
}

async function proxy(target: string, script: (req: FaultRequest) => FaultAction): Promise<FaultProxy & { auth: string[] }> {
  const auth: string[] = []
  const p = await startFaultProxy({
    target,
    script: (req) => {
      auth.push(String(req.headers.authorization ?? ''))
      return script(req)
    },
  })
  proxies.push(p)
  return Object.assign(p, { auth })
}

async function https(target: string): Promise<HttpsProxy> {
  const p = await startHttpsProxy(target)
  proxies.push(p)
  return p
}

interface CaseRun {
  captured: Captured[]
  /** Everything the user was told, joined: to check the failure path really happened. */
  told: string
  spooledPoints: number
}

/**
 * Writes 3 points synchronously and 3 asynchronously through a client opened
 * from a config file holding SECRETS, closes it, writes once more after close,
 * and returns everything that came out.
 */
async function runWriter(servers: SecretServer[]): Promise<CaseRun> {
  const dir = securityTempDir()
  try {
    return await runWriterIn(dir, servers)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function runWriterIn(dir: string, servers: SecretServer[]): Promise<CaseRun> {
  const file = writeSecretConfig(dir, servers)
  const captured: Captured[] = []
  let stderr = ''
  const spooled: number[] = []
  const callbacks = {
    onDelivered: (e: unknown) => captured.push(...payloadViews('onDelivered', e)),
    onRetry: (e: unknown) => captured.push(...payloadViews('onRetry', e)),
    onSpooled: (e: { points: number }) => {
      spooled.push(e.points)
      captured.push(...payloadViews('onSpooled', e))
    },
    onError: (e: { error: unknown }) => captured.push(...payloadViews('onError', e), ...errorViews('onError error', e.error)),
  }
  const client = await EHTInfluxDBClient.fromConfigFile(file, { stderr: { write: (t: string) => (stderr += t) }, ...callbacks })
  const rows = (start: number) => [0, 1, 2].map((i) => ({ station: 'Kp', v: start + i, timestamp: 1617672549204824064n + BigInt(start + i) }))
  try {
    const result = await client.writeApi({ writeMode: 'synchronous' }).write({ record: rows(0), dataFrameMeasurementName: 'secret_check', dataFrameTagColumns: ['station'] })
    captured.push(...payloadViews('synchronous write() result', result))
  } catch (error) {
    captured.push(...errorViews('synchronous write() threw', error))
  }
  // The WriteApi's own callbacks see the same events again: captured, not counted.
  const api = client.writeApi({
    onRetry: (e) => captured.push(...payloadViews('writeApi onRetry', e)),
    onSpooled: (e) => captured.push(...payloadViews('writeApi onSpooled', e)),
    onError: (e) => captured.push(...payloadViews('writeApi onError', e), ...errorViews('writeApi onError error', e.error)),
  })
  await api.write({ record: rows(3), dataFrameMeasurementName: 'secret_check', dataFrameTagColumns: ['station'] })
  captured.push(...payloadViews('stats()', client.stats()), ...payloadViews('client.config', client.config))
  await client.close()
  try {
    await api.write({ record: rows(6), dataFrameMeasurementName: 'secret_check', dataFrameTagColumns: ['station'] })
  } catch (error) {
    captured.push(...errorViews('write() after close', error))
  }
  captured.push({ source: 'stderr', text: stderr }, ...filesUnder(dir, [file]))
  const told = captured.map((c) => c.text).join('\n')
  return { captured, told, spooledPoints: spooled.reduce((a, b) => a + b, 0) }
}

function expectNoLeak(run: CaseRun): void {
  expect(findLeaks(run.captured)).toEqual([])
}

describe('no token or password in any output of the writer', () => {
  it('server down (connection refused)', async () => {
    const [p1, p2] = [await freePort(), await freePort()]
    const run = await runWriter([
      { name: 'local', url: `http://127.0.0.1:${p1}`, api: 'v1' },
      { name: 'cloud', url: `http://127.0.0.1:${p2}`, api: 'v2' },
    ])
    expect(run.told).toMatch(/ECONNREFUSED/)
    expect(run.spooledPoints).toBe(12)
    expectNoLeak(run)
  })

  it('a real auth-enabled InfluxDB 1.x answering 401 (unknown user) and 403 (read-only user)', async () => {
    const run = await runWriter([
      { name: 'unknown', url: influx.url, api: 'v1', keys: { username: SECRETS.unknownUser } },
      { name: 'readonly', url: influx.url, api: 'v1', keys: { username: SECRETS.readOnlyUser } },
    ])
    expect(run.told).toMatch(/HTTP 401/)
    expect(run.told).toMatch(/HTTP 403/)
    expect(run.spooledPoints).toBe(12)
    expectNoLeak(run)
  })

  it('the same server with the right password takes the points (the credentials are really used)', async () => {
    const run = await runWriter([{ name: 'local', url: influx.url, api: 'v1' }])
    expect(run.spooledPoints).toBe(0)
    expect(await influx.countPoints('secret_check')).toBe(6)
    expectNoLeak(run)
  })

  it.each([
    ['401 / 403 echoing the Authorization header', 403, 401, /refused the write/],
    ['400 / 422 echoing it (the errors file holds the server message)', 400, 422, /HTTP 4(00|22)/],
    ['413 echoing it', 413, 413, /HTTP 413/],
    ['503 with Retry-After / 500 echoing it', 503, 500, /HTTP 50[03]/],
  ])('a proxy answering %s', async (_name, v1Status, v2Status, told) => {
    const v1 = await proxy(influx.url, echo(v1Status, { 'retry-after': '0' }))
    const v2 = await proxy(vm.url, echo(v2Status))
    const run = await runWriter([
      { name: 'local', url: v1.url, api: 'v1' },
      { name: 'cloud', url: v2.url, api: 'v2' },
    ])
    // The credentials did reach the proxy, which echoed them back: the test means something.
    expect(v1.auth).toContain(`Basic ${Buffer.from(`${SECRETS.username}:${SECRETS.password}`).toString('base64')}`)
    expect(v2.auth).toContain(`Token ${SECRETS.token}`)
    expect(run.told).toMatch(told)
    // The echo reached the user's side with the credential replaced, not merely left out.
    expect(run.told).toMatch(/(Basic|Token) \*\*\*/)
    if (v1Status === 400) expect(run.captured.some((c) => c.source.endsWith('errors.jsonl') && /you sent authorization: Basic \*\*\*/.test(c.text))).toBe(true)
    expectNoLeak(run)
  })

  it('timeouts (a server that never answers) and connection resets', async () => {
    const v1 = await proxy(influx.url, () => ({ kind: 'blackhole' }))
    const v2 = await proxy(vm.url, () => ({ kind: 'reset', when: 'before' }))
    const run = await runWriter([
      { name: 'local', url: v1.url, api: 'v1', keys: { timeout: '300ms' } },
      { name: 'cloud', url: v2.url, api: 'v2' },
    ])
    expect(run.told).toMatch(/timeout of 300 ms/)
    expect(run.told).toMatch(/network error/)
    expect(run.spooledPoints).toBe(12)
    expectNoLeak(run)
  })

  it('TLS failure (self-signed certificate, no ca_file)', async () => {
    const [h1, h2] = [await https(influx.url), await https(vm.url)]
    const run = await runWriter([
      { name: 'local', url: h1.url, api: 'v1' },
      { name: 'cloud', url: h2.url, api: 'v2' },
    ])
    expect(run.told).toMatch(/self-signed certificate/)
    expect(run.spooledPoints).toBe(12)
    expectNoLeak(run)
  })

  it('bad configuration values: an unreadable ca_file, a URL with user:password@', async () => {
    const dir = securityTempDir()
    const captured: Captured[] = []
    const badCa = writeSecretConfig(dir, [{ name: 'cloud', url: 'https://127.0.0.1:9', api: 'v2', keys: { ca_file: './missing-ca.pem' } }])
    await EHTInfluxDBClient.fromConfigFile(badCa, { stderr: { write: () => true } }).then(
      (client) => client.close().then(() => captured.push({ source: 'no error for a missing ca_file', text: '' })),
      (error) => captured.push(...errorViews('missing ca_file', error)),
    )
    const withUserinfo = writeSecretConfig(dir, [{ name: 'cloud', url: `https://${SECRETS.username}:${SECRETS.urlPassword}@127.0.0.1:9`, api: 'v2' }])
    await loadConfig(withUserinfo).then(
      () => captured.push({ source: 'no error for a URL with user:password@', text: '' }),
      (error) => captured.push(...errorViews('URL with userinfo', error)),
    )
    const told = captured.map((c) => c.text).join('\n')
    expect(told).toMatch(/missing-ca\.pem/)
    expect(told).toMatch(/without user:password@/)
    expect(findLeaks(captured)).toEqual([])
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('a client printed with util.inspect at any depth shows no secret', async () => {
    const dir = securityTempDir()
    const file = writeSecretConfig(dir, [
      { name: 'local', url: influx.url, api: 'v1' },
      { name: 'cloud', url: vm.url, api: 'v2' },
    ])
    const client = await EHTInfluxDBClient.fromConfigFile(file, { stderr: { write: () => true } })
    const api = client.writeApi()
    const captured = [
      { source: 'util.inspect(client)', text: util.inspect(client, { depth: Infinity, showHidden: true }) },
      { source: 'util.inspect(writeApi)', text: util.inspect(api, { depth: Infinity, showHidden: true }) },
    ]
    await client.close()
    fs.rmSync(dir, { recursive: true, force: true })
    expect(findLeaks(captured)).toEqual([])
  })
})

describe('no password in the errors of export', () => {
  it('a real 401 and a proxy echoing the credentials: the thrown error shows no secret', async () => {
    const echoing = await proxy(influx.url, echo(401))
    const dir = securityTempDir()
    const file = writeSecretConfig(dir, [
      { name: 'unknown', url: influx.url, api: 'v1', keys: { username: SECRETS.unknownUser } },
      { name: 'echoing', url: echoing.url, api: 'v1' },
    ])
    const config = await loadConfig(file)
    const captured: Captured[] = []
    for (const server of ['unknown', 'echoing']) {
      await exportToLogfile({ config, server, since: 0n, until: 2n ** 62n, output: `${dir}/${server}.jsonl` }).then(
        () => captured.push({ source: `export from ${server} did not fail`, text: '' }),
        (error) => captured.push(...errorViews(`export from ${server}`, error)),
      )
    }
    captured.push(...filesUnder(dir, [file]))
    const told = captured.map((c) => c.text).join('\n')
    expect(told).toMatch(/401/)
    expect(echoing.auth.length).toBeGreaterThan(0)
    expect(findLeaks(captured)).toEqual([])
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
