// A replay to a real InfluxDB 1.x and to a server that never answers (the fault proxy's blackhole: a fault a
// real server cannot produce on demand): the dead server must not hold up the live one, nor a Ctrl-C.
import fs from 'node:fs'
import path from 'node:path'
import { startFaultProxy, startInfluxDB1, type FaultProxy, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lp, removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { drainSpool } from './drain-spool.js'
import type { ReplayProgress } from './progress.js'
import { replay } from './replay.js'

const POINTS = 20_000

let influx: InfluxDB1Server
let dead: FaultProxy

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'replay_test' })
  dead = await startFaultProxy({ target: influx.url, script: { kind: 'blackhole' } })
})
afterAll(async () => {
  await dead?.stop()
  await influx?.stop()
  removeTempDirs()
})

function input(dir: string, measurement: string): { file: string; lines: string[] } {
  const lines = lp(measurement, POINTS)
  const file = path.join(dir, `${measurement}.lp`)
  fs.writeFileSync(file, `${lines.join('\n')}\n`)
  return { file, lines }
}

const servers = () => [
  { name: 'local', url: influx.url, api: 'v1' as const },
  { name: 'cloud', url: dead.url, api: 'v1' as const, extra: ['timeout = 500ms'] },
]

/** Resolves with the time at which InfluxDB holds `count` points of `measurement`. */
async function whenStored(measurement: string, count: number, until: () => boolean): Promise<number | undefined> {
  while (!until()) {
    if ((await influx.countPoints(measurement)) >= count) return performance.now()
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return undefined
}

describe('a replay to a live server and a dead one', () => {
  it('delivers everything to the live server long before the dead one is given up, and reports progress all along', async () => {
    dead.setScript({ kind: 'blackhole' })
    const dir = tempDir()
    const { file } = input(dir, 'dead_live')
    // The dead server is retried 3 times, 1 s apart, each try waiting 0.5 s: about 5 s in all.
    const config = testConfig(dir, servers(), { retry: ['max_retries = 3', 'min_delay = 1s', 'max_delay = 1s', 'max_retry_time = 1m'] })
    const progress: (ReplayProgress & { at: number })[] = []
    const started = performance.now()
    let ended = false
    const stored = whenStored('dead_live', POINTS, () => ended)
    const summary = await replay({ config, inputs: file, onProgress: (p) => progress.push({ ...p, at: performance.now() }) }).finally(() => (ended = true))
    const end = performance.now()
    const liveDone = await stored
    expect(summary.servers.local).toMatchObject({ accepted: POINTS, spooled: 0, stopped: undefined })
    expect(summary.servers.cloud!.spooled).toBeGreaterThan(0)
    expect(summary.servers.cloud!.accepted).toBe(0)
    expect(summary).toMatchObject({ read: POINTS, stoppedEarly: true })
    expect(end - started).toBeGreaterThan(4000)
    // The live server had every point while the dead one was still being retried.
    expect(liveDone).toBeDefined()
    expect(end - liveDone!).toBeGreaterThan(2500)
    // Progress said so at the time, and kept coming while the dead server was retried.
    const allSent = progress.find((p) => p.pointsSent >= POINTS)
    expect(allSent).toBeDefined()
    expect(end - allSent!.at).toBeGreaterThan(2500)
    const gaps = progress.slice(1).map((p, i) => p.at - progress[i]!.at)
    expect(Math.max(...gaps)).toBeLessThan(1000)
  }, 60_000)

  it('stops promptly on a signal while the dead server is being retried, and loses nothing: the spool and the next replay deliver the rest', async () => {
    dead.setScript({ kind: 'blackhole' })
    const dir = tempDir()
    const { file, lines } = input(dir, 'dead_abort')
    // Without the signal the dead server would be retried for about 5 minutes: 30 s between tries, far above the
    // bound below, so only the signal cutting the retry wait short can meet it.
    const config = testConfig(dir, servers(), { retry: ['max_retries = 10', 'min_delay = 30s', 'max_delay = 30s', 'max_retry_time = 10m'] })
    const controller = new AbortController()
    let abortedAt = 0
    const timer = setTimeout(() => {
      abortedAt = performance.now()
      controller.abort()
    }, 1500)
    const summary = await replay({ config, inputs: file, signal: controller.signal })
    clearTimeout(timer)
    const waited = performance.now() - abortedAt
    expect(abortedAt).toBeGreaterThan(0)
    expect(summary.stoppedEarly).toBe(true)
    // At most one request timeout (0.5 s) after the signal, not the rest of a 30 s retry wait.
    expect(waited).toBeLessThan(3000)
    const cloud = summary.servers.cloud!
    expect(cloud.accepted).toBe(0)
    expect(cloud.spooled).toBe(cloud.sent)
    expect(summary.servers.local!.accepted).toBe(POINTS)

    // The dead server is back: the spool and the same replay again bring it every point.
    dead.setScript({ kind: 'pass' })
    const received = () => dead.acceptedBodies.flatMap((body) => body.split('\n')).filter((line) => line.startsWith('dead_abort,'))
    const drained = await drainSpool({ config })
    expect(drained.remainingFiles).toBe(0)
    const again = await replay({ config, inputs: file })
    expect(again.servers.cloud).toMatchObject({ alreadyDone: cloud.sent, accepted: POINTS - cloud.sent, spooled: 0 })
    expect(again.servers.local).toMatchObject({ alreadyDone: POINTS, sent: 0 })
    expect([...new Set(received())].sort()).toEqual([...lines].sort())
    expect(await influx.countPoints('dead_abort')).toBe(POINTS)
  }, 90_000)
})
