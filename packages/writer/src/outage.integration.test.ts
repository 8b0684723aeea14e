import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startInfluxDB1, startVictoriaMetrics, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { EHTInfluxDBClient } from './client.js'
import { listSpool } from './delivery.js'
import { CaptureSink, makeConfig, readAll, rows, tempDir, waitFor, type ConfigSpec } from '../test/helpers.js'

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
})
afterAll(async () => {
  await Promise.all([influx?.stop(), vm?.stop()])
})

function spec(extra: Partial<ConfigSpec> = {}): ConfigSpec {
  return {
    servers: [
      { name: 'local', url: influx.url, api: 'v1', keys: { timeout: '1s' } },
      { name: 'cloud', url: vm.url, api: 'v2', keys: { token: 'not-checked' } },
    ],
    // A short retry budget, so that an outage of a few seconds exhausts it and uses the spool.
    retry: { max_retries: '2', min_delay: '50ms', max_delay: '200ms', jitter: '0', max_retry_time: '300ms' },
    ...extra,
  }
}

describe('one server stopped mid-stream', () => {
  it('the other keeps receiving while it is down; once restarted it catches up with nothing missing', async () => {
    const dir = tempDir()
    const stderr = new CaptureSink()
    const client = await EHTInfluxDBClient.fromConfig(makeConfig(dir, spec()), { stderr })
    const api = client.writeApi()
    const chunk = 100
    const data = rows(3000, 1617700000000000000n)
    let written = 0
    const writeChunk = async () => {
      await api.write({ record: data.slice(written, written + chunk), dataFrameMeasurementName: 'outage', dataFrameTagColumns: ['station'] })
      written += chunk
    }
    for (let i = 0; i < 10; i++) await writeChunk()
    await waitFor(async () => (await influx.countPoints('outage')) === written, 'InfluxDB to have the first points')

    await influx.halt()
    for (let i = 0; i < 10; i++) await writeChunk()
    // While InfluxDB is down, VictoriaMetrics has every point written so far: nothing waits for the dead server.
    await waitFor(async () => (await vm.countSamples('{__name__="outage_value"}')) === written, 'VictoriaMetrics to keep up during the outage')
    await waitFor(() => client.stats().local!.spooled > 0, 'the points for the stopped server to be spooled')

    await influx.restart()
    for (let i = 0; i < 10; i++) await writeChunk()
    await waitFor(async () => (await influx.countPoints('outage')) === data.length, 'InfluxDB to catch up after the restart', 60_000)
    await client.close()

    expect(written).toBe(data.length)
    expect(await vm.countSamples('{__name__="outage_value"}')).toBe(data.length)
    const stats = client.stats()
    expect(stats.local!.delivered + stats.local!.drained).toBe(data.length)
    expect(stats.local!.drained).toBe(stats.local!.spooled)
    expect(stats.cloud).toMatchObject({ delivered: data.length, spooled: 0 })
    expect(await listSpool(client.config)).toEqual([])
    expect(stderr.text).toContain('server "local"')
    expect(stderr.text).not.toContain('server "cloud"')
  })
})

describe('spool on exhausted retries', () => {
  it('keeps every point for a dead server in the spool at close, and a new client delivers them once it is up', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, spec())
    await influx.halt()
    const first = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    const api = first.writeApi()
    const data = rows(1200, 1617800000000000000n)
    for (let i = 0; i < data.length; i += 300) await api.write({ record: data.slice(i, i + 300), dataFrameMeasurementName: 'spooled', dataFrameTagColumns: ['station'] })
    await api.close()
    await first.close()

    const spool = await listSpool(config, { servers: ['local'] })
    expect(spool.length).toBeGreaterThan(0)
    const spooled = await readAll(spool.map((f) => f.file), 'lp')
    expect(spooled.map((r) => r.timestamp).sort()).toEqual(data.map((r) => r.timestamp as bigint).sort())
    expect(await listSpool(config, { servers: ['cloud'] })).toEqual([])
    expect(await vm.countSamples('{__name__="spooled_value"}')).toBe(data.length)

    await influx.restart()
    const second = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    await waitFor(async () => (await influx.countPoints('spooled')) === data.length, 'the new client to deliver the spool', 60_000)
    await waitFor(async () => (await listSpool(config)).length === 0, 'the drained spool files to be deleted')
    await second.close()
    expect(second.stats().local).toMatchObject({ drained: data.length, written: 0 })
    // The logfile of the first run has every point too.
    expect(await readAll(path.join(dir, 'log'))).toHaveLength(data.length)
    expect(fs.readdirSync(path.join(dir, 'spool', 'local'))).toEqual([])
  })
})
