// writePoints() on an input that the test feeds by hand: when what was read
// reaches the logfile, with the built-in default configuration (logfile only)
// in a temporary directory.
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defaultConfig, parseConfig } from '@eht-influx-client/config'
import { freePort } from '@eht-influx-client/test-support'
import * as logfile from '@eht-influx-client/logfile'
import { afterAll, describe, expect, it } from 'vitest'
import { BadLineReport } from './bad-lines.js'
import type { LineBatch, LineInput } from './input-lines.js'
import { handleInterrupt, type Interrupt, type SignalTarget } from './interrupt.js'
import { Output } from './output.js'
import { pointDecoder, type PointDecoder } from './point-decoder.js'
import { IDLE_WRITE_MS, writePoints, WriteStopped } from './write-points.js'
import { logfileLines } from '../test/station-config.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
})

/** An input whose chunks the test hands over one by one, like a script piping now and then. */
function pipedInput(onNext: (calls: number) => void = () => {}) {
  const waiting: ((result: IteratorResult<LineBatch>) => void)[] = []
  const ready: IteratorResult<LineBatch>[] = []
  let line = 1
  let calls = 0
  const input: LineInput = {
    name: 'stdin',
    batches: {
      next: () => {
        onNext(++calls)
        const result = ready.shift()
        return result !== undefined ? Promise.resolve(result) : new Promise((resolve) => waiting.push(resolve))
      },
    },
    close: () => {},
  }
  const hand = (result: IteratorResult<LineBatch>) => {
    const resolve = waiting.shift()
    if (resolve !== undefined) resolve(result)
    else ready.push(result)
  }
  return {
    input,
    send(texts: string[]) {
      hand({ done: false, value: { first: line, texts } })
      line += texts.length
    },
    end: () => hand({ done: true, value: undefined }),
  }
}

/** The real Ctrl-C handler, on a stand-in for `process` whose SIGINT the test sends with fire(). */
function fakeInterrupt(): Interrupt & { fire(): void } {
  const proc = Object.assign(new EventEmitter(), { pid: 0, kill: () => true }) as unknown as SignalTarget & EventEmitter
  return Object.assign(handleInterrupt(quietOutput(), proc), { fire: () => proc.emit('SIGINT') })
}

function quietOutput(): Output {
  const stream = { write: () => true } as unknown as NodeJS.WritableStream
  return new Output({ stdout: stream, stderr: stream }, { quiet: true, verbose: false, json: false })
}

function setUp(input: LineInput, interrupt: Interrupt = fakeInterrupt(), options: { configText?: string; sync?: boolean; stderr?: string[]; decoder?: PointDecoder } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-cli-write-points-'))
  dirs.push(dir)
  const output = quietOutput()
  const writing = writePoints({
    config: options.configText === undefined ? defaultConfig({ cwd: dir }) : parseConfig(options.configText, path.join(dir, 'config.ini'), { env: {} }),
    input,
    decoder: options.decoder ?? pointDecoder(logfile, 'lp', { measurement: undefined, tags: {} }),
    sync: options.sync ?? false,
    interrupt,
    badLines: new BadLineReport(output),
    stderr: { write: (text: string) => options.stderr?.push(text) ?? true },
  })
  return { writing, dir, lines: () => logfileLines(path.join(dir, 'eht-influx-log')) }
}

const point = (i: number) => `m,station=Kp seq=${i}i ${1617672549204824064n + BigInt(i)}`

/** The first retry waits at least this long (min_delay 30 s, jitter 0.2): far more than any test waits after Ctrl-C. */
const RETRY_DELAY_MS = 24_000
/** After Ctrl-C writePoints must end within this (it cuts the retry delay short). */
const STOP_MS = 3000

/**
 * writePoints with --sync to a server where nothing listens (connection refused, retried every 30 s
 * or more), on a piped input, with the real Ctrl-C handler: only a Ctrl-C that cuts the retry delay
 * short lets a test end in time.
 */
async function syncToDownServer() {
  const interrupt = fakeInterrupt()
  const piped = pipedInput()
  const port = await freePort()
  const stderr: string[] = []
  const configText = `[client]\nbucket = eht_test\n[server.down]\nurl = http://127.0.0.1:${port}\napi = v1\n[retry]\nmin_delay = 30s\n[errors]\nstderr = every\n`
  const set = setUp(piped.input, interrupt, { configText, sync: true, stderr })
  /** The outcome once Ctrl-C came: within STOP_MS, or a failure saying it waited for the retry delay. */
  const stopped = async () => {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`writePoints still running ${STOP_MS} ms after Ctrl-C (waiting out the retry delay?)`)), STOP_MS)))
    try {
      return await Promise.race([set.writing, late])
    } finally {
      clearTimeout(timer)
    }
  }
  return { interrupt, piped, stderr, stopped, ...set }
}

describe('writePoints', () => {
  it(`writes what was read to the logfile once the input is quiet for ${IDLE_WRITE_MS} ms, not when the batch fills or the input ends`, async () => {
    const piped = pipedInput()
    const { writing, lines } = setUp(piped.input)
    piped.send([point(1), point(2), point(3)])
    await expect.poll(lines, { timeout: 10_000, interval: 20 }).toHaveLength(3)
    piped.send([point(4)])
    await expect.poll(lines, { timeout: 10_000, interval: 20 }).toHaveLength(4)
    piped.end()
    const outcome = await writing
    expect(outcome).toMatchObject({ points: 4, interrupted: false })
    // Each point once, in order.
    expect(lines().map((l) => (JSON.parse(l) as { fields: { seq: { i: string } } }).fields.seq.i)).toEqual(['1', '2', '3', '4'])
  })

  it('chunks arriving within the quiet time are written with the points before them, each once, in order', async () => {
    const piped = pipedInput()
    const { writing, lines } = setUp(piped.input)
    piped.send([point(1)])
    piped.send([point(2)])
    await expect.poll(lines, { timeout: 10_000, interval: 20 }).toHaveLength(2)
    piped.end()
    expect(await writing).toMatchObject({ points: 2 })
    expect(lines().map((l) => (JSON.parse(l) as { fields: { seq: { i: string } } }).fields.seq.i)).toEqual(['1', '2'])
  })

  it('Ctrl-C as the next read starts: the points read before it are still written, once', async () => {
    const interrupt = fakeInterrupt()
    // The second read is the one Ctrl-C cuts short: it never ends, and the quiet time has not passed.
    const piped = pipedInput((calls) => {
      if (calls === 2) interrupt.fire()
    })
    const { writing, lines } = setUp(piped.input, interrupt)
    piped.send([point(1), point(2)])
    const outcome = await writing
    expect(outcome).toMatchObject({ points: 2, interrupted: true })
    expect(lines()).toHaveLength(2)
  })

  it('--sync with a server down: Ctrl-C during the retries stops at once, the batch spooled, not after the [retry] schedule', async () => {
    const { interrupt, piped, stderr, stopped, dir, lines } = await syncToDownServer()
    piped.send([point(1)])
    piped.end()
    // The first retry is announced: the batch is now waiting for its delay (30 s or more).
    await expect.poll(() => stderr.join(''), { timeout: 10_000, interval: 20 }).toMatch(/retry 1 in/)
    expect(Number(/retry 1 in ([\d.]+) s/.exec(stderr.join(''))![1]) * 1000).toBeGreaterThanOrEqual(RETRY_DELAY_MS)
    const firedAt = performance.now()
    interrupt.fire()
    const outcome = await stopped()
    expect(performance.now() - firedAt).toBeLessThan(STOP_MS)
    expect(STOP_MS).toBeLessThan(RETRY_DELAY_MS / 4)
    expect(outcome).toMatchObject({ points: 1, interrupted: true, servers: { down: { delivered: 0, spooled: 1 } } })
    expect(lines()).toHaveLength(1)
    const spooled = fs.readdirSync(path.join(dir, 'eht-influx-spool'), { recursive: true }).filter((f) => /\.(jsonl|lp)$/.test(String(f)))
    expect(spooled.length).toBeGreaterThan(0)
  }, 20_000)

  it('--sync with a server down: Ctrl-C during the send of a full batch still logs and spools the rest of the chunk read with it', async () => {
    const { interrupt, piped, stderr, stopped, lines } = await syncToDownServer()
    // One chunk of 5,010 lines: the first 5,000 fill a batch, whose send Ctrl-C cuts short; the last 10 were read with it.
    const count = 5010
    piped.send(Array.from({ length: count }, (_, i) => point(i)))
    await expect.poll(() => stderr.join(''), { timeout: 10_000, interval: 20 }).toMatch(/retry 1 in/)
    interrupt.fire()
    const outcome = await stopped()
    expect(outcome).toMatchObject({ points: count, interrupted: true, servers: { down: { delivered: 0, spooled: count } } })
    // Every line read is in the logfile, once, in order.
    expect(lines().map((l) => Number((JSON.parse(l) as { fields: { seq: { i: string } } }).fields.seq.i))).toEqual(Array.from({ length: count }, (_, i) => i))
  }, 20_000)

  it('--sync with a server down: a chunk read while a send waits for the server is still logged after Ctrl-C', async () => {
    const { interrupt, piped, stderr, stopped, lines } = await syncToDownServer()
    // Points 0-2 go out once the input is quiet, and their send waits on the [retry] schedule; points 3-5
    // arrive meanwhile (read from the pipe, so gone from it), then Ctrl-C.
    piped.send([point(0), point(1), point(2)])
    await expect.poll(() => stderr.join(''), { timeout: 10_000, interval: 20 }).toMatch(/retry 1 in/)
    piped.send([point(3), point(4), point(5)])
    await new Promise((resolve) => setTimeout(resolve, 50))
    interrupt.fire()
    const outcome = await stopped()
    expect(outcome).toMatchObject({ points: 6, interrupted: true, servers: { down: { delivered: 0, spooled: 6 } } })
    expect(lines().map((l) => Number((JSON.parse(l) as { fields: { seq: { i: string } } }).fields.seq.i))).toEqual([0, 1, 2, 3, 4, 5])
  }, 20_000)

  it('a failure it cannot go on after (here a decoder bug): WriteStopped with the outcome so far and the last line handed over', async () => {
    const piped = pipedInput()
    const lp = pointDecoder(logfile, 'lp', { measurement: undefined, tags: {} })
    const decoder: PointDecoder = {
      decode: (text, line) => {
        if (text === 'BOOM') throw new TypeError('a bug in the decoder')
        return lp.decode(text, line)
      },
    }
    const { writing, lines } = setUp(piped.input, fakeInterrupt(), { decoder })
    piped.send([point(1), point(2), point(3)])
    await expect.poll(lines, { timeout: 10_000, interval: 20 }).toHaveLength(3)
    piped.send([point(4), 'BOOM', point(6)])
    const stopped = await writing.catch((error: unknown) => error)
    expect(stopped).toBeInstanceOf(WriteStopped)
    const { afterLine, outcome, cause } = stopped as WriteStopped
    expect([afterLine, (cause as Error).message]).toEqual([3, 'a bug in the decoder'])
    expect(outcome).toMatchObject({ points: 3, interrupted: false, notLogged: undefined })
    expect(lines()).toHaveLength(3)
  })
})
