import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openDelivery } from './delivery.js'
import { SpoolFullError } from './errors.js'
import type { ErrorEvent, SpooledEvent } from './events.js'
import { CaptureSink, closedPort, makeConfig, readAll, tempDir } from '../test/helpers.js'

// A server that is down (nobody listens on its port) and a spool that cannot take the points: what is said
// must be true (never "kept in the spool" for points only in the logfile), and the drop must name its cause.

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m,s=Kp v=${from + i} ${1617672549204824064n + BigInt(from + i)}`)

async function openDown(dir: string, spool: Record<string, string> = {}) {
  const port = await closedPort()
  const config = makeConfig(dir, { servers: [{ name: 'down', url: `http://127.0.0.1:${port}`, api: 'v1' }], retry: { max_retries: '0', max_retry_time: '1s' }, spool })
  const stderr = new CaptureSink()
  const errors: ErrorEvent[] = []
  const spooled: SpooledEvent[] = []
  const delivery = await openDelivery(config, { stderr, drainSpool: false, onError: (e) => errors.push(e), onSpooled: (e) => spooled.push(e) })
  return { delivery, stderr, errors, spooled, config }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a spool that cannot be written', () => {
  it('(its folder is a regular file): the points are dropped as "spool-unwritable" with the cause, never said to be kept in the spool', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'spool'), 'not a folder\n')
    const { delivery, stderr, errors, spooled } = await openDown(dir)
    const outcome = await delivery.enqueue(lines(10), true)
    await delivery.close()
    expect(outcome?.down).toMatchObject({ accepted: 0, spooled: 0, dropped: 10 })
    expect(outcome?.down?.dropCause).toMatchObject({ reason: 'spool-unwritable', message: expect.stringMatching(/cannot write the spool in .*spool.down: .*ENOTDIR/), detail: expect.stringMatching(/^ENOTDIR: /) })
    expect(delivery.stats().down).toMatchObject({ dropped: 10, spooled: 0, dropCause: { reason: 'spool-unwritable' } })
    const drop = errors.find((e) => SpoolFullError.isInstance(e.error))
    expect((drop?.error as SpoolFullError).reason).toBe('spool-unwritable')
    expect(drop?.points).toBe(10)
    expect(spooled).toEqual([])
    const said = [stderr.text, ...errors.map((e) => `${e.reason} ${e.error.message}`), ...(outcome?.down?.reasons ?? [])].join('\n')
    expect(said).not.toMatch(/kept in the spool/)
    expect(said).toMatch(/only in the logfile/)
  })

  it('(too many open files, for a moment): the write is tried again and the points are kept', async () => {
    const dir = tempDir()
    const { delivery, errors } = await openDown(dir)
    const open = fs.promises.open.bind(fs.promises)
    let refused = 0
    vi.spyOn(fs.promises, 'open').mockImplementation(async (file, ...rest) => {
      if (String(file).includes(`${path.sep}spool${path.sep}`) && refused < 2) {
        refused++
        throw Object.assign(new Error(`EMFILE: too many open files, open '${String(file)}'`), { code: 'EMFILE', syscall: 'open' })
      }
      return open(file, ...rest)
    })
    const outcome = await delivery.enqueue(lines(10), true)
    vi.restoreAllMocks()
    await delivery.close()
    expect(refused).toBe(2)
    expect(outcome?.down).toMatchObject({ spooled: 10, dropped: 0 })
    expect(errors.filter((e) => SpoolFullError.isInstance(e.error))).toEqual([])
    const files = await delivery.listSpool()
    expect(await readAll(files.map((f) => f.file), 'lp')).toHaveLength(10)
  })

  it('(too many open files, for good): dropped as "spool-unwritable" naming EMFILE after a few tries', async () => {
    const dir = tempDir()
    const { delivery } = await openDown(dir)
    const open = fs.promises.open.bind(fs.promises)
    let refused = 0
    vi.spyOn(fs.promises, 'open').mockImplementation(async (file, ...rest) => {
      if (String(file).includes(`${path.sep}spool${path.sep}`)) {
        refused++
        throw Object.assign(new Error(`EMFILE: too many open files, open '${String(file)}'`), { code: 'EMFILE', syscall: 'open' })
      }
      return open(file, ...rest)
    })
    const outcome = await delivery.enqueue(lines(10), true)
    vi.restoreAllMocks()
    await delivery.close()
    expect(refused).toBeGreaterThan(2)
    expect(outcome?.down).toMatchObject({ spooled: 0, dropped: 10, dropCause: { reason: 'spool-unwritable', message: expect.stringContaining('EMFILE'), detail: expect.stringMatching(/^EMFILE: /) } })
  })
})

describe('[spool] max_size smaller than a batch', () => {
  it('keeps the points that fit (the first ones, whole lines); the rest is dropped as "spool-full", never "full" with 0 bytes used', async () => {
    const dir = tempDir()
    const { delivery, errors } = await openDown(dir, { max_size: '1KB' })
    const sent = lines(100)
    const outcome = await delivery.enqueue(sent, true)
    await delivery.close()
    const files = await delivery.listSpool()
    const kept = await readAll(files.map((f) => f.file), 'lp')
    const fit = Math.floor(1024 / Buffer.byteLength(`${sent[0]}\n`))
    expect(kept.length).toBeGreaterThanOrEqual(fit - 1)
    expect(kept.length).toBeLessThanOrEqual(fit)
    expect(kept.map((r) => r.fields.v)).toEqual(Array.from({ length: kept.length }, (_, i) => ({ type: 'float', value: i })))
    expect(outcome?.down).toMatchObject({ spooled: kept.length, dropped: 100 - kept.length, dropCause: { reason: 'spool-full' } })
    const drop = errors.find((e) => SpoolFullError.isInstance(e.error))!
    expect(drop.points).toBe(100 - kept.length)
    expect(drop.error.message).not.toMatch(/\b0 used/)
    expect(drop.error.message).toMatch(new RegExp(`${100 - kept.length} of 100 points for server "down" are only in the logfile`))
    const used = (drop.error as SpoolFullError).detail
    expect(used).toMatch(/^\[spool\] max_size 1024 bytes, (\d+) used$/)
    expect(Number(/(\d+) used/.exec(used)![1])).toBe(Buffer.byteLength(sent.slice(0, kept.length).map((line) => `${line}\n`).join('')))
    expect(outcome?.down?.dropCause?.detail).toBe(used)
  })

  it('a single point larger than max_size is not said to find the spool "full" when it is empty', async () => {
    const dir = tempDir()
    const { delivery, errors } = await openDown(dir, { max_size: '100B' })
    const outcome = await delivery.enqueue([`m,s=Kp note="${'x'.repeat(200)}" 1617672549204824064`], true)
    await delivery.close()
    expect(outcome?.down).toMatchObject({ spooled: 0, dropped: 1, dropCause: { reason: 'spool-full' } })
    const drop = errors.find((e) => SpoolFullError.isInstance(e.error))!
    expect(drop.error.message).not.toMatch(/spool is full/)
    expect(drop.error.message).toMatch(/larger than the whole spool \(\[spool\] max_size 100 bytes\)/)
    expect(outcome?.down?.dropCause?.detail).toMatch(/^a point of \d{3} bytes, \[spool\] max_size 100 bytes$/)
  })
})
