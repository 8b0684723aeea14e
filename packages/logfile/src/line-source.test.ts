import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { lineBatches, lineText, type LineSourceOptions } from './line-source.js'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-lines-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

interface Line {
  line: number
  text: string
  end: number
  problem?: string
}

async function linesOf(file: string, options?: LineSourceOptions): Promise<Line[]> {
  const out: Line[] = []
  for await (const batch of lineBatches(file, options)) {
    batch.ends.forEach((end, i) => {
      const problem = batch.problems?.get(i)
      out.push({ line: batch.first + i, text: lineText(batch, i), end, ...(problem === undefined ? {} : { problem }) })
    })
  }
  return out
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

/** The lines of `content` with the byte offset after each, computed independently of the reader. */
function expected(content: string): Line[] {
  const out: Line[] = []
  let end = 0
  content.split(/(?<=\n)/).forEach((piece, i) => {
    end += Buffer.byteLength(piece)
    out.push({ line: i + 1, text: piece.replace(/\r?\n$/, ''), end })
  })
  return out
}

describe('lineBatches', () => {
  const content = 'first line\nzweite Zeile: äöü ☃ 🔭\r\n\nlast 🌍 line\n'

  it('gives each line, its number and the byte offset after it, also with multi-byte characters and CRLF', async () => {
    expect(await linesOf(write('a.txt', content))).toEqual(expected(content))
  })

  it('gives the same lines when every chunk is a few bytes long (lines and characters split across chunks)', async () => {
    const file = write('b.txt', content)
    for (const highWaterMark of [1, 3, 7]) expect(await linesOf(file, { highWaterMark })).toEqual(expected(content))
  })

  it('gives the same lines when chunks hold many lines and end inside one (the carried line joined with its end alone)', async () => {
    let seed = 7
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647
    const lines = Array.from({ length: 3000 }, (_, i) => `${i}:${'x'.repeat(Math.floor(random() * 300))}${i % 7 === 0 ? ' ☃' : ''}`)
    const big = `${lines.join('\n')}\n`
    const file = write('many.txt', big)
    for (const highWaterMark of [61, 1000, 65_537, 300_000]) expect(await linesOf(file, { highWaterMark })).toEqual(expected(big))
  })

  it('skips a UTF-8 byte order mark, counting its bytes in the offsets', async () => {
    const lines = await linesOf(write('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\nb\n')])))
    expect(lines).toEqual([
      { line: 1, text: 'a', end: 5 },
      { line: 2, text: 'b', end: 7 },
    ])
    // The same when the first line spans chunks (the mark is then in the carried start of the line).
    const long = await linesOf(write('bom-long.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('abcdefghij\nb\n')])), { highWaterMark: 4 })
    expect(long).toEqual([
      { line: 1, text: 'abcdefghij', end: 14 },
      { line: 2, text: 'b', end: 16 },
    ])
  })

  it('reads .gz files to the same lines and decompressed offsets', async () => {
    const file = write('c.txt.gz', zlib.gzipSync(content))
    expect(await linesOf(file, { highWaterMark: 5 })).toEqual(expected(content))
  })

  it('reports a last line without a newline instead of passing it on as a whole line', async () => {
    const lines = await linesOf(write('torn.txt', 'ok\nhalf a li'))
    expect(lines[1]).toEqual({ line: 2, text: 'half a li', end: 12, problem: expect.stringContaining('no newline at the end of the file') })
  })

  it('joins a line spread over many chunks whole, with its offset, also when it is the torn last line', async () => {
    const long = `${'é'.repeat(100_000)}z` // 200 001 bytes: several default-size chunks
    const content = `a\n${long}\nb\n${long}`
    const lines = await linesOf(write('spread.txt', content))
    expect(lines.map((l) => [l.line, l.text.length, l.end, l.problem === undefined])).toEqual([
      [1, 1, 2, true],
      [2, long.length, 2 + 200_002, true],
      [3, 1, 200_006, true],
      [4, long.length, 400_007, false],
    ])
    expect(lines[1]!.text).toBe(long)
    expect(lines[3]!.text).toBe(long)
  })

  it('marks lines that are not valid UTF-8, whatever the chunk size; valid characters split across chunks are fine', async () => {
    const content = Buffer.concat([Buffer.from('ok ☃\n'), Buffer.from([0x61, 0xff, 0x62, 0x0a]), Buffer.from('🔭 fine\r\n'), Buffer.from([0xe2, 0x98, 0x0a]), Buffer.from('last\n')])
    const file = write('utf8.txt', content)
    for (const highWaterMark of [1, 2, 5, 1024]) {
      const lines = await linesOf(file, { highWaterMark })
      expect(lines.map((l) => [l.line, l.problem])).toEqual([
        [1, undefined],
        [2, 'not valid UTF-8'],
        [3, undefined],
        [4, 'not valid UTF-8'],
        [5, undefined],
      ])
      expect(lines.map((l) => l.end)).toEqual([7, 11, 22, 25, 30])
      expect(lines[2]!.text).toBe('🔭 fine')
    }
  })

  it('reports a line longer than maxLineBytes once, skips it without holding it in memory, and goes on', async () => {
    const long = 'x'.repeat(100)
    const lines = await linesOf(write('long.txt', `short\n${long}\nafter\n`), { maxLineBytes: 20, highWaterMark: 8 })
    expect(lines).toEqual([
      { line: 1, text: 'short', end: 6 },
      { line: 2, text: '', end: 107, problem: 'line is longer than 20 bytes; skipped' },
      { line: 3, text: 'after', end: 113 },
    ])
  })

  it('reports lines longer than maxLineBytes that fit in one chunk, or end in the chunk after, and takes a line of exactly maxLineBytes', async () => {
    const content = `short\n${'x'.repeat(21)}\n${'y'.repeat(20)}\n${'é'.repeat(11)}\nz\n${'w'.repeat(30)}\n`
    const file = write('long-inside.txt', content)
    for (const highWaterMark of [16, 25, 40, 1024]) {
      const lines = await linesOf(file, { maxLineBytes: 20, highWaterMark })
      expect(
        lines.map((l) => [l.line, l.end, l.problem]),
        `highWaterMark ${highWaterMark}`,
      ).toEqual([
        [1, 6, undefined],
        [2, 28, 'line is longer than 20 bytes; skipped'],
        [3, 49, undefined],
        [4, 72, 'line is longer than 20 bytes; skipped'],
        [5, 74, undefined],
        [6, 105, 'line is longer than 20 bytes; skipped'],
      ])
      expect(lines[2]!.text).toBe('y'.repeat(20))
    }
  })

  it('splits what is read into batches of about 64 KiB of whole lines, a longer line alone', async () => {
    // Lines of 1 byte to 150 KB, ASCII and not, about 1.5 MB in all: reads of 1 MiB cut them anywhere.
    const pieces: string[] = []
    for (let i = 0, size = 0; size < 1_500_000; i++) {
      const length = [1, 80, 700, 5_000, 70_000, 150_000][i % 6]! + (i % 13)
      const line = (i % 5 === 0 ? 'ü' : 'x').repeat(length)
      pieces.push(line)
      size += Buffer.byteLength(line) + 1
    }
    const content = `${pieces.join('\n')}\n`
    const file = write('batches.txt', content)
    expect(await linesOf(file)).toEqual(expected(content))
    let count = 0
    for await (const batch of lineBatches(file)) {
      const first = batch.ends[0]! - Buffer.byteLength(`${lineText(batch, 0)}\n`)
      const bytes = batch.ends.at(-1)! - first
      if (batch.ends.length > 1) expect(bytes).toBeLessThanOrEqual(64 * 1024)
      count++
    }
    expect(count).toBeGreaterThan(2 * Math.ceil(content.length / (1024 * 1024)))
  })

  it.skipIf(process.platform !== 'linux')('stops early while the next chunk is read ahead, and closes the file', async () => {
    const file = write('early.txt', 'line\n'.repeat(1000))
    const descriptors = () =>
      fs.readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`) === file
        } catch {
          return false // a descriptor closed meanwhile
        }
      }).length
    let batches = 0
    for await (const batch of lineBatches(file, { highWaterMark: 64 })) {
      expect(lineText(batch, 0)).toBe('line')
      if (++batches === 3) break
    }
    // The file is closed once the read under way ends.
    const deadline = Date.now() + 5000
    while (descriptors() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(descriptors()).toBe(0)
  })

  it('reads one chunk for the first lines, and from the second chunk on reads the next one ahead', async () => {
    const file = write('ahead.txt', 'line\n'.repeat(100)) // 500 bytes: 10 chunks of 50, each of whole lines (a batch each)
    const open = fs.promises.open
    const reads: number[] = []
    const spy = vi.spyOn(fs.promises, 'open').mockImplementation(async (...args: Parameters<typeof open>) => {
      const handle = await open(...args)
      const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<unknown>
      ;(handle as unknown as { read: typeof read }).read = (...a: unknown[]) => {
        reads.push(Date.now())
        return read(...a)
      }
      return handle
    })
    try {
      // The first batch only: one read.
      for await (const batch of lineBatches(file, { highWaterMark: 50 })) {
        expect(lineText(batch, 0)).toBe('line')
        break
      }
      expect(reads.length).toBe(1)
      // Three chunks taken: the first two read one after the other, then one read ahead of each.
      reads.length = 0
      let batches = 0
      for await (const batch of lineBatches(file, { highWaterMark: 50 })) {
        expect(batch.ends.length).toBe(10)
        if (++batches === 3) break
      }
      expect(reads.length).toBe(4)
    } finally {
      spy.mockRestore()
    }
  })

  it('throws the open error of a missing file', async () => {
    await expect(linesOf(path.join(dir, 'missing.txt'))).rejects.toMatchObject({ code: 'ENOENT', syscall: 'open' })
  })
})
