import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startFaultProxy, startInfluxDB1, type FaultProxy, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtures, removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { MAX_UNSAVED_CHUNKS } from './server-feed.js'

const TOTAL = 60_000
const BATCH = 500
/** Chunks a replay hands to the writer before the oldest must be settled (the writer has up to 4 requests in flight)... */
const WINDOW = 4
/** ...plus the settled chunks whose checkpoint write may still be under way: the most the saved checkpoint can lag the server. */
const LAG = WINDOW + MAX_UNSAVED_CHUNKS

let influx: InfluxDB1Server
let proxy: FaultProxy
/** Bodies of the write requests, in the order they reached the proxy. */
const requests: string[] = []

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'replay_test' })
  // Each request takes a little while, so the replay is still running when it is killed.
  proxy = await startFaultProxy({
    target: influx.url,
    script: (request) => {
      requests.push(request.text)
      return { kind: 'delay', ms: 15 }
    },
  })
})
afterAll(async () => {
  await proxy?.stop()
  await influx?.stop()
  removeTempDirs()
})

function runChild(configFile: string, input: string): { exited: Promise<number | string>; kill: () => void; stdout: () => string } {
  const child = spawn(process.execPath, [path.join(fixtures, 'replay-child.mjs'), configFile, input], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  return {
    exited: exited.then((code) => {
      if (code !== 0 && code !== 'SIGKILL') throw new Error(`replay child exited with ${code}: ${err}`)
      return code
    }),
    kill: () => child.kill('SIGKILL'),
    stdout: () => out,
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('a replay killed with kill -9', () => {
  it('continues where it stopped: nothing missing; of what the server had accepted, only the requests in flight at the kill are sent again', async () => {
    const dir = tempDir()
    const input = path.join(dir, 'big.lp')
    const lines = Array.from({ length: TOTAL }, (_, i) => `resume,sensor=s${i % 3} value=${i}i ${1617672549204824064n + BigInt(i) * 1_000_001n}`)
    fs.writeFileSync(input, `${lines.join('\n')}\n`)
    testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: [`batch_size = ${BATCH}`] }])
    const configFile = path.join(dir, 'config.ini')
    // The checkpoint file, or the recent file written between its durable writes where that is further on.
    const checkpointOf = () => {
      const folder = path.join(dir, 'spool-replay-checkpoints')
      const names = fs.readdirSync(folder).filter((f) => f.endsWith('.json'))
      expect(names.length === 1 || (names.length === 2 && names.some((f) => f.endsWith('.recent.json')))).toBe(true)
      return Math.max(...names.map((name) => (JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as { files: Record<string, { line: number }> }).files[input]?.line ?? 0))
    }

    let resentInAll = 0
    let previousCheckpoint = 0
    for (const killAt of [TOTAL / 4, TOTAL / 2]) {
      const before = proxy.stats().acceptedLines
      const run = runChild(configFile, input)
      await waitFor(() => proxy.stats().acceptedLines - before >= killAt - previousCheckpoint)
      run.kill()
      expect(await run.exited).toBe('SIGKILL')
      await proxy.quiet() // a request already on its way reaches the server (and is counted) or is dropped
      const acceptedUpTo = previousCheckpoint + proxy.stats().acceptedLines - before
      const checkpoint = checkpointOf()
      // The checkpoint never claims more than the server took, and lags at most the requests that were in flight.
      expect(checkpoint).toBeLessThanOrEqual(acceptedUpTo)
      expect(acceptedUpTo - checkpoint).toBeLessThanOrEqual(LAG * BATCH)
      expect(checkpoint % BATCH).toBe(0)
      resentInAll += acceptedUpTo - checkpoint
      previousCheckpoint = checkpoint
    }

    const requestsBefore = requests.length
    const before = proxy.stats().acceptedLines
    const last = runChild(configFile, input)
    expect(await last.exited).toBe(0)
    const summary = JSON.parse(last.stdout()) as Record<string, { alreadyDone: number; accepted: number }>
    expect(summary.local).toMatchObject({ alreadyDone: previousCheckpoint, accepted: TOTAL - previousCheckpoint })
    // The resumed run starts right after the checkpoint and sends each remaining line once. (Its requests
    // run in parallel, so the server may receive the second before the first: compared as a set.)
    const sent = requests.slice(requestsBefore).flatMap((body) => body.split('\n').filter(Boolean))
    expect(sent).toHaveLength(TOTAL - previousCheckpoint)
    expect(new Set(sent)).toEqual(new Set(lines.slice(previousCheckpoint)))
    expect(proxy.stats().acceptedLines - before).toBe(TOTAL - previousCheckpoint)
    expect(checkpointOf()).toBe(TOTAL)
    expect(await influx.countPoints('resume')).toBe(TOTAL)
    // Two kills: at most the chunks in flight or not yet checkpointed at each kill.
    expect(resentInAll).toBeLessThanOrEqual(2 * LAG * BATCH)
  })
})
