import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EHTInfluxDBClient } from '@eht-influx-client/writer'
import {
  startFaultProxy,
  startInfluxDB1,
  startVictoriaMetrics,
  type FaultAction,
  type FaultProxy,
  type InfluxDB1Server,
  type VictoriaMetricsServer,
} from '@eht-influx-client/test-support'
import { CaptureSink, scenarioConfig, removeTempDirs, tempDir } from '../../src/scenario-config.js'
import { influxKeys, readLogRecords, spoolFiles, vmCount } from '../../src/scenario-counts.js'
import { columns, lineKey, pointKey, pointRecords } from '../../src/scenario-points.js'
import { faultCycle, retryAfterWaits } from '../../src/scenario-faults.js'

// Scenario 1 of issue #9: 100,000 points written in asynchronous mode to two
// real servers, each behind a proxy cycling through every fault, and read back.
// InfluxDB 1.x stores a re-sent identical point once, so it is counted by
// distinct points; VictoriaMetrics stores every copy (no dedup flag): it is
// counted by distinct (series, timestamp) from /api/v1/export, and its raw
// sample count is checked against what the proxy saw it accept.

const POINTS = 100_000
const PER_WRITE = 1000
const WRITE_EVERY_MS = 40
const TIMEOUT_MS = 1500
const RETRY_AFTER_S = 1
const DELAY_MS = 2000 // > the client's timeout
const MAX_BYTES = 40_000 // a 1500-line batch is about 70 kB

const CYCLE: FaultAction[] = [
  { kind: 'pass' },
  { kind: 'status', status: 503, headers: { 'retry-after': String(RETRY_AFTER_S) } },
  { kind: 'pass' },
  { kind: 'status', status: 429, headers: { 'retry-after': String(RETRY_AFTER_S) } },
  { kind: 'pass' },
  { kind: 'status', status: 500 },
  { kind: 'pass' },
  { kind: 'delay', ms: DELAY_MS },
  { kind: 'pass' },
  { kind: 'reset', when: 'before' },
  { kind: 'pass' },
  { kind: 'reset', when: 'after' },
  { kind: 'pass' },
  { kind: 'limit', maxBytes: MAX_BYTES },
  { kind: 'pass' },
  { kind: 'blackhole' },
]

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let influxProxy: FaultProxy
let vmProxy: FaultProxy

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
  ;[influxProxy, vmProxy] = await Promise.all([startFaultProxy({ target: influx.url }), startFaultProxy({ target: vm.url })])
})
afterAll(async () => {
  removeTempDirs()
  await Promise.all([influxProxy?.stop(), vmProxy?.stop()])
  await Promise.all([influx?.stop(), vm?.stop()])
})

describe('scenario 1: 100,000 points through every fault, in asynchronous mode', () => {
  it('every point arrives exactly once in each server, Retry-After is honoured, write() never blocks', async () => {
    const dir = tempDir()
    // Memory for the whole run (25,000 points/s is far above a station's rate): the faults, not the spool, are under test here.
    const serverKeys = { timeout: `${TIMEOUT_MS}ms`, batch_size: '1500', flush_interval: '50ms', gzip: 'true', max_buffer_lines: '100000' }
    const { config } = scenarioConfig(dir, {
      servers: [
        { name: 'local', url: influxProxy.url, api: 'v1', keys: serverKeys },
        { name: 'cloud', url: vmProxy.url, api: 'v2', keys: serverKeys },
      ],
      retry: { max_retries: '50', min_delay: '50ms', max_delay: '200ms', max_retry_time: '2m' },
      errors: { stderr: 'off' },
    })
    influxProxy.setScript(faultCycle(CYCLE, (req) => req.url.startsWith('/write')))
    vmProxy.setScript(faultCycle(CYCLE, (req) => req.url.startsWith('/api/v2/write')))

    const errors: string[] = []
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink(), onError: (e) => errors.push(e.error.message) })
    const writeApi = client.writeApi({ writeMode: 'asynchronous' })
    const writeMs: number[] = []
    const started = performance.now()
    for (let start = 0; start < POINTS; start += PER_WRITE) {
      const t0 = performance.now()
      const result = await writeApi.write({ record: columns(start, PER_WRITE), dataFrameMeasurementName: 's1', dataFrameTagColumns: ['station'] })
      writeMs.push(performance.now() - t0)
      expect(result.points).toBe(PER_WRITE)
      await new Promise((resolve) => setTimeout(resolve, WRITE_EVERY_MS))
    }
    const writesEnded = performance.now()
    const writingMs = writesEnded - started
    await writeApi.flush()
    const deliveredMs = performance.now() - started
    const stats = client.stats()
    await client.close()

    // The caller never waited for a server: the longest write() is far below the shortest injected wait.
    const maxWrite = Math.max(...writeMs)
    const shortestFault = Math.min(TIMEOUT_MS, RETRY_AFTER_S * 1000, DELAY_MS)
    console.log(`scenario 1: writes took ${writingMs.toFixed(0)} ms (max write() ${maxWrite.toFixed(1)} ms), delivered after ${deliveredMs.toFixed(0)} ms`)
    expect(maxWrite).toBeLessThan(shortestFault / 2)
    // ... while the faults were going on: each link had faulted requests before the last write().
    for (const proxy of [influxProxy, vmProxy]) expect(proxy.log.filter((e) => e.action !== 'pass' && e.at < writesEnded).length).toBeGreaterThan(4)

    // Every fault was exercised on both links.
    for (const proxy of [influxProxy, vmProxy]) {
      const kinds = new Set(proxy.log.map((e) => (e.action === 'status' ? `status ${e.status}` : e.action === 'reset' ? `reset ${e.upstreamStatus === undefined ? 'before' : 'after'}` : e.action)))
      expect([...kinds].sort()).toEqual(['blackhole', 'delay', 'limit', 'pass', 'reset after', 'reset before', 'status 429', 'status 500', 'status 503'])
      expect(proxy.log.some((e) => e.action === 'limit' && e.status === 413)).toBe(true)
    }

    // The logfile holds every point once; the spool is empty.
    const logged = await readLogRecords(path.join(dir, 'log'))
    expect(logged.badLines).toEqual([])
    expect(logged.records).toHaveLength(POINTS)
    const expected = new Set(pointRecords('s1', 0, POINTS).map(pointKey))
    expect(new Set(logged.records.map(pointKey))).toEqual(expected)
    expect(spoolFiles(config.spool.dir)).toEqual([])
    expect(errors).toEqual([])
    for (const name of ['local', 'cloud']) expect(stats[name]).toMatchObject({ written: POINTS, delivered: POINTS, spooled: 0, rejected: 0, dropped: 0 })

    // The acknowledged bodies (accepted by the server AND the 2xx reached the client) hold each point exactly once.
    for (const proxy of [influxProxy, vmProxy]) {
      const seen = new Map<string, number>()
      for (const body of proxy.acknowledgedBodies) for (const line of body.split('\n')) if (line !== '') seen.set(lineKey(line), (seen.get(lineKey(line)) ?? 0) + 1)
      expect(proxy.stats().acknowledgedLines).toBe(POINTS)
      expect(seen.size).toBe(POINTS)
      expect([...seen.values()].every((n) => n === 1)).toBe(true)
      expect(new Set(seen.keys())).toEqual(expected)
      // What the server accepted beyond that is exactly the bodies whose answer a reset after receipt cut off.
      const behindResets = proxy.log.filter((e) => e.action === 'reset' && e.upstreamStatus !== undefined && e.upstreamStatus < 300).reduce((n, e) => n + e.lines, 0)
      expect(behindResets).toBeGreaterThan(0)
      expect(proxy.stats().acceptedLines - proxy.stats().acknowledgedLines).toBe(behindResets)
    }

    // Each server holds each point once (InfluxDB: distinct points; VictoriaMetrics: distinct timestamps,
    // while its raw samples are exactly the lines it accepted, re-sends behind resets included).
    expect(await influxKeys(influx, 's1')).toEqual(expected)
    const stored = await vmCount(vm, 's1_value')
    expect(stored.distinct).toBe(POINTS)
    expect(stored.samples).toBe(vmProxy.stats().acceptedLines)

    // Retry-After was honoured: the same batch came back no sooner than the header said.
    for (const proxy of [influxProxy, vmProxy]) {
      const waits = retryAfterWaits(proxy.log)
      expect(waits.length).toBeGreaterThan(0)
      for (const w of waits) expect(w.waitedMs).toBeGreaterThanOrEqual(w.retryAfterMs - 15)
      console.log(`scenario 1: ${waits.length} Retry-After answers; shortest wait ${Math.min(...waits.map((w) => w.waitedMs)).toFixed(0)} ms for ${RETRY_AFTER_S * 1000} ms asked`)
    }
  })
})
