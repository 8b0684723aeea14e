import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { checkpointDir } from './checkpoint-store.js'
import { ReplayOptionsError } from './errors.js'
import type { ReplayProgress } from './progress.js'
import { replay, type ReplayOptions } from './replay.js'

afterAll(removeTempDirs)

// A port nothing listens on: these runs must fail before anything is sent.
const config = testConfig(tempDir(), [{ name: 'local', url: 'http://127.0.0.1:9', api: 'v1' }])

async function keyOf(options: Partial<ReplayOptions>): Promise<string> {
  const error = await replay({ config, inputs: 'x.lp', ...options } as ReplayOptions).catch((e: unknown) => e)
  return ReplayOptionsError.isInstance(error) ? error.key : `not an options error: ${String(error)}`
}

describe('replay options', () => {
  it('are checked before anything is read or sent, naming the option', async () => {
    expect(await keyOf({ config: undefined as never })).toBe('config')
    expect(await keyOf({ inputs: [] })).toBe('inputs')
    expect(await keyOf({ inputs: [''] })).toBe('inputs')
    expect(await keyOf({ measurements: 'pps' as never })).toBe('measurements')
    expect(await keyOf({ rateLimit: { pointsPerSecond: -1 } })).toBe('rateLimit.pointsPerSecond')
    expect(await keyOf({ since: 'last tuesday' })).toBe('since')
    expect(await keyOf({ since: 10n, until: 5n })).toBe('until')
    expect(await keyOf({ servers: ['nope'] })).toBe('servers[0]')
    expect(await keyOf({ signal: {} as never })).toBe('signal')
    expect(await keyOf({ signal: 'stop' as never })).toBe('signal')
  })

  it('whatever fails once the checkpoints are locked, the locks are let go', async () => {
    const dir = tempDir()
    const own = testConfig(dir, [{ name: 'local', url: 'http://127.0.0.1:9', api: 'v1' }])
    const inputs = path.join(dir, '*.jsonl') // nothing to send
    // Passes for an AbortSignal, and throws once the replay runs.
    const signal = {
      aborted: false,
      addEventListener: () => {
        throw new Error('listener refused')
      },
      removeEventListener: () => undefined,
    } as unknown as AbortSignal
    await expect(replay({ config: own, inputs, signal })).rejects.toThrow('listener refused')
    expect(fs.readdirSync(checkpointDir(own)).filter((n) => n.endsWith('.lock'))).toEqual([])
    expect((await replay({ config: own, inputs })).servers.local).toMatchObject({ sent: 0 })
  })

  it('time the summary on a monotonic clock: the wall clock stepping (NTP) does not change durationMs', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'a.lp')
    fs.writeFileSync(file, 'm,t=a v=1i 1617672549204824064\n')
    let wall = Date.now()
    // Every look at the wall clock finds it an hour earlier.
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => (wall -= 3_600_000))
    try {
      const summary = await replay({ config, inputs: file, dryRun: true, output: { write: () => true, once: () => undefined } })
      expect(summary.printed).toBe(1)
      expect(summary.durationMs).toBeGreaterThanOrEqual(0)
      expect(summary.durationMs).toBeLessThan(60_000)
    } finally {
      clock.mockRestore()
    }
  })

  it('report an input that does not exist by its name', async () => {
    await expect(replay({ config, inputs: '/no/such/dir/station.jsonl' })).rejects.toThrow('/no/such/dir/station.jsonl')
  })

  it('warn when a glob matches no logfile, and send nothing', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a logfile')
    const summary = await replay({ config, inputs: path.join(dir, '*.jsonl') })
    expect(summary).toMatchObject({ files: 0, read: 0, warnings: [expect.stringContaining('no logfile matches')] })
    expect(summary.servers.local).toMatchObject({ sent: 0, accepted: 0 })
  })
})

/** A stream that takes everything at once. */
const sink = { write: () => true, once: () => undefined }

describe('replay progress', () => {
  it('keeps calling back while a long stretch is filtered out, and gives no time left in the first second', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'long.lp')
    const count = 600_000
    const t0 = 1617672549000000000n
    let text = ''
    for (let i = 0; i < count; i++) text += `m,f=0 v=${i}i ${t0 + BigInt(i) * 1000n}\n`
    fs.writeFileSync(file, text)
    const calls: ReplayProgress[] = []
    // Only the first 1% is selected: the rest is read and left out.
    const summary = await replay({ config, inputs: file, dryRun: true, output: sink, until: t0 + BigInt(count / 100) * 1000n, onProgress: (p) => calls.push(p) })
    expect(summary).toMatchObject({ read: count / 100, filtered: count - count / 100, bytes: text.length })
    const during = calls.filter((p) => !p.done)
    // The timer calls back (every 250 ms), not only after a selected point: also after the selected points,
    // while the rest is read and left out. (How many calls depends on the machine's load: not counted.)
    expect(during.filter((p) => p.pointsRead === count / 100).length).toBeGreaterThanOrEqual(2)
    expect(during.some((p) => p.pointsFiltered > 0)).toBe(true)
    for (const p of calls.filter((c) => c.elapsedMs < 1000 && !c.done)) expect(p.etaSeconds).toBeUndefined()
    expect(calls.at(-1)).toMatchObject({ done: true, etaSeconds: 0, bytesRead: text.length, bytesTotal: text.length, pointsFiltered: count - count / 100 })
  })
})

describe('replay summary bytes', () => {
  it('are the bytes read: a truncated .gz counts what it gave, not its trailer; whole files count whole, bad lines included', async () => {
    const dir = tempDir()
    const lines = 'm v=1i 1617672549204824064\nm v=2i 1617672549204825064\nm v=3i 1617672549204826064\n'
    const cut = path.join(dir, 'cut.lp.gz')
    fs.writeFileSync(cut, zlib.gzipSync(lines).subarray(0, 25))
    const calls: ReplayProgress[] = []
    const truncated = await replay({ config, inputs: cut, dryRun: true, output: sink, onProgress: (p) => calls.push(p) })
    expect(truncated.bytes).toBeLessThanOrEqual(lines.length)
    expect(calls.at(-1)!.bytesTotal).toBeLessThanOrEqual(lines.length)

    const whole = path.join(dir, 'whole.lp.gz')
    fs.writeFileSync(whole, zlib.gzipSync(`${lines}not a line\n`))
    const plain = path.join(dir, 'plain.lp')
    fs.writeFileSync(plain, `${lines}not a line either\n`)
    const both = await replay({ config, inputs: [whole, plain], dryRun: true, output: sink })
    expect(both).toMatchObject({ read: 6, badLines: 2, bytes: lines.length + 11 + lines.length + 18 })
  })
})

describe('a dry run', () => {
  it('leaves no trace in the station\'s files: bad lines are counted and reported, not written to the errors file; no checkpoint', async () => {
    const dir = tempDir()
    const dryConfig = testConfig(dir, [{ name: 'local', url: 'http://127.0.0.1:9', api: 'v1' }], { stderr: 'summary' })
    const file = path.join(dir, 'a.lp')
    fs.writeFileSync(file, 'm,t=a v=1i 1617672549204824064\nnot line protocol\n')
    const seen: number[] = []
    const stderr: string[] = []
    const summary = await replay({ config: dryConfig, inputs: file, dryRun: true, output: sink, onBadLine: (b) => seen.push(b.line), stderr: { write: (t: string) => stderr.push(t) } })
    expect(summary).toMatchObject({ printed: 1, badLines: 1 })
    expect(seen).toEqual([2])
    expect(stderr).toEqual(['eht-influx-client: replay: 1 bad lines skipped; a dry run does not write them to the errors file\n'])
    expect(fs.existsSync(dryConfig.errors.errorsFile)).toBe(false)
    expect(fs.readdirSync(dir).sort()).toEqual(['a.lp', 'config.ini'])
  })
})

describe('user callbacks that fail', () => {
  it('an async onProgress or onBadLine that rejects (or one that throws) neither stops the replay nor becomes an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const dir = tempDir()
      const file = path.join(dir, 'a.lp')
      fs.writeFileSync(file, 'm,t=a v=1i 1617672549204824064\nnot line protocol\nm,t=a v=2i 1617672549204824065\n')
      const calls = { progress: 0, bad: 0 }
      const summary = await replay({
        config,
        inputs: file,
        dryRun: true,
        output: sink,
        onProgress: async () => {
          calls.progress++
          throw new Error('progress display failed')
        },
        onBadLine: async () => {
          calls.bad++
          await null
          throw new Error('bad line handler failed')
        },
        stderr: { write: () => true },
      })
      expect(summary).toMatchObject({ printed: 2, badLines: 1, stoppedEarly: false })
      expect(calls.bad).toBe(1)
      expect(calls.progress).toBeGreaterThanOrEqual(1)
      const thrown = await replay({ config, inputs: file, dryRun: true, output: sink, onProgress: () => { throw new Error('sync') }, onBadLine: () => { throw new Error('sync') }, stderr: { write: () => true } })
      expect(thrown).toMatchObject({ printed: 2, badLines: 1 })
      // Rejections are reported after a turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
