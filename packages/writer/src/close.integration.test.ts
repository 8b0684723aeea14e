import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EHTInfluxDBClient } from './client.js'
import { listSpool, openDelivery } from './delivery.js'
import { ClosedError } from './errors.js'
import { CaptureSink, makeConfig, proxiedVictoriaMetrics, readAll, rows, tempDir, waitFor } from '../test/helpers.js'

const servers = proxiedVictoriaMetrics()

describe('close()', () => {
  it('loses nothing while retries are pending: they go to the spool, and the next client delivers them', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, {
      servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'not-checked', batch_size: '100' } }],
      retry: { max_retries: '10', min_delay: '1s', max_delay: '1m', max_retry_time: '1h' },
    })
    // The server asks to come back in 10 minutes, again and again.
    servers.proxy.setScript({ kind: 'status', status: 503, headers: { 'retry-after': '600' } })
    let retries = 0
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink(), onRetry: () => retries++ })
    const api = client.writeApi()
    const data = rows(500, 1617900000000000000n)
    await api.write({ record: data, dataFrameMeasurementName: 'closing', dataFrameTagColumns: ['station'] })
    await waitFor(() => retries > 0, 'a retry to be pending')

    await api.close()
    await client.close()
    await expect(api.write({ record: data, dataFrameMeasurementName: 'closing' })).rejects.toThrow(ClosedError)
    expect(() => client.writeApi()).toThrow(/after client.close/)

    const spooled = await readAll((await listSpool(config)).map((f) => f.file), 'lp')
    // Batches go in parallel, so their order in the spool may differ: compare as sets.
    expect(spooled.map((r) => r.timestamp).sort()).toEqual(data.map((r) => r.timestamp as bigint).sort())
    expect(await readAll(path.join(dir, 'log'))).toHaveLength(500)
    expect(client.stats().cloud).toMatchObject({ written: 500, delivered: 0, spooled: 500, dropped: 0, queued: 0 })

    servers.proxy.setScript({ kind: 'pass' })
    const next = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    await waitFor(async () => (await servers.vm.countSamples('{__name__="closing_value"}')) === 500, 'the spool to be delivered')
    await next.close()
    expect(await listSpool(config)).toEqual([])
  })

  it('flush() waits for the retry and resolves once the server took the points', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'not-checked' } }] })
    servers.proxy.setScript([{ kind: 'status', status: 503, headers: { 'retry-after': '1' } }])
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    const api = client.writeApi()
    void api.write({ record: rows(50, 1617910000000000000n), dataFrameMeasurementName: 'flushing', dataFrameTagColumns: ['station'] })
    await api.flush()
    expect(client.stats().cloud).toMatchObject({ delivered: 50, retried: 1, spooled: 0 })
    expect(await servers.vm.countSamples('{__name__="flushing_value"}')).toBe(50)
    await client.close()
  })

  /** 'settled' when `promise` settles within `ms`, else 'still waiting'. */
  const within = (promise: Promise<unknown>, ms: number) =>
    Promise.race([promise.then(() => 'settled' as const), new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms))])

  it('flush() after close() resolves at once (client, WriteApi and delivery): everything was sent or spooled by the close', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: servers.vm.url, api: 'v2', keys: { token: 'not-checked' } }] })
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    const api = client.writeApi()
    await api.write({ record: rows(10, 1617920000000000000n), dataFrameMeasurementName: 'flushed_after_close', dataFrameTagColumns: ['station'] })
    await client.close()
    expect(await within(client.flush(), 3000)).toBe('settled')
    expect(await within(api.flush(), 3000)).toBe('settled')
    expect(client.stats().cloud).toMatchObject({ written: 10, delivered: 10, queued: 0 })

    const delivery = await openDelivery(config, { stderr: new CaptureSink() })
    await delivery.enqueue(['flushed_after_close,station=Kp value=1 1617920001000000000'])
    await delivery.close()
    expect(await within(delivery.flush(), 3000)).toBe('settled')
    expect(delivery.stats().cloud).toMatchObject({ written: 1, delivered: 1 })
    expect(await servers.vm.countSamples('{__name__="flushed_after_close_value"}')).toBe(11)
  })

  it('flush() while close() waits for a drainer resolves with the close, not never', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'not-checked', timeout: '2s' } }], retry: { max_retries: '0' } })
    // The first batch fails (spooled); then the server takes requests and never answers: the spool
    // drainer's request hangs until the timeout, and close() waits for it.
    let failNext = true
    servers.proxy.setScript(() => {
      if (!failNext) return { kind: 'blackhole' }
      failNext = false
      return { kind: 'status', status: 503 }
    })
    for (const [i, open] of [
      (c: typeof config) => EHTInfluxDBClient.fromConfig(c, { stderr: new CaptureSink() }),
      (c: typeof config) => openDelivery(c, { stderr: new CaptureSink() }),
    ].entries()) {
      failNext = true
      const before = servers.proxy.stats().requests
      const target = await open(config)
      if (target instanceof EHTInfluxDBClient) await target.writeApi().write({ record: rows(5, 1617930000000000000n), dataFrameMeasurementName: 'flush_during_close', dataFrameTagColumns: ['station'] })
      else await target.enqueue(['flush_during_close,station=Kp value=1 1617930001000000000'])
      await target.flush()
      await waitFor(() => servers.proxy.stats().requests >= before + 2, `run ${i}: the drainer's request to hang`)
      let closed = false
      const closing = target.close().then(() => (closed = true))
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(closed).toBe(false)
      const flushed = target.flush().then(() => closed)
      expect(await within(flushed, 10_000), `run ${i}`).toBe('settled')
      // It resolved once the close was done (everything spooled), not before.
      expect(await flushed).toBe(true)
      await closing
    }
    expect((await readAll((await listSpool(config)).map((f) => f.file), 'lp')).length).toBe(6)
  })

  it('forgets a closed WriteApi: a script that opens one per cycle does not grow the client', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: servers.vm.url, api: 'v2', keys: { token: 'not-checked' } }] })
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    const open = () => client['apis'].size
    const kept = client.writeApi()
    for (let cycle = 0; cycle < 50; cycle++) {
      const api = client.writeApi()
      expect(open()).toBe(2)
      await api.write({ record: rows(1, 1617940000000000000n + BigInt(cycle)), dataFrameMeasurementName: 'cycles', dataFrameTagColumns: ['station'] })
      await api.close()
      expect(open()).toBe(1)
    }
    // A WriteApi still open is closed (and flushed) by client.close().
    await kept.write({ record: rows(1, 1617941000000000000n), dataFrameMeasurementName: 'cycles', dataFrameTagColumns: ['station'] })
    await client.close()
    expect(open()).toBe(0)
    await expect(kept.write({ record: rows(1), dataFrameMeasurementName: 'cycles' })).rejects.toThrow(ClosedError)
    expect(client.stats().cloud).toMatchObject({ written: 51, delivered: 51 })
  })
})
