import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { encodeLineProtocol } from '@eht-influx-client/logfile'
import { startFaultProxy, startInfluxDB1, startVictoriaMetrics, type FaultProxy, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { listSpool, openDelivery, type Delivery } from './delivery.js'
import { readErrorsFile } from './errors-file.js'
import type { ErrorEvent, RetryEvent } from './events.js'
import { readAll, tempDir, makeConfig, CaptureSink } from '../test/helpers.js'
import { records } from '../test/records.js'

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let influxProxy: FaultProxy
let vmProxy: FaultProxy
let delivery: Delivery | undefined

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
  ;[influxProxy, vmProxy] = await Promise.all([startFaultProxy({ target: influx.url }), startFaultProxy({ target: vm.url })])
})
afterEach(async () => {
  await delivery?.close()
  delivery = undefined
  influxProxy.setScript({ kind: 'pass' })
  vmProxy.setScript({ kind: 'pass' })
})
afterAll(async () => {
  await Promise.all([influxProxy?.stop(), vmProxy?.stop()])
  await Promise.all([influx?.stop(), vm?.stop()])
})

interface Seen {
  retries: RetryEvent[]
  errors: ErrorEvent[]
  dir: string
}

/** A delivery to InfluxDB 1.x (as `local`, v1) through its proxy only. */
async function openLocal(keys: Record<string, string> = {}, retry: Record<string, string> = {}): Promise<Seen> {
  const dir = tempDir()
  const seen: Seen = { retries: [], errors: [], dir }
  const config = makeConfig(dir, {
    servers: [{ name: 'local', url: influxProxy.url, api: 'v1', keys: { timeout: '1s', ...keys } }],
    retry: { max_retries: '4', min_delay: '50ms', max_delay: '200ms', jitter: '0', max_retry_time: '20s', ...retry },
  })
  delivery = await openDelivery(config, { stderr: new CaptureSink(), onRetry: (e) => seen.retries.push(e), onError: (e) => seen.errors.push(e) })
  return seen
}

describe('retried faults: every point arrives', () => {
  it('503 then 500: retried with backoff, then delivered', async () => {
    const seen = await openLocal()
    influxProxy.setScript([
      { kind: 'status', status: 503 },
      { kind: 'status', status: 500 },
    ])
    const outcome = await delivery!.send(records(50, 'f_5xx'))
    expect(outcome.local).toMatchObject({ accepted: 50, spooled: 0 })
    expect(seen.retries.map((r) => [r.retry, r.delayMs])).toEqual([
      [1, 50],
      [2, 100],
    ])
    expect(seen.retries[0]?.reason).toContain('HTTP 503')
    expect(await influx.countPoints('f_5xx')).toBe(50)
  })

  it('429 with Retry-After in seconds is honoured (the official client reads it as milliseconds)', async () => {
    const seen = await openLocal()
    influxProxy.setScript([{ kind: 'status', status: 429, headers: { 'retry-after': '1' } }])
    const started = Date.now()
    const outcome = await delivery!.send(records(20, 'f_429'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(990)
    expect(outcome.local?.accepted).toBe(20)
    expect(seen.retries.map((r) => r.delayMs)).toEqual([1000])
  })

  it('503 with Retry-After as an HTTP date is honoured', async () => {
    const seen = await openLocal()
    const at = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000).toUTCString()
    influxProxy.setScript([{ kind: 'status', status: 503, headers: { 'retry-after': at } }])
    await delivery!.send(records(10, 'f_date'))
    expect(seen.retries).toHaveLength(1)
    expect(seen.retries[0]!.delayMs).toBeGreaterThan(500)
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(at) - 5)
    expect(await influx.countPoints('f_date')).toBe(10)
  })

  it('a connection reset before or after the server got the body is retried; InfluxDB keeps one copy', async () => {
    await openLocal()
    const before = influxProxy.stats()
    influxProxy.setScript([
      { kind: 'reset', when: 'before' },
      { kind: 'reset', when: 'after' },
    ])
    const outcome = await delivery!.send(records(40, 'f_reset'))
    expect(outcome.local?.accepted).toBe(40)
    const after = influxProxy.stats()
    // Accepted twice by the server (once behind the reset, once on retry): the same points, stored once.
    expect(after.acceptedLines - before.acceptedLines).toBe(80)
    expect(await influx.countPoints('f_reset')).toBe(40)
  })

  it('no answer within the timeout (slow server, blackhole) is retried', async () => {
    const seen = await openLocal({ timeout: '500ms' })
    influxProxy.setScript([{ kind: 'delay', ms: 1500 }, { kind: 'blackhole' }])
    const outcome = await delivery!.send(records(30, 'f_timeout'))
    expect(outcome.local?.accepted).toBe(30)
    expect(seen.retries.slice(0, 2).map((r) => r.reason)).toEqual([expect.stringContaining('500 ms'), expect.stringContaining('500 ms')])
    expect(await influx.countPoints('f_timeout')).toBe(30)
  })

  it('413 splits the batch until each part fits', async () => {
    await openLocal({ gzip: 'false' })
    influxProxy.setScript({ kind: 'limit', maxBytes: 2000 })
    const batch = records(100, 'f_413')
    const outcome = await delivery!.send(batch)
    expect(outcome.local?.accepted).toBe(100)
    const sent = influxProxy.log.filter((e) => e.url.startsWith('/write'))
    expect(sent.some((e) => e.action === 'limit' && e.upstreamStatus === undefined)).toBe(true)
    expect(await influx.countPoints('f_413')).toBe(100)
  })
})

describe('points kept when the server will not take them now', () => {
  it('401: a loud error, and the points go to the spool with the reason', async () => {
    const seen = await openLocal()
    influxProxy.setScript({ kind: 'status', status: 401, body: '{"error":"authorization failed"}' })
    const batch = records(25, 'f_401')
    const outcome = await delivery!.send(batch)
    expect(outcome.local).toMatchObject({ accepted: 0, spooled: 25 })
    expect(outcome.local?.reasons.join()).toContain('HTTP 401')
    expect(seen.errors.map((e) => e.error.name)).toContain('ServerRefusedError')
    expect(seen.errors.find((e) => e.error.name === 'ServerRefusedError')?.error.message).toMatch(/check the token\/credentials/)
    await delivery!.close()
    const files = await listSpool(delivery!.config)
    const spooled = await readAll(files.map((f) => f.file), 'lp')
    expect(spooled.map(encodeLineProtocol)).toEqual(batch.map(encodeLineProtocol))
  })

  it('retries exhausted: spooled, with the reason', async () => {
    const seen = await openLocal({}, { max_retries: '2' })
    influxProxy.setScript({ kind: 'status', status: 503 })
    const outcome = await delivery!.send(records(10, 'f_exhausted'))
    expect(outcome.local).toMatchObject({ accepted: 0, spooled: 10 })
    expect(outcome.local?.reasons[0]).toMatch(/HTTP 503.*gave up after 2 retries/)
    expect(seen.retries).toHaveLength(2)
    expect(seen.errors.map((e) => e.error.code)).toEqual(['DELIVERY_FAILED'])
  })
})

describe('bad points (400/422): exactly those in the errors file, the rest delivered', () => {
  it('InfluxDB 1.x field type conflict (400 partial write)', async () => {
    await influx.write('f_conflict,station=Kp value=1i 1617000000000000000')
    const seen = await openLocal()
    const batch = records(64, 'f_conflict', 1617672549000000000n)
    // InfluxDB has `value` as an integer: points 5, 17 and 40 stay floats (bad), the others become integers (good).
    const bad = new Set([5, 17, 40])
    const mixed = batch.map((r, i) => (bad.has(i) ? r : { ...r, fields: { value: { type: 'integer' as const, value: BigInt(i) } } }))
    const outcome = await delivery!.send(mixed)
    expect(outcome.local).toMatchObject({ accepted: 61, rejected: 3, spooled: 0 })
    const rejected = await readErrorsFile(delivery!.config.errors.errorsFile)
    expect(rejected.map((r) => r.line)).toEqual([...bad].map((i) => encodeLineProtocol(mixed[i]!)))
    expect(rejected.every((r) => r.status === 400 && r.server === 'local' && /field type conflict/.test(r.message))).toBe(true)
    expect(await influx.countPoints('f_conflict')).toBe(62)
    expect(seen.errors.map((e) => e.error.code)).toContain('POINTS_REJECTED')
  })

  it('InfluxDB 1.x refusing every point of a batch (dropped=N): all rejected after one request, not 2N - 1', async () => {
    await influx.write('f_all_bad,station=Kp value=1i 1617672548000000000')
    await openLocal()
    const batch = records(200, 'f_all_bad', 1617672549000000000n) // floats: every one conflicts
    const before = influxProxy.stats().requests
    const outcome = await delivery!.send(batch)
    expect(outcome.local).toMatchObject({ accepted: 0, rejected: 200, spooled: 0 })
    expect(influxProxy.stats().requests - before).toBe(1)
    const rejected = await readErrorsFile(delivery!.config.errors.errorsFile)
    expect(rejected.map((r) => r.line)).toEqual(batch.map((r) => encodeLineProtocol(r)))
    expect(rejected.every((r) => r.status === 400 && /field type conflict.*dropped=200$/.test(r.message))).toBe(true)
    expect(await influx.countPoints('f_all_bad')).toBe(1)
  })

  it('a batch InfluxDB drops whole for a reason of the batch (max-series-per-database) is bisected: what fits is delivered', async () => {
    const limited = await startInfluxDB1({ database: 'eht_test', env: { INFLUXDB_DATA_MAX_SERIES_PER_DATABASE: '3' } })
    try {
      await limited.write('m_series,s=a v=1 1617672549000000000\nm_series,s=b v=1 1617672549000000000')
      const dir = tempDir()
      const config = makeConfig(dir, { servers: [{ name: 'local', url: limited.url, api: 'v1', keys: { timeout: '2s' } }] })
      const own = await openDelivery(config, { stderr: new CaptureSink() })
      // Together, s=c and s=d exceed the limit of 3 series: InfluxDB answers `... limit exceeded: (3) dropped=2`.
      // Alone, s=c fits; then s=d does not.
      const batch = ['c', 'd'].map((s, i) => ({ measurement: 'm_series', tags: { s }, fields: { v: { type: 'float' as const, value: i } }, timestamp: 1617672549000000000n }))
      const outcome = await own.send(batch)
      await own.close()
      expect(outcome.local).toMatchObject({ accepted: 1, rejected: 1, spooled: 0 })
      const rejected = await readErrorsFile(config.errors.errorsFile)
      expect(rejected.map((r) => r.line)).toEqual([encodeLineProtocol(batch[1]!)])
      expect(rejected[0]!.message).toMatch(/max-series-per-database limit exceeded/)
      expect(await limited.countPoints('m_series')).toBe(3)
    } finally {
      await limited.stop()
    }
  })

  it('a batch where the server dropped only some points (dropped=N below the count) is still bisected', async () => {
    await influx.write('f_some_bad,station=Kp value=1i 1617672548000000000')
    await openLocal()
    // The integer written first decides the field's type in this shard: points 0-3 are floats (refused:
    // dropped=4 of the first request's 6), points 4 and 5 integers (good).
    const batch = records(6, 'f_some_bad', 1617672549000000000n).map((r, i) => (i < 4 ? r : { ...r, fields: { value: { type: 'integer' as const, value: BigInt(i) } } }))
    const outcome = await delivery!.send(batch)
    expect(outcome.local).toMatchObject({ accepted: 2, rejected: 4, spooled: 0 })
    expect(await influx.countPoints('f_some_bad')).toBe(3)
  })

  it('422 from a v2 server for some points of a batch', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: vmProxy.url, api: 'v2', keys: { token: 'not-checked' } }] })
    delivery = await openDelivery(config, { stderr: new CaptureSink() })
    const message = 'failure writing points to database: partial write: points beyond retention policy dropped=1'
    vmProxy.setScript((req) => (req.text.includes('value=13 ') || req.text.includes('value=77 ') ? { kind: 'status', status: 422, body: JSON.stringify({ code: 'unprocessable entity', message }) } : { kind: 'pass' }))
    const batch = records(100, 'f_422', 1617672549000000000n)
    const outcome = await delivery.send(batch)
    expect(outcome.cloud).toMatchObject({ accepted: 98, rejected: 2 })
    const rejected = await readErrorsFile(config.errors.errorsFile)
    expect(rejected.map((r) => r.line)).toEqual([encodeLineProtocol(batch[13]!), encodeLineProtocol(batch[77]!)])
    expect(rejected[0]!.message).toBe(`HTTP 422 Unprocessable Entity: ${message}`)
    expect(await vm.countSamples('{__name__="f_422_value"}')).toBe(98)
  })
})
