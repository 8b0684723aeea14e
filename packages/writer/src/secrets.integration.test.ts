import fs from 'node:fs'
import path from 'node:path'
import util from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '@eht-influx-client/config'
import { startFaultProxy, startInfluxDB1, startVictoriaMetrics, type FaultProxy, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { EHTInfluxDBClient } from './client.js'
import type { ErrorEvent } from './events.js'
import { CaptureSink, configText, tempDir } from '../test/helpers.js'

const TOKEN = 'tok-SECRET-a8f3c2e91b7d'
const PASSWORD = 'pw-SECRET-5e2d9c'
const BASIC = Buffer.from(`eht:${PASSWORD}`).toString('base64')

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let v1Proxy: FaultProxy
let v2Proxy: FaultProxy
const seenAuth: string[] = []

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
  // A hostile server: refuses the credentials and echoes the Authorization header in its error.
  const echo = (req: { headers: Record<string, string | string[] | undefined> }) => {
    const auth = String(req.headers.authorization ?? '')
    seenAuth.push(auth)
    return { kind: 'status' as const, status: 401, body: JSON.stringify({ error: `bad credentials: ${auth}`, message: `you sent ${auth}` }) }
  }
  ;[v1Proxy, v2Proxy] = await Promise.all([startFaultProxy({ target: influx.url, script: echo }), startFaultProxy({ target: vm.url, script: echo })])
})
afterAll(async () => {
  await Promise.all([v1Proxy?.stop(), v2Proxy?.stop()])
  await Promise.all([influx?.stop(), vm?.stop()])
})

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
}

describe('no token or password in any output', () => {
  it('not in stderr, callbacks, errors, the errors file, the spool, the logfile or the printed config', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'influx_config.ini')
    fs.writeFileSync(
      file,
      configText({
        servers: [
          { name: 'cloud', url: v2Proxy.url, api: 'v2', keys: { token_env: 'EHT_TEST_CLOUD_TOKEN' } },
          { name: 'local', url: v1Proxy.url, api: 'v1', keys: { username: 'eht', password_env: 'EHT_TEST_LOCAL_PASSWORD' } },
        ],
        errors: { stderr: 'every' },
      }),
    )
    const config = parseConfig(fs.readFileSync(file, 'utf8'), file, { env: { EHT_TEST_CLOUD_TOKEN: TOKEN, EHT_TEST_LOCAL_PASSWORD: PASSWORD } })
    const stderr = new CaptureSink()
    const events: ErrorEvent[] = []
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr, onError: (e) => events.push(e) })
    const api = client.writeApi({ writeMode: 'synchronous' })
    const result = await api.write({ record: [{ station: 'Kp', v: 1, timestamp: 1617672549204824064n }], dataFrameMeasurementName: 'secret_test', dataFrameTagColumns: ['station'] })
    await client.close()

    // The credentials did reach the servers (so the test means something)...
    expect(seenAuth).toContain(`Token ${TOKEN}`)
    expect(seenAuth).toContain(`Basic ${BASIC}`)
    expect(result.servers?.cloud?.spooled).toBe(1)
    expect(events.length).toBeGreaterThan(0)
    // ...and appear nowhere we print or store.
    const outputs = [
      stderr.text,
      JSON.stringify(result),
      ...events.map((e) => `${e.reason} ${e.error.message} ${e.error.stack} ${util.inspect(e, { depth: 5 })}`),
      util.inspect(client.config, { depth: 5 }),
      JSON.stringify(client.config),
      ...filesUnder(dir).filter((f) => f !== file).map((f) => fs.readFileSync(f, 'utf8')),
    ]
    expect(stderr.text).toContain('refused the write')
    for (const text of outputs) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(PASSWORD)
      expect(text).not.toContain(BASIC)
    }
  })
})
