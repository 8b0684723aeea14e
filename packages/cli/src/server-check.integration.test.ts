import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseConfig, type ServerConfig } from '@eht-influx-client/config'
import { freePort, startInfluxDB1, startVictoriaMetrics, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkServer } from './server-check.js'

let influx: InfluxDB1Server
let victoria: VictoriaMetricsServer

beforeAll(async () => {
  ;[influx, victoria] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
})
afterAll(async () => {
  await Promise.all([influx?.stop(), victoria?.stop()])
})

/** A server as the config package reads it from an INI section. */
function server(lines: string): ServerConfig {
  const config = parseConfig(`[client]\nbucket = eht_test\n[server.probe]\n${lines}\n`, undefined, { env: {}, cwd: '/tmp' })
  return config.servers[0]!
}

describe('checkServer against InfluxDB 1.x (v1)', () => {
  it('pings, finds the database and is allowed an empty write, writing nothing', async () => {
    const report = await checkServer(server(`url = ${influx.url}\napi = v1`))
    expect(report.steps.map((s) => [s.step, s.outcome])).toEqual([['ping', 'ok'], ['database', 'ok'], ['write', 'ok']])
    expect(report.ok).toBe(true)
    expect(report.version).toMatch(/^1\.6/)
    const shown = await influx.query('SHOW MEASUREMENTS')
    expect(shown.results[0]?.series).toBeUndefined()
  })

  it('fails on a database or retention policy that does not exist, naming it', async () => {
    const missingDb = await checkServer(server(`url = ${influx.url}\napi = v1\nbucket = nowhere_test`))
    expect(missingDb.ok).toBe(false)
    expect(missingDb.steps.find((s) => s.step === 'database')).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('"nowhere_test" does not exist') })
    expect(missingDb.steps.find((s) => s.step === 'write')).toMatchObject({ outcome: 'failed', status: 404 })
    const missingRp = await checkServer(server(`url = ${influx.url}\napi = v1\nbucket = eht_test/weekly_test`))
    expect(missingRp.steps.find((s) => s.step === 'database')?.detail).toContain('no retention policy "weekly_test"')
  })
})

describe('checkServer against VictoriaMetrics (v2 write API)', () => {
  it('pings, cannot list buckets (not a failure) and is allowed an empty write', async () => {
    const report = await checkServer(server(`url = ${victoria.url}\napi = v2\ntoken = abc`))
    expect(report.steps.map((s) => [s.step, s.outcome])).toEqual([['ping', 'ok'], ['database', 'unknown'], ['write', 'ok']])
    expect(report.ok).toBe(true)
    expect(await victoria.countSamples()).toBe(0)
  })
})

describe('checkServer against a server that echoes the credentials it was sent', () => {
  it('shows the refusal with every token, password and Basic credential replaced by ***', async () => {
    const echo = http.createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'x-influxdb-version': `echo ${req.headers.authorization}` })
      res.end(JSON.stringify({ error: `bad credentials ${req.headers.authorization}` }))
    })
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`
    try {
      const token = await checkServer(server(`url = ${url}\napi = v2\ntoken = tok-s3cret-9f2c`))
      const basic = await checkServer(server(`url = ${url}\napi = v1\nusername = eht\npassword = pw-s3cret-4e1a`))
      const shown = JSON.stringify([token, basic])
      expect(token.steps[0]).toMatchObject({ outcome: 'failed', status: 401, detail: expect.stringContaining('bad credentials Token ***') })
      expect(basic.steps.some((s) => s.detail.includes('bad credentials Basic ***'))).toBe(true)
      for (const secret of ['tok-s3cret-9f2c', 'pw-s3cret-4e1a', Buffer.from('eht:pw-s3cret-4e1a').toString('base64')]) expect(shown).not.toContain(secret)
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()))
    }
  })
})

describe('checkServer with nothing listening', () => {
  it('fails the ping with "connection refused" and stops there', async () => {
    const port = await freePort()
    const report = await checkServer(server(`url = http://127.0.0.1:${port}\napi = v1`))
    expect(report.ok).toBe(false)
    expect(report.steps).toEqual([{ step: 'ping', outcome: 'failed', detail: expect.stringContaining('connection refused') }])
  })

  it('does not check a disabled server', async () => {
    const report = await checkServer(server(`url = http://127.0.0.1:9\napi = v1\nenabled = false`))
    expect(report).toMatchObject({ enabled: false, ok: true, steps: [] })
  })
})
