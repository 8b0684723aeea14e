// Stopping exportToLogfile and drainSpool with an AbortSignal, against a real InfluxDB 1.x behind the fault proxy.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { readLogFile } from '@eht-influx-client/logfile'
import { startFaultProxy, startInfluxDB1, type FaultAction, type FaultProxy, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { listSpool, openDelivery } from '@eht-influx-client/writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { drainSpool } from './drain-spool.js'
import { ReplayAbortError } from './errors.js'
import { exportToLogfile } from './export-to-logfile.js'

const POINTS = 20_000
const T0 = 1617672549204824064n
const STEP = 1_000_000n

let influx: InfluxDB1Server
let proxy: FaultProxy
let action: FaultAction = { kind: 'pass' }

const lp = (measurement: string, count: number, from = 0) => Array.from({ length: count }, (_, i) => `${measurement},station=Kp value=${from + i}i ${T0 + BigInt(from + i) * STEP}`)

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'abort_test' })
  proxy = await startFaultProxy({ target: influx.url, script: () => action })
  const lines = lp('exported', POINTS)
  for (let i = 0; i < lines.length; i += 5000) await influx.write(lines.slice(i, i + 5000).join('\n'), 'abort_test')
})
afterAll(async () => {
  await proxy?.stop()
  await influx?.stop()
  removeTempDirs()
})

const exportConfig = (dir: string) => testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', bucket: 'abort_test' }])

/** An export of all POINTS to `output`, aborted through its signal once 3000 points are written: the error and the points written. */
async function exportAbortedAfter3000(dir: string, output: string): Promise<{ error: unknown; written: number }> {
  const controller = new AbortController()
  let written = 0
  const error = await exportToLogfile({
    config: exportConfig(dir),
    server: 'local',
    measurements: ['exported'],
    since: T0,
    until: T0 + BigInt(POINTS) * STEP,
    output,
    windowPoints: 1000,
    signal: controller.signal,
    onProgress: (p) => {
      written = p.points
      if (p.points >= 3000) controller.abort()
    },
  }).catch((e: unknown) => e)
  return { error, written }
}

/** Records of a logfile, failing on any line that is not a whole record. */
async function readWhole(file: string): Promise<bigint[]> {
  const times: bigint[] = []
  for await (const item of readLogFile(file, { onBadLine: (bad) => expect.fail(`bad line ${bad.line}: ${bad.reason}`) })) times.push(item.record.timestamp)
  return times
}

describe('exportToLogfile with an AbortSignal', () => {
  it('stops between windows: rejects with an AbortError, the output holds whole lines of the windows written', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'out.jsonl')
    action = { kind: 'delay', ms: 20 }
    const { error, written } = await exportAbortedAfter3000(dir, output)
    action = { kind: 'pass' }
    expect(ReplayAbortError.isInstance(error)).toBe(true)
    expect((error as Error).name).toBe('AbortError')
    expect((error as ReplayAbortError).code).toBe('ABORT_ERR')
    expect(written).toBeGreaterThanOrEqual(3000)
    expect(written).toBeLessThan(POINTS)
    const times = await readWhole(output)
    expect(times).toHaveLength(written)
    // The first points, in time order, none missing.
    expect(times).toEqual(Array.from({ length: written }, (_, i) => T0 + BigInt(i) * STEP))
    expect(fs.readFileSync(output, 'utf8').endsWith('\n')).toBe(true)
  })

  it('cuts off a query in flight at once, and writes nothing when aborted before it starts', async () => {
    const dir = tempDir()
    const controller = new AbortController()
    // The server would answer only after two minutes, and the export would wait a minute for it (its timeout):
    // only the signal can end the query within the bound below.
    action = { kind: 'delay', ms: 120_000 }
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', bucket: 'abort_test', extra: ['timeout = 60s'] }])
    const requests = proxy.stats().requests
    const pending = exportToLogfile({ config, server: 'local', measurements: ['exported'], since: T0, until: T0 + 10n * STEP, output: path.join(dir, 'slow.lp'), signal: controller.signal }).catch((e: unknown) => e)
    while (proxy.stats().requests === requests) await new Promise((resolve) => setTimeout(resolve, 5))
    const abortedAt = performance.now()
    controller.abort(new Error('operator pressed ctrl-c'))
    const error = await pending
    const waited = performance.now() - abortedAt
    action = { kind: 'pass' }
    expect(ReplayAbortError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/aborted: operator pressed ctrl-c/)
    // At once, not at the timeout (60 s) nor the answer (120 s).
    expect(waited).toBeLessThan(2000)
    expect(fs.readFileSync(path.join(dir, 'slow.lp'), 'utf8')).toBe('')

    const before = proxy.stats().requests
    const early = await exportToLogfile({ config: exportConfig(dir), server: 'local', since: T0, until: T0 + 10n, output: path.join(dir, 'never.jsonl'), signal: AbortSignal.abort() }).catch((e: unknown) => e)
    expect(ReplayAbortError.isInstance(early)).toBe(true)
    expect(fs.existsSync(path.join(dir, 'never.jsonl'))).toBe(false)
    expect(proxy.stats().requests).toBe(before)
  }, 150_000)
})

describe('exportToLogfile to a .gz output', () => {
  const range = { since: T0, until: T0 + BigInt(POINTS) * STEP }

  it('compresses as it goes: no plain copy on disk, a leftover of the old temporary name not appended, the same text as a plain export', async () => {
    const dir = tempDir()
    const plain = path.join(dir, 'plain.jsonl')
    await exportToLogfile({ config: exportConfig(dir), server: 'local', measurements: ['exported'], ...range, output: plain })
    // What an earlier export with the same pid (a container's PID 1) left when stopped: it must not end up in the new one.
    const stale = `.dump.jsonl.export-${process.pid}`
    fs.writeFileSync(path.join(dir, stale), '{"measurement":"stale","tags":{},"fields":{"v":1},"timestamp":"1"}\n')
    const gz = path.join(dir, 'dump.jsonl.gz')
    fs.writeFileSync(gz, '') // an empty output is allowed, and truncated, not appended to
    const seen: string[][] = []
    const summary = await exportToLogfile({
      config: exportConfig(dir),
      server: 'local',
      measurements: ['exported'],
      ...range,
      output: gz,
      windowPoints: 4000,
      onProgress: () => seen.push(fs.readdirSync(dir).sort()),
    })
    expect(summary.points).toBe(POINTS)
    expect(seen.length).toBeGreaterThan(2)
    // While it runs, nothing but the output is written beside it.
    for (const names of seen) expect(names).toEqual([stale, 'config.ini', 'dump.jsonl.gz', 'plain.jsonl'])
    expect(zlib.gunzipSync(fs.readFileSync(gz)).equals(fs.readFileSync(plain))).toBe(true)
    expect(await readWhole(gz)).toEqual(await readWhole(plain))
    expect(fs.readFileSync(path.join(dir, stale), 'utf8')).toContain('stale')
  })

  it('an abort part way leaves the output a whole gzip of the windows written, and no other file', async () => {
    const dir = tempDir()
    const gz = path.join(dir, 'cut.jsonl.gz')
    const { error, written } = await exportAbortedAfter3000(dir, gz)
    expect(ReplayAbortError.isInstance(error)).toBe(true)
    expect(written).toBeGreaterThanOrEqual(3000)
    expect(written).toBeLessThan(POINTS)
    expect(fs.readdirSync(dir).sort()).toEqual(['config.ini', 'cut.jsonl.gz'])
    expect(await readWhole(gz)).toEqual(Array.from({ length: written }, (_, i) => T0 + BigInt(i) * STEP))
  })
})

describe('drainSpool with an AbortSignal', () => {
  it('stops after the batch in flight, keeps its progress, and a new drain sends the rest exactly once', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', bucket: 'abort_test', extra: ['batch_size = 500'] }])
    const lines = lp('drained', 10_000)
    action = { kind: 'status', status: 503 }
    const writer = await openDelivery(config, { drainSpool: false })
    expect((await writer.enqueue(lines, true)).local).toMatchObject({ spooled: lines.length })
    await writer.close()

    action = { kind: 'delay', ms: 15 }
    const since = proxy.acceptedBodies.length
    const controller = new AbortController()
    const accepted = () => proxy.acceptedBodies.slice(since).flatMap((b) => b.split('\n')).filter((l) => l.startsWith('drained,'))
    const drained = drainSpool({ config, signal: controller.signal })
    while (accepted().length < 2000) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const stopped = await drained
    expect(stopped.stoppedEarly).toBe(true)
    expect(stopped.servers[0]!.failed).toMatch(/closing/)
    expect(stopped.servers[0]!.delivered).toBe(accepted().length)
    expect(stopped.servers[0]!.delivered).toBeLessThan(lines.length)
    expect(stopped.remainingFiles).toBe(1)

    action = { kind: 'pass' }
    const rest = await drainSpool({ config })
    expect(rest).toMatchObject({ stoppedEarly: false, remainingFiles: 0 })
    expect(rest.servers[0]!.delivered).toBe(lines.length - stopped.servers[0]!.delivered)
    expect(accepted().sort()).toEqual([...lines].sort())
    expect(await listSpool(config)).toEqual([])
  })
})
