import fs from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DeliveryFailedError } from './errors.js'
import { SpoolBudget } from './spool-budget.js'
import { listServerSpool, ServerSpool } from './spool.js'
import { StderrReporter } from './stderr-reporter.js'
import { CaptureSink, tempDir } from '../test/helpers.js'
import { mockWallClock } from '../test/wall-clock.js'

const HOUR = 3_600_000
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

afterEach(() => {
  vi.restoreAllMocks()
})

describe('the wall clock stepped back (NTP) does not stretch intervals', () => {
  it('the spool budget still counts the folder again a second later, so points are not dropped as "spool full" while it has room', async () => {
    const dir = tempDir()
    const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m,s=Kp v=${1000 + from + i} ${1617672549204824064n + BigInt(from + i)}`)
    const line = Buffer.byteLength(`${lines(1)[0]}\n`)
    const wall = mockWallClock()
    const budget = await SpoolBudget.measure(dir, 10 * line)
    const spool = new ServerSpool('local', dir, budget)
    await spool.append(lines(10))
    await spool.seal()
    // Another process delivers and deletes the file; then the clock is stepped an hour back.
    for (const f of await listServerSpool(dir, 'local')) fs.rmSync(f.file)
    wall.step(-HOUR)
    await pause(1100)
    await spool.append(lines(4, 10))
    expect(budget.usedBytes).toBe(4 * line)
    await spool.seal()
  })

  it('summary mode prints the next event once the interval has passed, not an hour later', async () => {
    const wall = mockWallClock()
    const sink = new CaptureSink()
    const reporter = new StderrReporter('summary', sink, 50)
    const cb = reporter.callbacks()
    const error = (n: number) => new DeliveryFailedError(`server "local": failure ${n}`, 'local')
    cb.onError!({ server: 'local', points: 1, reason: 'x', error: error(1) })
    wall.step(-HOUR)
    await pause(80)
    cb.onError!({ server: 'local', points: 1, reason: 'x', error: error(2) })
    expect(sink.text.split('\n').filter(Boolean)).toEqual(['eht-influx-client: server "local": ERROR server "local": failure 1', 'eht-influx-client: server "local": ERROR server "local": failure 2'])
    reporter.close()
  })
})
