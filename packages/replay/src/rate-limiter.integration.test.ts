import fs from 'node:fs'
import path from 'node:path'
import { startFaultProxy, startInfluxDB1, type FaultProxy, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { replay } from './replay.js'

let influx: InfluxDB1Server
let proxy: FaultProxy
/** Arrival time, lines and bytes of each write request. */
let arrivals: { at: number; lines: number; bytes: number }[] = []

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'replay_test' })
  proxy = await startFaultProxy({
    target: influx.url,
    script: (request) => {
      if (request.url.startsWith('/write')) arrivals.push({ at: performance.now(), lines: request.text.split('\n').filter(Boolean).length, bytes: Buffer.byteLength(request.text) + 1 })
      return { kind: 'pass' }
    },
  })
})
afterAll(async () => {
  await proxy?.stop()
  await influx?.stop()
  removeTempDirs()
})

/** The rate seen by the server: what came after the first request, over the time from the first to the last. */
function measuredRate(key: 'lines' | 'bytes'): number {
  const first = arrivals[0]!
  const last = arrivals.at(-1)!
  const amount = arrivals.slice(1).reduce((sum, a) => sum + a[key], 0)
  return amount / ((last.at - first.at) / 1000)
}

function input(dir: string, measurement: string, count: number, note = 'padding to make the line longer'): string {
  const file = path.join(dir, `${measurement}.lp`)
  const lines = Array.from({ length: count }, (_, i) => `${measurement},station=Kp value=${i}i,note="${note}" ${1617672549204824064n + BigInt(i) * 1000n}`)
  fs.writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

describe('rateLimit', () => {
  it('holds points per second within 10% over a few seconds', async () => {
    const dir = tempDir()
    arrivals = []
    const summary = await replay({ config: testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1' }]), inputs: input(dir, 'pps', 4000), rateLimit: { pointsPerSecond: 1000 } })
    expect(summary.servers.local!.accepted).toBe(4000)
    expect(arrivals.length).toBeGreaterThan(20)
    expect(measuredRate('lines')).toBeGreaterThan(900)
    expect(measuredRate('lines')).toBeLessThan(1100)
  })

  it('holds bytes per second within 10% over a few seconds', async () => {
    const dir = tempDir()
    arrivals = []
    const summary = await replay({ config: testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['gzip = false'] }]), inputs: input(dir, 'bps', 3000), rateLimit: { bytesPerSecond: 60_000 } })
    expect(summary.servers.local!.accepted).toBe(3000)
    expect(measuredRate('bytes')).toBeGreaterThan(54_000)
    expect(measuredRate('bytes')).toBeLessThan(66_000)
    expect(await influx.countPoints('bps')).toBe(3000)
  })

  it('counts bytes as UTF-8 (what goes on the wire): text beyond ASCII stays within 10% too', async () => {
    const dir = tempDir()
    arrivals = []
    // 3 bytes of UTF-8 per character: counted as UTF-16 units, twice the limit went out.
    const summary = await replay({ config: testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['gzip = false'] }]), inputs: input(dir, 'bps_cjk', 1500, '日本語の観測所'.repeat(4)), rateLimit: { bytesPerSecond: 60_000 } })
    expect(summary.servers.local!.accepted).toBe(1500)
    expect(measuredRate('bytes')).toBeGreaterThan(54_000)
    expect(measuredRate('bytes')).toBeLessThan(66_000)
  })
})
