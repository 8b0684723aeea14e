import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startInfluxDB1, startVictoriaMetrics, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { EHTInfluxDBClient } from './client.js'
import { CaptureSink, makeConfig, readAll, rows, tempDir, writeConfig } from '../test/helpers.js'
import { seedExample } from '../test/fixtures/seed-example.js'

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
})
afterAll(async () => {
  await Promise.all([influx?.stop(), vm?.stop()])
})

const servers = () => [
  { name: 'local', url: influx.url, api: 'v1' as const },
  { name: 'cloud', url: vm.url, api: 'v2' as const, keys: { token: 'vm-token-not-checked' } },
]

describe('the seed example', () => {
  it('runs as written and the point reaches the logfile, InfluxDB 1.x (ns exact) and VictoriaMetrics', async () => {
    const dir = tempDir()
    writeConfig(dir, { servers: servers() })
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      await seedExample()
    } finally {
      process.chdir(cwd)
    }
    const logged = await readAll(path.join(dir, 'log'))
    expect(logged).toEqual([{ measurement: 'pps_offset', tags: { station: 'Kp' }, fields: { pps_offset: { type: 'float', value: -3 } }, timestamp: 1617672549204824064n }])
    const text = await influx.queryText('SELECT pps_offset, station FROM pps_offset', { db: 'eht_test', epoch: 'ns' })
    expect(text).toContain('[1617672549204824064,-3,"Kp"]')
    const series = await vm.export('{__name__="pps_offset_pps_offset"}')
    expect(series.map((s) => [s.metric.station, s.values, s.timestamps])).toEqual([['Kp', [-3], [1617672549204]]])
  })
})

describe('asynchronous and synchronous modes', () => {
  it('asynchronous: write() resolves once logged; both servers get every point after close()', async () => {
    const dir = tempDir()
    const client = await EHTInfluxDBClient.fromConfig(makeConfig(dir, { servers: servers() }), { stderr: new CaptureSink() })
    const api = client.writeApi()
    const all = rows(2000, 1617672549000000000n)
    for (let i = 0; i < all.length; i += 250) {
      const result = await api.write({ record: all.slice(i, i + 250), dataFrameMeasurementName: 'async_mode', dataFrameTagColumns: ['station'] })
      expect(result.points).toBe(250)
      expect(result.servers).toBeUndefined()
    }
    await api.close()
    await client.close()
    expect(await influx.countPoints('async_mode')).toBe(2000)
    expect(await vm.countSamples('{__name__="async_mode_value"}')).toBe(2000)
    expect(await readAll(path.join(dir, 'log'))).toHaveLength(2000)
    expect(client.stats()).toMatchObject({ local: { written: 2000, delivered: 2000, spooled: 0, queued: 0 }, cloud: { written: 2000, delivered: 2000 } })
  })

  it('synchronous: write() settles when every server accepted the points, and says so per server', async () => {
    const dir = tempDir()
    const client = await EHTInfluxDBClient.fromConfig(makeConfig(dir, { servers: servers(), client: { write_mode: 'synchronous' } }), { stderr: new CaptureSink() })
    const api = client.writeApi()
    const result = await api.write({ record: rows(300, 1617672600000000000n), dataFrameMeasurementName: 'sync_mode', dataFrameTagColumns: ['station'] })
    expect(result.servers).toEqual({
      local: { accepted: 300, spooled: 0, rejected: 0, dropped: 0, reasons: [] },
      cloud: { accepted: 300, spooled: 0, rejected: 0, dropped: 0, reasons: [] },
    })
    // Already there before any flush or close.
    expect(await influx.countPoints('sync_mode')).toBe(300)
    expect(await vm.countSamples('{__name__="sync_mode_value"}')).toBe(300)
    await client.close()
  })

  it('an asynchronous WriteApi can ask for one synchronous call', async () => {
    const dir = tempDir()
    const client = await EHTInfluxDBClient.fromConfig(makeConfig(dir, { servers: servers() }), { stderr: new CaptureSink() })
    const api = client.writeApi()
    const result = await api.writeRecord('per_call,station=Kp v=1i 1617672700000000000', { writeMode: 'synchronous' })
    expect(result.servers?.local?.accepted).toBe(1)
    expect(result.servers?.cloud?.accepted).toBe(1)
    await client.close()
  })
})

describe('no server configured (the embedded default)', () => {
  it('writes the logfile only', async () => {
    const dir = tempDir()
    const client = await EHTInfluxDBClient.fromConfig(makeConfig(dir, {}), { stderr: new CaptureSink() })
    const api = client.writeApi({ writeMode: 'synchronous' })
    const result = await api.write({ record: rows(5), dataFrameMeasurementName: 'alone', dataFrameTagColumns: ['station'] })
    expect(result.servers).toEqual({})
    await client.close()
    expect(await readAll(path.join(dir, 'log'))).toHaveLength(5)
    expect(fs.existsSync(path.join(dir, 'spool'))).toBe(false)
  })
})
