import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultProxy, startVictoriaMetrics, type FaultProxy, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { EHTInfluxDBClient } from './client.js'
import { listSpool } from './delivery.js'
import { ClosedError } from './errors.js'
import { CaptureSink, makeConfig, readAll, rows, tempDir, waitFor } from '../test/helpers.js'

let vm: VictoriaMetricsServer
let proxy: FaultProxy
beforeAll(async () => {
  vm = await startVictoriaMetrics()
  proxy = await startFaultProxy({ target: vm.url })
})
afterAll(async () => {
  await proxy?.stop()
  await vm?.stop()
})

describe('close()', () => {
  it('loses nothing while retries are pending: they go to the spool, and the next client delivers them', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, {
      servers: [{ name: 'cloud', url: proxy.url, api: 'v2', keys: { token: 'not-checked', batch_size: '100' } }],
      retry: { max_retries: '10', min_delay: '1s', max_delay: '1m', max_retry_time: '1h' },
    })
    // The server asks to come back in 10 minutes, again and again.
    proxy.setScript({ kind: 'status', status: 503, headers: { 'retry-after': '600' } })
    let retries = 0
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink(), onRetry: () => retries++ })
    const api = client.writeApi()
    const data = rows(500, 1617900000000000000n)
    await api.write({ record: data, dataFrameMeasurementName: 'closing', dataFrameTagColumns: ['station'] })
    await waitFor(() => retries > 0, 'a retry to be pending')

    await api.close()
    await client.close()
    expect(() => api.write({ record: data, dataFrameMeasurementName: 'closing' })).toThrow(ClosedError)
    expect(() => client.writeApi()).toThrow(/after client.close/)

    const spooled = await readAll((await listSpool(config)).map((f) => f.file), 'lp')
    // Batches go in parallel, so their order in the spool may differ: compare as sets.
    expect(spooled.map((r) => r.timestamp).sort()).toEqual(data.map((r) => r.timestamp as bigint).sort())
    expect(await readAll(path.join(dir, 'log'))).toHaveLength(500)
    expect(client.stats().cloud).toMatchObject({ written: 500, delivered: 0, spooled: 500, dropped: 0, queued: 0 })

    proxy.setScript({ kind: 'pass' })
    const next = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    await waitFor(async () => (await vm.countSamples('{__name__="closing_value"}')) === 500, 'the spool to be delivered')
    await next.close()
    expect(await listSpool(config)).toEqual([])
  })

  it('flush() waits for the retry and resolves once the server took the points', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: proxy.url, api: 'v2', keys: { token: 'not-checked' } }] })
    proxy.setScript([{ kind: 'status', status: 503, headers: { 'retry-after': '1' } }])
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    const api = client.writeApi()
    void api.write({ record: rows(50, 1617910000000000000n), dataFrameMeasurementName: 'flushing', dataFrameTagColumns: ['station'] })
    await api.flush()
    expect(client.stats().cloud).toMatchObject({ delivered: 50, retried: 1, spooled: 0 })
    expect(await vm.countSamples('{__name__="flushing_value"}')).toBe(50)
    await client.close()
  })
})
