// Rotation and compression, through the writer that drives LogTarget.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { compressSettled } from './compress.js'
import { clock, lines, point, readBack, writerSandbox } from '../test/fixtures/writer-helpers.js'

const box = writerSandbox('eht-logfile-rotate-')
const writer = box.writer

const listed = () => fs.readdirSync(box.dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(box.dir, f)).isFile()).sort()

afterEach(() => {
  vi.restoreAllMocks()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Runs `other` (another process) once, just before the writer's next open() of `file`, then lets it open. */
function beforeOpenOf(file: string, other: () => Promise<unknown>): void {
  const open = fs.promises.open
  let armed = true
  vi.spyOn(fs.promises, 'open').mockImplementation(async (...args: Parameters<typeof open>) => {
    if (armed && args[0] === file) {
      armed = false
      await other()
    }
    return open(...args)
  })
}


/**
 * Another process compressing `file` at once: its last write backdated first (a
 * file written a moment ago can carry an mtime up to a millisecond ahead of
 * Date.now(), which would count as written after now, not settled).
 */
async function compressNow(file: string): Promise<void> {
  const past = new Date(Date.now() - 10_000)
  fs.utimesSync(file, past, past)
  expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
}
describe('rotation', () => {
  it('hourly: a new file when the UTC hour changes, named from the pattern', async () => {
    const time = clock('2024-01-01T10:59:59.999Z')
    const w = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d-%H.jsonl'), rotate: { kind: 'hourly' }, now: time.now })
    await w.append([point(1n)])
    time.set('2024-01-01T11:00:00.000Z')
    await w.append([point(2n)])
    await w.append([point(3n)])
    expect(w.currentPath).toBe(path.join(box.dir, 'Kp-20240101-11.jsonl'))
    expect(listed()).toEqual(['Kp-20240101-10.jsonl', 'Kp-20240101-11.jsonl'])
    expect(lines(path.join(box.dir, 'Kp-20240101-10.jsonl'))).toHaveLength(1)
    expect(w.stats.rotations).toBe(1)
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n])
  })

  it('daily: directories from the pattern are created, and each CSV file gets its own header', async () => {
    const time = clock('2024-02-28T23:00:00Z')
    const w = await writer({ path: path.join(box.dir, '%Y', '%m', 'Kp-%d.csv'), format: 'csv', rotate: { kind: 'daily' }, now: time.now })
    await w.append([point(1n)])
    time.set('2024-02-29T00:00:01Z')
    await w.append([point(2n)])
    time.set('2024-03-01T12:00:00Z')
    await w.append([point(3n)])
    expect(listed()).toEqual(['2024/02/Kp-28.csv', '2024/02/Kp-29.csv', '2024/03/Kp-01.csv'])
    for (const file of listed()) expect(lines(path.join(box.dir, file))[0]).toMatch(/^#datatype /)
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n])
  })

  it('size: numbered files, none above maxBytes unless one append alone is larger, nothing split', async () => {
    const w = await writer({ path: path.join(box.dir, 'Kp.jsonl'), rotate: { kind: 'size', maxBytes: 400 } })
    for (let i = 0; i < 20; i++) await w.append([point(BigInt(i))])
    await w.append(Array.from({ length: 10 }, (_, i) => point(BigInt(100 + i))))
    await w.append([point(200n)])
    const files = listed()
    expect(files.slice(0, 3)).toEqual(['Kp.1.jsonl', 'Kp.2.jsonl', 'Kp.3.jsonl'])
    const sizes = files.map((f) => fs.statSync(path.join(box.dir, f)).size)
    expect(sizes.filter((s) => s > 400)).toHaveLength(1) // the 10-record append, alone in its file
    const { records, bad } = await readBack(box.dir)
    expect(bad).toEqual([])
    expect(records.map((r) => r.timestamp)).toEqual([...Array.from({ length: 20 }, (_, i) => BigInt(i)), ...Array.from({ length: 10 }, (_, i) => BigInt(100 + i)), 200n])
  })

  it('size: a new writer goes on with the last numbered file, and moves on when the next append would overfill it', async () => {
    // Each line is 33 bytes: two fit in 70.
    const first = await writer({ path: path.join(box.dir, 'Kp.lp'), format: 'lp', rotate: { kind: 'size', maxBytes: 70 } })
    for (let i = 0; i < 5; i++) await first.append([point(BigInt(i))])
    await first.close()
    expect(listed().map((f) => [f, lines(path.join(box.dir, f)).length])).toEqual([
      ['Kp.1.lp', 2],
      ['Kp.2.lp', 1],
      ['Kp.lp', 2],
    ])
    const second = await writer({ path: path.join(box.dir, 'Kp.lp'), format: 'lp', rotate: { kind: 'size', maxBytes: 70 } })
    expect(second.currentPath).toBe(path.join(box.dir, 'Kp.2.lp'))
    await second.append([point(5n)])
    await second.append([point(6n)])
    expect(second.currentPath).toBe(path.join(box.dir, 'Kp.3.lp'))
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n])
  })

  it('compressRotated: the old file becomes .gz (plain one removed) and still reads back', async () => {
    const time = clock('2024-01-01T10:00:00Z')
    const w = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d%H.jsonl'), rotate: { kind: 'hourly' }, compressRotated: true, compressGraceMs: 0, now: time.now })
    await w.append([point(1n), point(2n)])
    time.set('2024-01-01T11:00:00Z')
    await w.append([point(3n)])
    await w.flush()
    expect(listed()).toEqual(['Kp-2024010110.jsonl.gz', 'Kp-2024010111.jsonl'])
    expect(w.stats.compressed).toBe(1)
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n])
  })

  it('compressRotated: a rotated file is compressed only once nobody has written to it for compressGraceMs (the writer stays open)', async () => {
    const time = clock('2024-01-01T10:59:59Z')
    const old = path.join(box.dir, 'Kp-2024010110.jsonl')
    const w = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d%H.jsonl'), rotate: { kind: 'hourly' }, compressRotated: true, compressGraceMs: 400, now: time.now })
    await w.append([point(1n)])
    // Another writer whose clock is behind still appends to the old hour's file.
    const behind = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d%H.jsonl'), rotate: { kind: 'hourly' }, now: clock('2024-01-01T10:59:59Z').now })
    time.set('2024-01-01T11:00:00Z')
    await w.append([point(2n)])
    for (let i = 3n; i < 9n; i++) {
      await sleep(100)
      await behind.append([point(i)])
    }
    await behind.close()
    expect(listed()).toEqual(['Kp-2024010110.jsonl', 'Kp-2024010111.jsonl'])
    for (let i = 0; i < 40 && !fs.existsSync(`${old}.gz`); i++) await sleep(50)
    expect(listed()).toEqual(['Kp-2024010110.jsonl.gz', 'Kp-2024010111.jsonl'])
    await w.flush()
    expect(w.stats.compressed).toBe(1)
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n].sort((a, b) => (a < b ? -1 : 1)))
  })

  /** Counts the sweeps (directory listings) and timer overflow warnings while `during` runs. */
  async function sweepsDuring(during: () => Promise<void>): Promise<{ sweeps: number; overflows: number }> {
    let sweeps = 0
    let overflows = 0
    const readdir = fs.promises.readdir
    vi.spyOn(fs.promises, 'readdir').mockImplementation(((...args: Parameters<typeof readdir>) => {
      sweeps++
      return readdir(...args)
    }) as typeof readdir)
    const onWarning = (warning: Error) => void (warning.name === 'TimeoutOverflowWarning' && overflows++)
    process.on('warning', onWarning)
    try {
      await during()
    } finally {
      process.off('warning', onWarning)
      vi.restoreAllMocks()
    }
    return { sweeps, overflows }
  }

  it('compressRotated: a rotated file whose mtime is a month ahead (written while the clock was ahead) is compressed compressGraceMs after the writer saw it, without a sweep loop', async () => {
    const old = path.join(box.dir, 'Kp.jsonl')
    fs.writeFileSync(old, '{"x":1}\n')
    fs.writeFileSync(path.join(box.dir, 'Kp.1.jsonl'), '')
    const ahead = new Date(Date.now() + 30 * 86_400_000)
    fs.utimesSync(old, ahead, ahead)
    let w: Awaited<ReturnType<typeof writer>> | undefined
    const { sweeps, overflows } = await sweepsDuring(async () => {
      w = await writer({ path: old, rotate: { kind: 'size', maxBytes: 1000 }, compressRotated: true, compressGraceMs: 300 })
      for (let i = 0; i < 60 && !fs.existsSync(`${old}.gz`); i++) await sleep(50)
    })
    expect(overflows).toBe(0)
    expect(sweeps).toBeLessThan(10)
    expect(listed()).toEqual(['Kp.1.jsonl', 'Kp.jsonl.gz'])
    expect(zlib.gunzipSync(fs.readFileSync(`${old}.gz`)).toString()).toBe('{"x":1}\n')
    await w!.flush()
    expect(w!.stats.compressed).toBe(1)
  })

  it('compressRotated: a file that settles more than 24.8 days from now (a long compressGraceMs) is looked at again within the hour, not in a loop', async () => {
    const old = path.join(box.dir, 'Kp.jsonl')
    fs.writeFileSync(old, '{"x":1}\n')
    fs.writeFileSync(path.join(box.dir, 'Kp.1.jsonl'), '')
    const timeouts: number[] = []
    const { sweeps, overflows } = await sweepsDuring(async () => {
      const setTimeout = globalThis.setTimeout
      vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
        timeouts.push(ms ?? 0)
        return setTimeout(fn, ms)
      }) as typeof setTimeout)
      const w = await writer({ path: old, rotate: { kind: 'size', maxBytes: 1000 }, compressRotated: true, compressGraceMs: 30 * 86_400_000 })
      await sleep(300)
      await w.close()
    })
    expect(overflows).toBe(0)
    expect(sweeps).toBeLessThan(5)
    expect(timeouts.filter((ms) => ms > 60_000)).toEqual([expect.any(Number)])
    expect(Math.max(...timeouts)).toBeLessThanOrEqual(3_600_000)
    expect(listed()).toEqual(['Kp.1.jsonl', 'Kp.jsonl'])
  })

  it('compressRotated: the claim and temporary files an earlier run of our pid left (a restart as PID 1) are removed, and the file compressed', async () => {
    const old = path.join(box.dir, 'Kp.jsonl')
    fs.writeFileSync(old, '{"x":1}\n')
    fs.writeFileSync(path.join(box.dir, 'Kp.1.jsonl'), '')
    const past = new Date(Date.now() - 3_600_000)
    fs.utimesSync(old, past, past)
    fs.writeFileSync(`${old}.gz.claim`, `${process.pid}\n`)
    fs.writeFileSync(`${old}.gz.tmp-${process.pid}-deadbeef`, 'x'.repeat(1000))
    fs.writeFileSync(`${old}.gz.tmp-0123456789abcdef-0`, 'x'.repeat(1000))
    fs.writeFileSync(`${old}.gz.claim.${process.pid}-deadbeef`, `${process.pid}\n`)
    const w = await writer({ path: old, rotate: { kind: 'size', maxBytes: 1000 }, compressRotated: true, compressGraceMs: 100 })
    for (let i = 0; i < 60 && listed().length > 2; i++) await sleep(50)
    await w.flush()
    expect(w.stats.compressed).toBe(1)
    expect(listed()).toEqual(['Kp.1.jsonl', 'Kp.jsonl.gz'])
  })

  it('compressRotated: the claim and temporary file of a compression another live process runs are left to it', async () => {
    const old = path.join(box.dir, 'Kp.jsonl')
    fs.writeFileSync(old, '{"x":1}\n')
    fs.writeFileSync(path.join(box.dir, 'Kp.1.jsonl'), '')
    const past = new Date(Date.now() - 3_600_000)
    fs.utimesSync(old, past, past)
    const start = fs.readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    fs.writeFileSync(`${old}.gz.claim`, `${process.ppid} 0123456789abcdef ${boot} ${start} ${fs.readlinkSync('/proc/self/ns/pid')}\n`)
    fs.writeFileSync(`${old}.gz.tmp-0123456789abcdef-0`, 'x'.repeat(1000))
    const w = await writer({ path: old, rotate: { kind: 'size', maxBytes: 1000 }, compressRotated: true, compressGraceMs: 100 })
    await sleep(300)
    await w.flush()
    expect(w.stats.compressed).toBe(0)
    expect(listed()).toEqual(['Kp.1.jsonl', 'Kp.jsonl', 'Kp.jsonl.gz.claim', 'Kp.jsonl.gz.tmp-0123456789abcdef-0'])
  })

  it('compressRotated, size rotation: a file is compressed only once a later numbered file exists, never the last one', async () => {
    const pattern = path.join(box.dir, 'Kp.jsonl')
    const w = await writer({ path: pattern, rotate: { kind: 'size', maxBytes: 100 }, compressRotated: true, compressGraceMs: 0 })
    for (let i = 1n; i <= 6n; i++) await w.append([point(i)])
    const last = w.currentPath!
    await w.close()
    expect(w.stats.rotations).toBeGreaterThan(1)
    expect(listed().filter((n) => !n.endsWith('.gz'))).toEqual([path.basename(last)])
    expect(listed()).toHaveLength(w.stats.rotations + 1)
    // A writer that opens later goes on with the last file; the compressed ones are not touched.
    const again = await writer({ path: pattern, rotate: { kind: 'size', maxBytes: 100 }, compressRotated: true, compressGraceMs: 0 })
    await again.append([point(7n)])
    await again.flush()
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n])
  })

  it('compressRotated, clock stepped back across midnight: the compressed day is not reopened; a numbered file takes the records', async () => {
    const time = clock('2024-01-01T23:59:59Z')
    const w = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'daily' }, compressRotated: true, compressGraceMs: 0, now: time.now })
    await w.append([point(1n), point(2n)])
    time.set('2024-01-02T00:00:00.300Z')
    await w.append([point(3n)])
    await w.flush() // day 1 is compressed now
    time.set('2024-01-01T23:59:59.600Z')
    await w.append([point(4n)])
    expect(w.currentPath).toBe(path.join(box.dir, 'Kp-20240101.1.jsonl'))
    time.set('2024-01-02T00:00:00.100Z')
    await w.append([point(5n)]) // day 2 is a day after the clock's when it stepped back: not compressed, the writer goes on with it
    await w.close()
    expect(listed()).toEqual(['Kp-20240101.1.jsonl.gz', 'Kp-20240101.jsonl.gz', 'Kp-20240102.jsonl'])
    expect(w.stats.compressed).toBe(2)
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n, 4n, 5n])
  })

  it.each(['daily', 'size'] as const)('%s rotation: a name whose .gz is there beside its plain file (a compression cut between link and unlink) is not joined', async (kind) => {
    const time = clock('2024-01-01T12:00:00Z')
    const options = { path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: kind === 'daily' ? ({ kind } as const) : ({ kind, maxBytes: 1_000_000 } as const), now: time.now }
    const first = await writer(options)
    await first.append([point(1n), point(2n)])
    await first.close()
    // As a crash between gzipRotated's link() and its unlink() leaves them: the .gz and the same plain file.
    const plain = path.join(box.dir, 'Kp-20240101.jsonl')
    fs.writeFileSync(`${plain}.gz`, zlib.gzipSync(fs.readFileSync(plain)))
    const second = await writer(options)
    await second.append([point(3n)])
    expect(second.currentPath).toBe(path.join(box.dir, 'Kp-20240101.1.jsonl'))
    await second.close()
    expect(lines(plain)).toHaveLength(2)
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n])
  })

  it('compressRotated, two processes whose clocks differ: the one behind does not recreate the file the other compressed', async () => {
    const a = clock('2024-01-01T23:59:59Z')
    const b = clock('2024-01-01T23:59:59Z')
    const options = { path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'daily' } as const, compressRotated: true, compressGraceMs: 0 }
    const wa = await writer({ ...options, now: a.now })
    const wb = await writer({ ...options, now: b.now })
    await wa.append([point(1n)])
    await wb.append([point(2n)])
    a.set('2024-01-02T00:00:00.100Z')
    await wa.append([point(3n)])
    await wa.flush() // A compressed day 1 under B
    b.set('2024-01-01T23:59:59.950Z')
    await wb.append([point(4n)])
    expect(wb.currentPath).toBe(path.join(box.dir, 'Kp-20240101.1.jsonl'))
    b.set('2024-01-02T00:00:00.200Z')
    await wb.append([point(5n)])
    await wa.close()
    await wb.close()
    expect(listed()).toEqual(['Kp-20240101.1.jsonl.gz', 'Kp-20240101.jsonl.gz', 'Kp-20240102.jsonl'])
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n, 4n, 5n])
  })

  it('a file another process compresses between the look and the open is not created again beside its .gz', async () => {
    const day1 = path.join(box.dir, 'Kp-20240101.jsonl')
    const options = { path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'daily' } as const }
    const b = await writer({ ...options, now: clock('2024-01-01T23:59:59Z').now })
    await b.append([point(1n), point(2n)])
    await b.close()
    // A starts on day 1 and finds the file; B, on day 2 by now, compresses it before A opens it.
    beforeOpenOf(day1, () => compressNow(day1))
    const a = await writer({ ...options, now: clock('2024-01-01T23:59:59.500Z').now })
    expect(a.currentPath).toBe(path.join(box.dir, 'Kp-20240101.1.jsonl'))
    await a.append([point(3n)])
    await a.close()
    expect(listed()).toEqual(['Kp-20240101.1.jsonl', 'Kp-20240101.jsonl.gz'])
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n])
  })

  it('a name that was not there, written and compressed by another process before the open: the writer does not leave a plain file beside its .gz', async () => {
    const day1 = path.join(box.dir, 'Kp-20240101.jsonl')
    const options = { path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'daily' } as const }
    // Between A's look (neither Kp-20240101.jsonl nor its .gz) and A's open, B creates, writes and compresses it.
    beforeOpenOf(day1, async () => {
      const b = await writer({ path: day1 })
      await b.append([point(1n)])
      await b.close()
      await compressNow(day1)
    })
    const a = await writer({ ...options, now: clock('2024-01-01T23:59:59.500Z').now })
    expect(a.currentPath).toBe(path.join(box.dir, 'Kp-20240101.1.jsonl'))
    await a.append([point(3n)])
    await a.close()
    expect(listed()).toEqual(['Kp-20240101.1.jsonl', 'Kp-20240101.jsonl.gz'])
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 3n])
  })

  it('a name another process creates between the look and the open is joined, not replaced', async () => {
    const day1 = path.join(box.dir, 'Kp-20240101.jsonl')
    beforeOpenOf(day1, async () => {
      const b = await writer({ path: day1 })
      await b.append([point(1n)])
      await b.close()
    })
    const a = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'daily' }, now: clock('2024-01-01T23:59:59.500Z').now })
    expect(a.currentPath).toBe(day1)
    await a.append([point(3n)])
    await a.close()
    expect(listed()).toEqual(['Kp-20240101.jsonl'])
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 3n])
  })

  it('size rotation of a dated name, clock stepped back: the writer waits for its own compression of the file it goes back to', async () => {
    const day1 = path.join(box.dir, 'Kp-20240101.jsonl')
    const time = clock('2024-01-01T23:59:59Z')
    const w = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'size', maxBytes: 1_000_000 }, compressRotated: true, compressGraceMs: 0, now: time.now })
    // Hold day 1's compression just before it publishes the .gz (after its last check that the file is unchanged)
    // until the append below is done, or 300 ms if that append waits for the compression.
    const link = fs.promises.link
    let atLink!: () => void
    const reachedLink = new Promise<void>((resolve) => (atLink = resolve))
    let appended: Promise<unknown> = new Promise(() => {})
    vi.spyOn(fs.promises, 'link').mockImplementation(async (from, to) => {
      if (to === `${day1}.gz`) {
        atLink()
        await Promise.race([appended, sleep(300)])
      }
      return link(from, to)
    })
    await w.append([point(1n), point(2n)])
    time.set('2024-01-02T00:00:00.100Z')
    await w.append([point(3n)]) // rotates: day 1 is compressed in the background
    await reachedLink
    time.set('2024-01-01T23:59:59.900Z')
    appended = w.append([point(4n)])
    await appended
    time.set('2024-01-02T00:00:00.200Z')
    await w.append([point(5n)])
    await w.close()
    // Day 2 was never compressed: when the clock stepped back it was a later day's file, not a settled one.
    expect(listed()).toEqual(['Kp-20240101.1.jsonl.gz', 'Kp-20240101.jsonl.gz', 'Kp-20240102.jsonl'])
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n, 4n, 5n])
  })
})
