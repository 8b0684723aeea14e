import fs from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { encodeLineProtocol, type InfluxRecord } from '@eht-influx-client/logfile'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { openDelivery, type Delivery } from './delivery.js'
import { readErrorsFile } from './errors-file.js'
import type { ErrorEvent, RetryEvent } from './events.js'
import { serverSpoolDir } from './spool.js'
import { CaptureSink, makeConfig, tempDir } from '../test/helpers.js'
import { records } from '../test/records.js'

// Two answers of a real InfluxDB 1.6.7 with status 500 that are no outage: asking again cannot help.

let influx: InfluxDB1Server
let delivery: Delivery | undefined

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'eht_test' })
})
afterEach(async () => {
  await delivery?.close()
  delivery = undefined
})
afterAll(async () => {
  await influx?.stop()
})

interface Seen {
  retries: RetryEvent[]
  errors: ErrorEvent[]
}

async function open(bucket: string, retry: Record<string, string> = {}, drainSpool = false): Promise<{ seen: Seen; dir: string }> {
  const dir = tempDir()
  const seen: Seen = { retries: [], errors: [] }
  const config = makeConfig(dir, {
    servers: [{ name: 'local', url: influx.url, api: 'v1', bucket, keys: { timeout: '5s' } }],
    retry: { max_retries: '5', min_delay: '200ms', max_delay: '1s', jitter: '0', max_retry_time: '1h', ...retry },
  })
  delivery = await openDelivery(config, { drainSpool, stderr: new CaptureSink(), onRetry: (e) => seen.retries.push(e), onError: (e) => seen.errors.push(e) })
  return { seen, dir }
}

/** A point with `n` tags: InfluxDB 1.6.7 panics parsing one with exactly 100 (or 200) and answers 500. */
function wide(measurement: string, n: number, timestamp: bigint): InfluxRecord {
  const tags: Record<string, string> = {}
  for (let i = 0; i < n; i++) tags[`t${String(i).padStart(3, '0')}`] = 'v'
  return { measurement, tags, fields: { value: { type: 'float', value: 1 } }, timestamp }
}

describe('InfluxDB 1.6.7 crashing (a recovered panic, HTTP 500) on one point', () => {
  it('the other points of the batch are delivered, the poison point goes to the errors file, nothing waits for a retry', async () => {
    const { seen } = await open('eht_test')
    const batch = records(40, 'p_good')
    const bad = wide('p_wide', 100, 1617672549204824064n)
    const sent = [...batch.slice(0, 17), bad, ...batch.slice(17)]
    const outcome = await delivery!.send(sent)
    expect(outcome.local).toMatchObject({ accepted: 40, rejected: 1, spooled: 0, dropped: 0 })
    expect(await influx.countPoints('p_good')).toBe(40)
    const rejected = await readErrorsFile(delivery!.config.errors.errorsFile)
    expect(rejected.map((r) => r.line)).toEqual([encodeLineProtocol(bad)])
    expect(rejected[0]).toMatchObject({ server: 'local', status: 500 })
    expect(rejected[0]!.message).toMatch(/HTTP 500.*crashed/)
    expect(seen.retries).toEqual([])
    expect(seen.errors.map((e) => e.error.code)).toEqual(['POINTS_REJECTED'])
  })

  it('a spool file holding such a point is drained: the rest is delivered, the file deleted, the point in the errors file', async () => {
    await open('eht_test')
    const batch = records(30, 'p_spooled', 1617672550000000000n)
    const bad = wide('p_wide200', 200, 1617672550000000000n)
    const lines = [...batch.slice(0, 3), bad, ...batch.slice(3)].map(encodeLineProtocol)
    const folder = serverSpoolDir(delivery!.config.spool.dir, 'local')
    fs.mkdirSync(folder, { recursive: true })
    fs.writeFileSync(`${folder}/spool-20260101T000000000Z-1-0.lp`, `${lines.join('\n')}\n`)
    const [pass] = await delivery!.drainSpool()
    expect(pass).toMatchObject({ files: 1, remainingFiles: 0, delivered: 30, rejected: 1, failed: undefined })
    expect(fs.readdirSync(folder)).toEqual([])
    expect(await influx.countPoints('p_spooled')).toBe(30)
    expect((await readErrorsFile(delivery!.config.errors.errorsFile)).map((r) => r.line)).toEqual([encodeLineProtocol(bad)])
  })
})

describe('InfluxDB 1.x: a retention policy that does not exist (HTTP 500)', () => {
  it('is said at once, naming the server and the policy, without retries; the points are spooled', async () => {
    const { seen } = await open('eht_test/no_such_rp')
    const started = performance.now()
    const outcome = await delivery!.send(records(10, 'p_rp'))
    expect(performance.now() - started).toBeLessThan(3000)
    expect(outcome.local).toMatchObject({ accepted: 0, spooled: 10, dropped: 0 })
    expect(seen.retries).toEqual([])
    const refused = seen.errors.find((e) => e.error.name === 'ServerRefusedError')
    expect(refused?.error.message).toMatch(/retention policy not found: no_such_rp/)
    expect(refused?.error.message).toContain('"no_such_rp"')
    expect(refused?.error.message).toContain(influx.url)
    expect((refused?.error as { status?: number }).status).toBe(500)
    await delivery!.close()
    const spooled = (await delivery!.listSpool()).length
    expect(spooled).toBe(1)
    expect(await influx.countPoints('p_rp')).toBe(0)
  })
})
