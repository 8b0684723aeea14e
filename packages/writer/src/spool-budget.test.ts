import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EHTInfluxDBClient } from './client.js'
import type { ErrorEvent } from './events.js'
import { CaptureSink, closedPort, makeConfig, readAll, rows, tempDir } from '../test/helpers.js'

describe('[spool] max_size reached', () => {
  it('is a loud error, the points are counted as dropped, and the logfile still has every one', async () => {
    const dir = tempDir()
    const port = await closedPort()
    const config = makeConfig(dir, {
      servers: [{ name: 'down', url: `http://127.0.0.1:${port}`, api: 'v1' }],
      retry: { max_retries: '0' },
      spool: { max_size: '2KB' },
    })
    const stderr = new CaptureSink()
    const errors: ErrorEvent[] = []
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr, onError: (e) => errors.push(e) })
    const api = client.writeApi({ writeMode: 'synchronous' })
    const result = await api.write({ record: rows(200), dataFrameMeasurementName: 'full', dataFrameTagColumns: ['station'] })
    await client.close()
    expect(result.servers?.down).toMatchObject({ accepted: 0, spooled: 0, dropped: 200 })
    expect(result.servers?.down?.reasons[0]).toMatch(/spool is full .*max_size 2048 bytes.*only in the logfile/)
    expect(errors.map((e) => e.error.code)).toContain('SPOOL_FULL')
    expect(stderr.text).toContain('ERROR spool is full')
    expect(client.stats().down).toMatchObject({ written: 200, dropped: 200, spooled: 0 })
    expect(await readAll(path.join(dir, 'log'))).toHaveLength(200)
  })
})
