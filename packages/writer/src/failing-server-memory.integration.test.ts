import { describe, expect, it } from 'vitest'
import { EHTInfluxDBClient } from './client.js'
import { listSpool } from './delivery.js'
import { CaptureSink, closedPort, makeConfig, readAll, rows, tempDir, waitFor } from '../test/helpers.js'

describe('a failing server does not fill memory', () => {
  it('while a batch is retried, memory holds at most max_buffer_lines and the overflow goes to the spool at once; at close every point is in the spool', async () => {
    const dir = tempDir()
    const port = await closedPort()
    const config = makeConfig(dir, {
      servers: [{ name: 'down', url: `http://127.0.0.1:${port}`, api: 'v1', keys: { batch_size: '100', max_buffer_lines: '500' } }],
      retry: { max_retries: '50', min_delay: '200ms', max_delay: '200ms', max_retry_time: '30s' },
      errors: { stderr: 'off' },
    })
    let retries = 0
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink(), drainSpool: false, onRetry: () => retries++ })
    const api = client.writeApi()
    const data = rows(2100, 1617900000000000000n)
    await api.write({ record: data.slice(0, 100), dataFrameMeasurementName: 'failing', dataFrameTagColumns: ['station'] })
    await waitFor(() => retries > 0, 'the first batch to be retried')

    // 2000 more points: max_buffer_lines (500) may wait in memory, the rest is on disk when write() resolves.
    await api.write({ record: data.slice(100), dataFrameMeasurementName: 'failing', dataFrameTagColumns: ['station'] })
    const during = client.stats().down!
    expect(during.queued).toBeLessThanOrEqual(500)
    expect(during.queued).toBeGreaterThan(100)
    expect(during.spooled).toBeGreaterThanOrEqual(1500)
    expect(during.written).toBe(2100)

    await api.close()
    await client.close()
    expect(client.stats().down).toMatchObject({ written: 2100, spooled: 2100, delivered: 0, dropped: 0, queued: 0 })
    const spooled = await readAll((await listSpool(config)).map((f) => f.file), 'lp')
    expect(spooled.map((r) => r.timestamp).sort()).toEqual(data.map((r) => r.timestamp as bigint).sort())
  })
})
