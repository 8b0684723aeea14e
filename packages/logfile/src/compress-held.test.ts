import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { point, readBack, writerSandbox } from '../test/fixtures/writer-helpers.js'
import { LogWriteError } from './errors.js'
import { openLogWriter } from './log-writer.js'

// A writer whose compression holds lines it cannot publish (the disk full after the unlink).
const box = writerSandbox('eht-logfile-held-')
afterEach(() => {
  vi.restoreAllMocks()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** `promise`'s value or error, or 'timed out' after `ms`. */
const within = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(
      () => 'resolved',
      (e: unknown) => e,
    ),
    sleep(ms).then(() => 'timed out'),
  ])

/**
 * Kp.jsonl (records 1..50, settled) beside Kp.1.jsonl, the file a size-rotated writer appends to; record 100 lands
 * in Kp.jsonl right before the compressor unlinks it, and every temporary file of the compressor after its
 * first one fails as a full disk does while `full.on` is true (`full.temps` counts them all).
 */
async function heldSetup(format: 'jsonl' | 'csv' = 'jsonl'): Promise<{ old: string; current: string; full: { on: boolean; temps: number } }> {
  const old = path.join(box.dir, `Kp.${format}`)
  const current = path.join(box.dir, `Kp.1.${format}`)
  const first = await openLogWriter({ path: old, format, rotate: { kind: 'none' }, fsync: 'never' })
  await first.append(Array.from({ length: 50 }, (_, i) => point(BigInt(i + 1))))
  await first.close()
  const past = new Date(Date.now() - 10_000)
  fs.utimesSync(old, past, past)
  const late = await openLogWriter({ path: path.join(box.dir, `late.${format}`), format, rotate: { kind: 'none' }, fsync: 'never' })
  await late.append([point(100n)])
  await late.close()
  const lateLine = fs.readFileSync(path.join(box.dir, `late.${format}`))
  fs.rmSync(path.join(box.dir, `late.${format}`))
  fs.writeFileSync(current, '')
  const unlink = fs.promises.unlink
  vi.spyOn(fs.promises, 'unlink').mockImplementation(async (p) => {
    if (p === old) fs.appendFileSync(old, lateLine)
    return unlink(p)
  })
  const full = { on: true, temps: 0 }
  const createWriteStream = fs.createWriteStream
  vi.spyOn(fs, 'createWriteStream').mockImplementation(((file: fs.PathLike, options?: object) => {
    const stream = createWriteStream(file, options as never)
    if (String(file).includes('.gz.tmp-') && ++full.temps >= 2 && full.on) process.nextTick(() => stream.destroy(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })))
    return stream
  }) as typeof fs.createWriteStream)
  return { old, current, full }
}

/** Resolves once the compressor has made `n` temporary files (the .gz, then a .gz and a plain copy per try). */
async function tempsMade(full: { temps: number }, n: number): Promise<void> {
  for (let i = 0; i < 500 && full.temps < n; i++) await sleep(10)
  expect(full.temps).toBeGreaterThanOrEqual(n)
}

const timestamps = async () => (await readBack(box.dir)).records.map((r) => r.timestamp).sort((a, b) => (a < b ? -1 : 1))
const all = [...Array.from({ length: 50 }, (_, i) => BigInt(i + 1)), 100n]

describe('a compression that holds lines while the disk is full', () => {
  it('flush() reports it once instead of waiting, no partial temporary file stays, and close() waits until space is back', { timeout: 20_000 }, async () => {
    const { full } = await heldSetup()
    const w = await box.writer({ path: path.join(box.dir, 'Kp.jsonl'), rotate: { kind: 'size', maxBytes: 1_000_000 }, compressRotated: true, compressGraceMs: 0 })
    const first = await within(w.flush(), 5000)
    expect(LogWriteError.isInstance(first), String(first)).toBe(true)
    expect((first as Error).message).toMatch(/cannot compress .*Kp\.jsonl: ENOSPC.*bytes \d+ to \d+ of it .*held by this process only/)
    expect(fs.readdirSync(box.dir).filter((f) => f.includes('.tmp-'))).toEqual([])
    expect(await within(w.flush(), 5000)).toBe('resolved') // reported once; still held
    expect(fs.readdirSync(box.dir).sort()).toEqual(['Kp.1.jsonl', 'Kp.jsonl.gz', 'Kp.jsonl.gz.claim'])
    full.on = false
    expect(await within(w.close(), 10_000)).toBe('resolved')
    vi.restoreAllMocks()
    expect(fs.readdirSync(box.dir).sort()).toEqual(['Kp.1.jsonl', 'Kp.jsonl.gz'])
    expect(await timestamps()).toEqual(all)
  })

  it('close() gives up after compressCloseWaitMs and appends the held lines to the current logfile', { timeout: 20_000 }, async () => {
    const { current } = await heldSetup()
    const w = await box.writer({ path: path.join(box.dir, 'Kp.jsonl'), rotate: { kind: 'size', maxBytes: 1_000_000 }, compressRotated: true, compressGraceMs: 0, compressCloseWaitMs: 300 })
    await w.append([point(200n)])
    expect(LogWriteError.isInstance(await within(w.flush(), 5000))).toBe(true)
    const started = Date.now()
    const closed = await within(w.close(), 10_000)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(LogWriteError.isInstance(closed), String(closed)).toBe(true)
    expect((closed as Error).message).toMatch(/cannot compress .*Kp\.jsonl: ENOSPC.*gave up .*closing.*: bytes \d+ to \d+ of .*Kp\.jsonl .* were appended to .*Kp\.1\.jsonl instead/)
    vi.restoreAllMocks()
    expect(fs.readdirSync(box.dir).sort()).toEqual(['Kp.1.jsonl', 'Kp.jsonl.gz'])
    expect(fs.readFileSync(current, 'utf8')).toMatch(/"offset":200.*\n.*"offset":100\b/)
    expect(await timestamps()).toEqual([...all, 200n])
  })

  it('close() without a flush() during the wait reports where the held lines went, not the wait (JSONL: appended to the current logfile)', { timeout: 20_000 }, async () => {
    const { current, full } = await heldSetup()
    const w = await box.writer({ path: path.join(box.dir, 'Kp.jsonl'), rotate: { kind: 'size', maxBytes: 1_000_000 }, compressRotated: true, compressGraceMs: 0, compressCloseWaitMs: 300 })
    await w.append([point(200n)])
    await tempsMade(full, 5) // it waits for space (its second try failed too); no flush() reported it
    const closed = await within(w.close(), 10_000)
    expect(LogWriteError.isInstance(closed), String(closed)).toBe(true)
    expect((closed as Error).message).toMatch(/cannot compress .*Kp\.jsonl: ENOSPC.*gave up .*closing.*: bytes \d+ to \d+ of .*Kp\.jsonl .* were appended to .*Kp\.1\.jsonl instead/)
    expect((closed as Error).message).not.toMatch(/held by this process only/)
    vi.restoreAllMocks()
    expect(fs.readFileSync(current, 'utf8')).toMatch(/"offset":100\b/)
    expect(await timestamps()).toEqual([...all, 200n])
  })

  it('close() without a flush() during the wait reports the byte range lost (CSV: no rescue), not the wait', { timeout: 20_000 }, async () => {
    const { old, full } = await heldSetup('csv')
    const size = fs.statSync(old).size
    const w = await box.writer({ path: old, format: 'csv', rotate: { kind: 'size', maxBytes: 1_000_000 }, compressRotated: true, compressGraceMs: 0, compressCloseWaitMs: 300 })
    await w.append([point(200n)])
    await tempsMade(full, 5)
    const closed = await within(w.close(), 10_000)
    expect(LogWriteError.isInstance(closed), String(closed)).toBe(true)
    expect((closed as Error).message).toMatch(new RegExp(`cannot compress .*Kp\\.csv: ENOSPC.*gave up .*closing.*: bytes ${size} to \\d+ of .*Kp\\.csv .* are lost`))
    expect((closed as Error).message).not.toMatch(/held by this process only/)
  })

  it('close() with compressCloseWaitMs 0 settles at once, also while the compression sleeps before its next try', { timeout: 20_000 }, async () => {
    const { full } = await heldSetup()
    const w = await box.writer({ path: path.join(box.dir, 'Kp.jsonl'), rotate: { kind: 'size', maxBytes: 1_000_000 }, compressRotated: true, compressGraceMs: 0, compressCloseWaitMs: 0 })
    await w.append([point(200n)])
    await tempsMade(full, 11) // tries after waits of 100, 200, 400 and 800 ms failed: it now sleeps 1600 ms
    await sleep(50)
    const started = Date.now()
    const closed = await within(w.close(), 10_000)
    expect(Date.now() - started).toBeLessThan(800)
    expect((closed as Error).message).toMatch(/gave up .*closing.*were appended to .*Kp\.1\.jsonl instead/)
    vi.restoreAllMocks()
    expect(await timestamps()).toEqual([...all, 200n])
  })
})
