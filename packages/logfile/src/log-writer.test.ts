import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { describe, expect, it, vi } from 'vitest'
import { clock, lines, point, readBack, writerSandbox } from '../test/fixtures/writer-helpers.js'
import { LogWriteError, LogWriterClosedError, LogWriterOptionsError, RecordError } from './errors.js'
import { openLogWriter } from './log-writer.js'
import { TORN_MARKER } from './torn-line.js'

const box = writerSandbox('eht-logfile-writer-')
const writer = box.writer

describe('openLogWriter / append', () => {
  it.each(['jsonl', 'csv', 'lp'] as const)('appends whole lines that read back as the same records (%s)', async (format) => {
    const file = path.join(box.dir, `Kp.${format}`)
    const w = await writer({ path: file, format })
    expect(w.currentPath).toBe(file)
    await w.append([point(1n), point(2n)])
    await w.append([])
    await w.append([point(3n)])
    expect(fs.readFileSync(file, 'utf8').endsWith('\n')).toBe(true)
    expect((await readBack(file)).records).toEqual([point(1n), point(2n), point(3n)])
    expect(w.stats).toMatchObject({ records: 3, writes: 2, syncs: 0 })
  })

  it('keeps the order of appends that were not awaited', async () => {
    const file = path.join(box.dir, 'Kp.jsonl')
    const w = await writer({ path: file })
    await Promise.all(Array.from({ length: 100 }, (_, i) => w.append([point(BigInt(i))])))
    expect((await readBack(file)).records.map((r) => r.timestamp)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)))
  })

  it('rejects a batch with an invalid record, names it, and writes nothing of that batch', async () => {
    const file = path.join(box.dir, 'Kp.jsonl')
    const w = await writer({ path: file })
    await w.append([point(1n)])
    const bad = { ...point(3n), fields: { offset: { type: 'float' as const, value: Infinity } } }
    await expect(w.append([point(2n), bad])).rejects.toSatisfy((e: unknown) => RecordError.isInstance(e) && /record 1 of 2: float field "offset" is Infinity/.test((e as Error).message))
    await w.append([point(4n)])
    expect((await readBack(file)).records.map((r) => r.timestamp)).toEqual([1n, 4n])
  })

  it('continues a torn last line on a new line, marked so the torn line reads as bad, not as a wrong value', async () => {
    const file = path.join(box.dir, 'Kp.lp')
    fs.writeFileSync(file, 'pps_offset,station=Kp offset=1 1\npps_offset,station=Kp offset=2 1617')
    const w = await writer({ path: file, format: 'lp' })
    await w.append([point(3n)])
    expect(lines(file)).toEqual(['pps_offset,station=Kp offset=1 1', `pps_offset,station=Kp offset=2 1617${TORN_MARKER}`, 'pps_offset,station=Kp offset=3 3'])
    const { records, bad } = await readBack(file)
    expect(records.map((r) => r.timestamp)).toEqual([1n, 3n])
    expect(bad).toMatchObject([{ line: 2, reason: expect.stringContaining('torn line') }])
  })

  it('does not mark a file that ends with a newline, and starts a new CSV block when it reopens a file', async () => {
    const file = path.join(box.dir, 'Kp.csv')
    const first = await writer({ path: file, format: 'csv' })
    await first.append([point(1n)])
    await first.close()
    const second = await writer({ path: file, format: 'csv' })
    await second.append([point(2n)])
    await second.append([point(3n)])
    expect(lines(file).filter((l) => l.startsWith('#datatype'))).toHaveLength(2)
    expect(fs.readFileSync(file, 'utf8')).not.toContain(TORN_MARKER)
    expect((await readBack(file)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n])
  })

  it('repeats the CSV header when another writer appended in between', async () => {
    const file = path.join(box.dir, 'Kp.csv')
    const w = await writer({ path: file, format: 'csv' })
    await w.append([point(1n)])
    fs.appendFileSync(file, '#datatype dateTime:number,measurement,double\ntime,measurement,other\n2,elsewhere,5\n')
    await w.append([point(3n)])
    const { records, bad } = await readBack(file)
    expect(bad).toEqual([])
    expect(records.map((r) => [r.measurement, r.timestamp])).toEqual([
      ['pps_offset', 1n],
      ['elsewhere', 2n],
      ['pps_offset', 3n],
    ])
  })

  it('starts a new file when another process compressed the current one away', async () => {
    const file = path.join(box.dir, 'Kp.jsonl')
    const w = await writer({ path: file })
    await w.append([point(1n)])
    fs.renameSync(file, path.join(box.dir, 'Kp.jsonl.moved'))
    fs.unlinkSync(path.join(box.dir, 'Kp.jsonl.moved'))
    await w.append([point(2n)])
    expect((await readBack(file)).records.map((r) => r.timestamp)).toEqual([2n])
  })

  it('writes its lines again when the file was compressed and removed by another process right as they went in', async () => {
    const w = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'daily' }, now: clock('2024-01-01T12:00:00Z').now })
    const day = path.join(box.dir, 'Kp-20240101.jsonl')
    await w.append([point(1n)])
    // Another process's compression: it read the file (point 1) and published the .gz; our write lands; then it unlinks.
    const probe = await fs.promises.open(path.join(box.dir, 'probe'), 'w')
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> }
    await probe.close()
    const write = proto.write
    let armed = true
    vi.spyOn(proto, 'write').mockImplementation(async function (this: unknown, ...args: unknown[]) {
      if (!armed) return write.apply(this, args)
      armed = false
      fs.writeFileSync(`${day}.gz`, zlib.gzipSync(fs.readFileSync(day)))
      const result = await write.apply(this, args)
      fs.unlinkSync(day)
      return result
    })
    await w.append([point(2n)])
    vi.restoreAllMocks()
    await w.append([point(3n)])
    fs.unlinkSync(path.join(box.dir, 'probe'))
    expect(w.currentPath).toBe(path.join(box.dir, 'Kp-20240101.1.jsonl'))
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([1n, 2n, 3n])
  })

  /** Makes every FileHandle write() run `after` (the file it wrote to, by fd) once it has written, while `armed()`. */
  async function afterEachWrite(after: () => void): Promise<void> {
    const probe = await fs.promises.open(path.join(box.dir, 'probe'), 'w')
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> }
    await probe.close()
    fs.unlinkSync(path.join(box.dir, 'probe'))
    const write = proto.write
    vi.spyOn(proto, 'write').mockImplementation(async function (this: unknown, ...args: unknown[]) {
      const result = await write.apply(this, args)
      after()
      return result
    })
  }

  it('a write whose file was removed under it, then no new file can be opened: says none of the records was written', async () => {
    const w = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'daily' }, now: clock('2024-01-01T12:00:00Z').now })
    const day = path.join(box.dir, 'Kp-20240101.jsonl')
    await w.append([point(1n)])
    let armed = true
    // Removed right after the write (its lines may be only in the removed file), and a directory where it was: opening it again fails.
    await afterEachWrite(() => {
      if (!armed) return
      armed = false
      fs.unlinkSync(day)
      fs.mkdirSync(day)
    })
    const error = await w.append([point(2n), point(3n)]).then(
      () => undefined,
      (e: unknown) => e,
    )
    vi.restoreAllMocks()
    expect(LogWriteError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/cannot open logfile .*Kp-20240101\.jsonl/)
    expect((error as LogWriteError).recordsWritten).toBe(0)
  })

  it('a file removed under each of four writes in a row is an error saying none of the records was written, not a silent loss', async () => {
    const w = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'daily' }, now: clock('2024-01-01T12:00:00Z').now })
    const day = path.join(box.dir, 'Kp-20240101.jsonl')
    await w.append([point(1n)])
    let removed = 0
    await afterEachWrite(() => {
      fs.unlinkSync(day)
      removed++
    })
    const error = await w.append([point(2n)]).then(
      () => undefined,
      (e: unknown) => e,
    )
    vi.restoreAllMocks()
    expect(removed).toBe(4)
    expect(LogWriteError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/Kp-20240101\.jsonl: it was removed right after each of 4 writes in a row/)
    expect((error as LogWriteError).recordsWritten).toBe(0)
    // The writer goes on: the next append lands in a file.
    await w.append([point(3n)])
    expect((await readBack(box.dir)).records.map((r) => r.timestamp)).toEqual([3n])
  })

  it.each(['jsonl', 'csv', 'lp'] as const)('a disk that fills up mid-append: the error says how many records are in the file whole (%s)', async (format) => {
    const file = path.join(box.dir, `Kp.${format}`)
    const w = await writer({ path: file, format })
    await w.append([point(1n)])
    const before = fs.statSync(file).size
    // As the kernel does on a full disk: the first write() takes part of the buffer, the next one fails.
    const probe = await fs.promises.open(path.join(box.dir, 'probe'), 'w')
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> }
    await probe.close()
    fs.unlinkSync(path.join(box.dir, 'probe'))
    const write = proto.write
    let calls = 0
    vi.spyOn(proto, 'write').mockImplementation(async function (this: unknown, buffer: unknown, offset: unknown, length: unknown) {
      if (calls++ === 0) return write.call(this, buffer, offset, Math.floor((length as number) * 0.37))
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    })
    const records = Array.from({ length: 300 }, (_, i) => point(BigInt(i + 2), i % 2 === 0 ? i : -i / 3))
    const error = await w.append(records).then(
      () => undefined,
      (e: unknown) => e,
    )
    vi.restoreAllMocks()
    expect(LogWriteError.isInstance(error)).toBe(true)
    const { records: back, bad } = await readBack(file)
    const whole = back.length - 1
    expect(whole).toBeGreaterThan(50)
    expect(whole).toBeLessThan(300)
    expect((error as LogWriteError).recordsWritten).toBe(whole)
    expect((error as Error).message).toContain(`${whole} of the 300 records were written whole`)
    expect(back.slice(1)).toEqual(records.slice(0, whole))
    expect(bad).toHaveLength(1) // the torn line
    expect(fs.statSync(file).size).toBeGreaterThan(before)
    // The writer goes on on a new line; the records not written can be appended again.
    await w.append(records.slice(whole))
    expect((await readBack(file)).records.slice(1)).toEqual(records)
  })

  it('an append that fails before anything is written (the next file cannot be opened) says none was written', async () => {
    const time = clock('2024-01-01T12:00:00Z')
    const w = await writer({ path: path.join(box.dir, 'Kp-%Y%m%d', 'x.jsonl'), rotate: { kind: 'daily' }, now: time.now })
    await w.append([point(1n)])
    fs.writeFileSync(path.join(box.dir, 'Kp-20240102'), 'a file where the directory would go')
    time.set('2024-01-02T00:00:01Z')
    const error = await w.append([point(2n), point(3n)]).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(LogWriteError.isInstance(error)).toBe(true)
    expect((error as LogWriteError).recordsWritten).toBe(0)
  })

  it('rejects append() and flush() after close(); close() twice is fine; currentPath is undefined once closed', async () => {
    const w = await writer({ path: path.join(box.dir, 'Kp.jsonl') })
    await w.close()
    await w.close()
    expect(w.currentPath).toBeUndefined()
    await expect(w.append([point(1n)])).rejects.toSatisfy((e: unknown) => LogWriterClosedError.isInstance(e))
    await expect(w.flush()).rejects.toSatisfy((e: unknown) => LogWriterClosedError.isInstance(e))
  })

  it('fails to open with a clear error naming the option or the file', async () => {
    await expect(openLogWriter({ path: path.join(box.dir, 'Kp.jsonl'), format: 'csv', rotate: { kind: 'none' }, fsync: 'never', flushIntervalMs: 0 })).rejects.toSatisfy(
      (e: unknown) => LogWriterOptionsError.isInstance(e) && (e as LogWriterOptionsError).key === 'path',
    )
    fs.writeFileSync(path.join(box.dir, 'a-file'), '')
    await expect(openLogWriter({ path: path.join(box.dir, 'a-file', 'Kp.jsonl'), format: 'jsonl', rotate: { kind: 'none' }, fsync: 'never', flushIntervalMs: 0 })).rejects.toThrow(
      /cannot open logfile .*a-file\/Kp\.jsonl: .*(EEXIST|ENOTDIR)/,
    )
  })
})

describe('fsync modes', () => {
  it('always: every append is fdatasync-ed before it resolves', async () => {
    const w = await writer({ path: path.join(box.dir, 'Kp.jsonl'), fsync: 'always' })
    for (let i = 0; i < 5; i++) {
      await w.append([point(BigInt(i))])
      expect(w.stats.syncs).toBe(i + 1)
    }
  })

  it('never: no fdatasync until flush(), which syncs once', async () => {
    const w = await writer({ path: path.join(box.dir, 'Kp.jsonl'), fsync: 'never' })
    for (let i = 0; i < 5; i++) await w.append([point(BigInt(i))])
    expect(w.stats.syncs).toBe(0)
    await w.flush()
    expect(w.stats.syncs).toBe(1)
    await w.flush()
    expect(w.stats.syncs).toBe(1)
  })

  it('interval: syncs in the background every flushIntervalMs, not on each append', async () => {
    const w = await writer({ path: path.join(box.dir, 'Kp.jsonl'), fsync: 'interval', flushIntervalMs: 25 })
    for (let i = 0; i < 50; i++) await w.append([point(BigInt(i))])
    const afterAppends = w.stats.syncs
    expect(afterAppends).toBeLessThan(25)
    const deadline = Date.now() + 5000
    while (w.stats.syncs === afterAppends && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(w.stats.syncs).toBeGreaterThan(afterAppends)
    const settled = w.stats.syncs
    await new Promise((r) => setTimeout(r, 100))
    expect(w.stats.syncs).toBe(settled) // nothing new to sync
  })

  it('interval: without flushIntervalMs, syncs every second, as the config default flush_interval', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const w = await openLogWriter({ path: path.join(box.dir, 'Kp.jsonl'), format: 'jsonl', rotate: { kind: 'none' }, fsync: 'interval' })
    try {
      await w.append([point(1n)])
      const before = w.stats.syncs
      await vi.advanceTimersByTimeAsync(999)
      await new Promise((r) => setTimeout(r, 50))
      expect(w.stats.syncs).toBe(before)
      await vi.advanceTimersByTimeAsync(1)
      const deadline = Date.now() + 5000
      while (w.stats.syncs === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
      expect(w.stats.syncs).toBe(before + 1)
    } finally {
      await w.close()
      vi.useRealTimers()
    }
  })
})

describe('time', () => {
  it('uses the now() option for the file name, in UTC', async () => {
    const time = clock('2024-01-01T23:30:00Z')
    const w = await writer({ path: path.join(box.dir, '%Y', 'Kp-%Y%m%d.jsonl'), rotate: { kind: 'daily' }, now: time.now })
    expect(w.currentPath).toBe(path.join(box.dir, '2024', 'Kp-20240101.jsonl'))
  })
})
