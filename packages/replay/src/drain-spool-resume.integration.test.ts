import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { EHTConfig } from '@eht-influx-client/config'
import { startFaultProxy, startInfluxDB1, type FaultAction, type FaultProxy, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { listSpool, openDelivery } from '@eht-influx-client/writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtures, lp, removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { drainSpool } from './drain-spool.js'

const BATCH = 500

let influx: InfluxDB1Server
let proxy: FaultProxy
/** What the proxy does with each request: 503 while the "server" is down, else pass after a little while (so a drain can be killed midway). */
let action: FaultAction = { kind: 'delay', ms: 15 }

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'replay_test' })
  proxy = await startFaultProxy({ target: influx.url, script: () => action })
})
afterAll(async () => {
  await proxy?.stop()
  await influx?.stop()
  removeTempDirs()
})

/** How often each line of `measurement` reached the server and was accepted, from request `since` on. */
function acceptedCounts(measurement: string, since = 0): Map<string, number> {
  const counts = new Map<string, number>()
  for (const body of proxy.acceptedBodies.slice(since)) {
    for (const line of body.split('\n')) if (line.startsWith(`${measurement},`)) counts.set(line, (counts.get(line) ?? 0) + 1)
  }
  return counts
}

/** Spools `lines` as a writer does while the server is down: one sealed spool file per call. */
async function spoolWhileDown(config: EHTConfig, lines: string[]): Promise<void> {
  action = { kind: 'status', status: 503 }
  const writer = await openDelivery(config, { drainSpool: false })
  expect((await writer.enqueue(lines, true)).local).toMatchObject({ spooled: lines.length })
  await writer.close()
  action = { kind: 'delay', ms: 15 }
}

function runChild(configFile: string): { exited: Promise<number | string>; kill: () => void } {
  const child = spawn(process.execPath, [path.join(fixtures, 'drain-child.mjs'), configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  child.stdout.resume()
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  return {
    exited: exited.then((code) => {
      if (code !== 0 && code !== 'SIGKILL') throw new Error(`drain child exited with ${code}: ${err}`)
      return code
    }),
    kill: () => child.kill('SIGKILL'),
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const spoolDir = (dir: string) => path.join(dir, 'spool', 'local')

describe('drainSpool killed with kill -9', () => {
  it('goes on from each file\'s saved progress: nothing missing, and of what the server accepted only the batch in flight at each kill is sent again', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: [`batch_size = ${BATCH}`] }])
    const lines = lp('drainkill', 24_000)
    await spoolWhileDown(config, lines.slice(0, 12_000))
    await spoolWhileDown(config, lines.slice(12_000))
    expect((await listSpool(config)).length).toBe(2)
    const configFile = path.join(dir, 'config.ini')
    const since = proxy.acceptedBodies.length

    // Killed once inside the first file, once inside the second.
    for (const killAt of [5_000, 17_000]) {
      const run = runChild(configFile)
      await waitFor(() => [...acceptedCounts('drainkill', since).keys()].length >= killAt)
      run.kill()
      expect(await run.exited).toBe('SIGKILL')
      await proxy.quiet() // a request already on its way reaches the server (and is counted) or is dropped
      // The progress beside the file in work never claims more than the server accepted.
      const files = fs.readdirSync(spoolDir(dir))
      const progress = files.filter((f) => f.endsWith('.lp.progress'))
      expect(progress).toHaveLength(1)
      const { offset } = JSON.parse(fs.readFileSync(path.join(spoolDir(dir), progress[0]!), 'utf8')) as { offset: number }
      const text = fs.readFileSync(path.join(spoolDir(dir), progress[0]!.slice(0, -'.progress'.length)), 'utf8')
      const done = text.slice(0, offset).split('\n').filter(Boolean)
      expect(done.length % BATCH).toBe(0)
      const accepted = acceptedCounts('drainkill', since)
      for (const line of done) expect(accepted.has(line)).toBe(true)
    }

    const last = runChild(configFile)
    expect(await last.exited).toBe(0)
    const accepted = acceptedCounts('drainkill', since)
    // Every point arrived; a point arrived twice only if it was in the request in flight at a kill.
    expect([...accepted.keys()].sort()).toEqual([...lines].sort())
    const twice = [...accepted.values()].filter((n) => n > 1)
    expect(twice.every((n) => n === 2)).toBe(true)
    expect(twice.length).toBeLessThanOrEqual(2 * BATCH)
    expect(await influx.countPoints('drainkill')).toBe(lines.length)
    // The spool is empty, progress and lock files gone.
    expect(await listSpool(config)).toEqual([])
    expect(fs.readdirSync(spoolDir(dir))).toEqual([])
  })
})

describe('drainSpool beside a running writer', () => {
  it('leaves the file the writer is still appending to, and no point is sent twice by the two drainers', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: [`batch_size = ${BATCH}`, 'flush_interval = 50ms'] }])
    const lines = lp('drainbusy', 9_000)
    await spoolWhileDown(config, lines.slice(0, 3_000))
    await spoolWhileDown(config, lines.slice(3_000, 6_000))
    const since = proxy.acceptedBodies.length

    // A writer whose server is down keeps appending to its open spool file.
    action = { kind: 'status', status: 503 }
    const writer = await openDelivery(config)
    expect((await writer.enqueue(lines.slice(6_000, 7_500), true)).local).toMatchObject({ spooled: 1_500 })
    const open = fs.readdirSync(spoolDir(dir)).filter((f) => f.endsWith('.lp.open'))
    expect(open).toHaveLength(1)
    action = { kind: 'delay', ms: 15 }

    // Its own drainer and drainSpool work on the sealed files at the same time; the writer goes on spooling.
    const drained = drainSpool({ config })
    const appended = writer.enqueue(lines.slice(7_500), true)
    const summary = await drained
    expect(summary.servers[0]!.failed).toBeUndefined()
    // The open file was not drained: its lines are still there, in the writer's file.
    expect(fs.existsSync(path.join(spoolDir(dir), open[0]!)) || fs.existsSync(path.join(spoolDir(dir), open[0]!.slice(0, -'.open'.length)))).toBe(true)
    await appended
    await writer.flush()
    await writer.close()
    await drainSpool({ config })

    const accepted = acceptedCounts('drainbusy', since)
    expect([...accepted.keys()].sort()).toEqual([...lines].sort())
    expect([...accepted.values()].every((n) => n === 1)).toBe(true)
    expect(await listSpool(config)).toEqual([])
    expect(await influx.countPoints('drainbusy')).toBe(lines.length)
  })
})
