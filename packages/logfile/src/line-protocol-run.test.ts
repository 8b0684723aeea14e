import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { mixedJsonlLines, writeMixedFile } from '../test/fixtures/mixed-jsonl-lines.js'
import { prng } from '../test/fixtures/random-records.js'
import { stationRecords, T } from '../test/fixtures/station-records.js'
import { AsciiBytes } from './ascii-bytes.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import { decodeLineProtocol } from './lp-decode.js'
import { encodeLineProtocol } from './lp-encode.js'
import { readLogs } from './read-logs.js'
import type { BadLine, ReadOptions } from './read-types.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-runs-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

interface Point {
  file: string
  line: number
  endOffset: number
  lineProtocol: string
}

/**
 * Reads with lineProtocol, item by item or taking runs whenever there is one
 * (and with nextChunk, reading each chunk without taking an item from it);
 * every point in order.
 */
async function readAll(inputs: string | string[], options: ReadOptions, useRuns: boolean, useNextChunk = useRuns) {
  const bad: BadLine[] = []
  const reader = readLogs(inputs, { ...options, lineProtocol: true, onBadLine: (b) => bad.push(b) })
  const items = reader[Symbol.asyncIterator]()
  const points: Point[] = []
  let runs = 0
  let inRuns = 0
  for (;;) {
    const run = useRuns ? items.readyRun() : undefined
    if (run !== undefined) {
      runs++
      for (let i = 0; i < run.count; i++) {
        const start = i === 0 ? 0 : run.textEnds[i - 1]! + 1
        expect(run.text[run.textEnds[i]!]).toBe('\n')
        points.push({ file: run.file, line: run.lines[i]!, endOffset: run.endOffsets[i]!, lineProtocol: run.text.slice(start, run.textEnds[i]) })
      }
      expect(run.textEnds[run.count - 1]).toBe(run.text.length - 1)
      inRuns += run.count
      continue
    }
    let item = items.ready()
    if (item === undefined && useNextChunk && (await items.nextChunk())) continue
    if (item === undefined) {
      const next = await items.next()
      if (next.done === true) break
      item = next.value
    }
    expect(item.lineProtocol).toBe(encodeLineProtocol(item.record))
    points.push({ file: item.file, line: item.line, endOffset: item.endOffset, lineProtocol: item.lineProtocol! })
  }
  return { points, bad, stats: { ...reader.stats }, runs, inRuns }
}

describe('readyRun', () => {
  it('hands out the same points, line numbers, offsets, bad lines and counts as reading item by item, mostly in runs', async () => {
    const file = path.join(dir, 'mixed.jsonl')
    const lines = mixedJsonlLines()
    writeMixedFile(file, lines)
    // startOffset: resuming after line 700, as replay's checkpoints could.
    const afterLine700 = Buffer.byteLength(`${lines.slice(0, 700).join('\n')}\n`)
    for (const options of [{}, { since: T + 500_000_000n, until: T + 2_500_000_000n }, { measurements: ['maser', 'weather'] }, { since: -T }, { startOffset: afterLine700 }]) {
      const items = await readAll(file, options, false)
      const runs = await readAll(file, options, true)
      expect(runs.points).toEqual(items.points)
      expect(runs.bad).toEqual(items.bad)
      expect(runs.stats).toEqual(items.stats)
      expect(items.points.length).toBeGreaterThan(300)
      expect(items.bad.map((b) => b.line)).toEqual(expect.arrayContaining([...('startOffset' in options ? [] : [501]), 901, lines.length + 1]))
      if ('startOffset' in options) expect(items.points[0]!.line).toBe(701)
      expect(runs.runs).toBeGreaterThan(1)
      expect(runs.inRuns / runs.points.length).toBeGreaterThan(0.8)
      // Without nextChunk, the same, but the first line of each chunk comes as an item.
      const runsOnly = await readAll(file, options, true, false)
      expect(runsOnly.points).toEqual(items.points)
      expect(runsOnly.bad).toEqual(items.bad)
      expect(runsOnly.stats).toEqual(items.stats)
    }
  })

  it('with nextChunk, takes the first lines of chunks in runs too: only lines of shapes not yet checked come as items', async () => {
    const lines = stationRecords(20_000)
      .map(encodeJsonl)
      .filter((line) => /^[\x00-\x7f]*$/.test(line))
    const file = path.join(dir, 'chunks.jsonl')
    fs.writeFileSync(file, `${lines.join('\n')}\n`)
    expect(fs.statSync(file).size).toBeGreaterThan(20 * 64 * 1024)
    const items = await readAll(file, {}, false)
    const chunks = await readAll(file, {}, true)
    const runsOnly = await readAll(file, {}, true, false)
    expect(chunks.points).toEqual(items.points)
    expect(runsOnly.points).toEqual(items.points)
    // A 64 KiB chunk at a time: without nextChunk, at least one item a chunk.
    expect(runsOnly.points.length - runsOnly.inRuns).toBeGreaterThan(20)
    expect(chunks.points.length - chunks.inRuns).toBeLessThan(runsOnly.points.length - runsOnly.inRuns - 20)
  })

  it('nextChunk is false at the end and for several files, and never takes an item', async () => {
    const file = path.join(dir, 'two.jsonl')
    fs.writeFileSync(file, `${encodeJsonl(stationRecords(2)[0]!)}\n${encodeJsonl(stationRecords(2)[1]!)}\n`)
    const items = readLogs(file, { lineProtocol: true })[Symbol.asyncIterator]()
    expect(await items.nextChunk()).toBe(true)
    expect(items.ready()?.line).toBe(1)
    expect(await items.nextChunk()).toBe(false) // the chunk at hand is not used up
    expect(items.ready()?.line).toBe(2)
    expect(await items.nextChunk()).toBe(false) // the end
    expect(await items.next()).toEqual({ value: undefined, done: true })
    const other = path.join(dir, 'other.jsonl')
    fs.writeFileSync(other, `${encodeJsonl({ ...stationRecords(1)[0]!, timestamp: T + 10n ** 15n })}\n`)
    const merged = readLogs([file, other], { lineProtocol: true })[Symbol.asyncIterator]()
    expect(await merged.nextChunk()).toBe(false)
    expect((await merged.next()).value?.line).toBe(1)
    // Asked at once before the files are listed: listed once, the calls answered in order.
    const both = readLogs(file, { lineProtocol: true })[Symbol.asyncIterator]()
    const [read, first, second] = await Promise.all([both.nextChunk(), both.next(), both.next()])
    expect(read).toBe(true)
    expect([first.value?.line, second.value?.line]).toEqual([1, 2])
    expect(await both.next()).toEqual({ value: undefined, done: true })
  })

  it('reads a chunk with text beyond ASCII item by item, and gzip files the same as plain ones', async () => {
    const lines = stationRecords(2000).map(encodeJsonl)
    expect(lines.some((line) => !/^[\x00-\x7f]*$/.test(line))).toBe(true)
    const file = path.join(dir, 'unicode.jsonl')
    fs.writeFileSync(file, `${lines.join('\n')}\n`)
    const items = await readAll(file, {}, false)
    const runs = await readAll(file, {}, true)
    expect(runs.points).toEqual(items.points)
    expect(runs.stats).toEqual(items.stats)
    expect(runs.points.length).toBe(lines.length - items.bad.length)
    const gz = path.join(dir, 'plain.jsonl.gz')
    const plain = path.join(dir, 'plain.jsonl')
    const ascii = lines.filter((line) => /^[\x00-\x7f]*$/.test(line))
    fs.writeFileSync(plain, `${ascii.join('\n')}\n`)
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(plain)))
    const fromGz = await readAll(gz, {}, true)
    const fromPlain = await readAll(plain, {}, true)
    expect(fromGz.points.map(({ file, ...rest }) => rest)).toEqual(fromPlain.points.map(({ file, ...rest }) => rest))
    expect(fromGz.inRuns).toBeGreaterThan(ascii.length / 2)
    // Cut short: reading stops where the data breaks, reported at the same line either way.
    const cut = path.join(dir, 'cut.jsonl.gz')
    const zipped = fs.readFileSync(gz)
    fs.writeFileSync(cut, zipped.subarray(0, Math.floor(zipped.length * 0.6)))
    const cutRuns = await readAll(cut, {}, true)
    const cutItems = await readAll(cut, {}, false)
    expect(cutRuns.bad).toEqual(cutItems.bad)
    expect(cutRuns.bad.at(-1)?.reason).toContain('reading stopped')
    expect(cutRuns.points).toEqual(cutItems.points)
  })

  it('splits runs where lines are long (the run buffer is full) and where the file ends', async () => {
    const long = 'x'.repeat(200_000)
    const lines = Array.from({ length: 12 }, (_, i) => `{"time":"${i + 1}","measurement":"m","tags":{},"fields":{"s":"${long}","n":{"i":"${i}"}}}`)
    const file = path.join(dir, 'long.jsonl')
    fs.writeFileSync(file, `${lines.join('\n')}\n`)
    const items = await readAll(file, {}, false)
    const runs = await readAll(file, {}, true)
    expect(runs.points).toEqual(items.points)
    expect(runs.points.map((p) => p.lineProtocol.length)).toEqual(lines.map((_, i) => `m n=${i}i,s="${long}" ${i + 1}`.length))
  })

  it('merges several files as item by item does, in runs while one file is open (rotated files), item by item where they overlap', async () => {
    const ascii = stationRecords(3000).filter((r) => /^[\x00-\x7f]*$/.test(encodeJsonl(r)))
    const write = (name: string, from: number, to: number, time: (i: number) => bigint) => {
      const file = path.join(dir, name)
      fs.writeFileSync(file, `${ascii.slice(from, to).map((r, i) => encodeJsonl({ ...r, timestamp: time(i) })).join('\n')}\n`)
      return file
    }
    // Rotated: one after the other (listed out of order); then files that overlap, with times equal across files.
    const rotated = [write('r2.jsonl', 800, 1600, (i) => T + 10_000n + BigInt(i)), write('r1.jsonl', 0, 800, (i) => T + BigInt(i)), write('r3.jsonl', 1600, 2000, (i) => T + 20_000n + BigInt(i))]
    const overlapping = [write('o1.jsonl', 0, 600, (i) => T + BigInt(2 * i)), write('o2.jsonl', 600, 1000, (i) => T + 300n + BigInt(3 * i)), write('o3.jsonl', 1000, 1200, (i) => T + 5_000n + BigInt(i % 50))]
    for (const [inputs, options] of [[rotated, {}], [rotated, { since: T + 700n, until: T + 20_100n }], [overlapping, {}], [[...rotated, ...overlapping], { measurements: ['maser'] }]] as const) {
      const items = await readAll([...inputs], options, false)
      const runs = await readAll([...inputs], options, true)
      expect(runs.points).toEqual(items.points)
      expect(runs.stats).toEqual(items.stats)
      expect(runs.bad).toEqual(items.bad)
      expect(items.points.length).toBeGreaterThan(100)
    }
    const alone = await readAll(rotated, {}, true)
    expect(alone.inRuns / alone.points.length).toBeGreaterThan(0.9)
    expect(alone.points.map((p) => path.basename(p.file)).filter((f, i, all) => f !== all[i - 1])).toEqual(['r1.jsonl', 'r2.jsonl', 'r3.jsonl'])
  })

  it('with floatsAsWritten, copies floats as the file writes them: the same records, and the runs go on', async () => {
    // Floats as JS prints them, and as other writers do: trailing zeros, an upper-case exponent, -0.0.
    const floats = ['21.5', '1.50', '8.414709848078964e-8', '8.414709848078964E-8', '-0.0', '1e+21', '100.0', '-7.568024953079282e-8']
    const lines = Array.from({ length: 3000 }, (_, i) => `{"time":"${T + BigInt(i)}","measurement":"maser","tags":{"unit":"H${i % 4}"},"fields":{"temp":${floats[i % floats.length]},"n":{"i":"${i}"}}}`)
    const file = path.join(dir, 'as-written.jsonl')
    fs.writeFileSync(file, `${lines.join('\n')}\n`)
    const items = await readAll(file, {}, false)
    const exact = await readAll(file, {}, true)
    const asWritten = await readAll(file, { floatsAsWritten: true }, true)
    expect(asWritten.stats).toEqual(items.stats)
    expect(asWritten.bad).toEqual([])
    expect(asWritten.points.map(({ lineProtocol, ...rest }) => rest)).toEqual(items.points.map(({ lineProtocol, ...rest }) => rest))
    // A line whose text differs from encodeLineProtocol's has the line's record (-0.0 even keeps its sign, which JS prints as 0).
    const copied = asWritten.points.filter((point, i) => point.lineProtocol !== items.points[i]!.lineProtocol)
    for (const point of copied) expect(decodeLineProtocol(point.lineProtocol), point.lineProtocol).toEqual(decodeJsonl(lines[point.line - 1]!))
    expect(new Set(copied.map((point) => /temp=(\S+)/.exec(point.lineProtocol)![1]))).toEqual(new Set(['1.50', '8.414709848078964E-8', '-0.0', '100.0']))
    // Without the option, each such line is read item by item; with it, nearly all lines come in runs.
    expect(exact.points).toEqual(items.points)
    expect(exact.inRuns / exact.points.length).toBeLessThan(0.6)
    expect(asWritten.inRuns / asWritten.points.length).toBeGreaterThan(0.9)
  })

  it('in runs with floatsAsWritten, works on the bytes alone: once the shapes are known, the text of no chunk is made, filters and all', async () => {
    // Shapes interleaved at random (the guess of the next shape often fails, so the shapes are looked up), several chunks.
    const random = prng(11)
    const floats = ['21.5', '1.50', '-8.414709848078964e-8', '1E+21', '0', '-0.0']
    const lines = Array.from({ length: 20_000 }, (_, i) => {
      const unit = Math.floor(random() * 5)
      const value = floats[Math.floor(random() * floats.length)]
      return unit === 4
        ? `{"time":"${T + BigInt(i)}","measurement":"log","tags":{},"fields":{"text":"pump ${i} ok","on":${i % 2 === 0}}}`
        : `{"time":"${T + BigInt(i)}","measurement":"maser","tags":{"unit":"H${unit}"},"fields":{"temp":${value},"n":{"i":"${i}"},"u":{"u":"${i}"}}}`
    })
    const file = path.join(dir, 'bytes-alone.jsonl')
    fs.writeFileSync(file, `${lines.join('\n')}\n`)
    expect(fs.statSync(file).size).toBeGreaterThan(2 * 1024 * 1024)
    const since = T + 3000n
    const until = T + 17_000n
    const expected = lines.slice(3000, 17_000).map((line) => decodeJsonl(line))
    const textMade = vi.spyOn(AsciiBytes.prototype, 'text', 'get')
    try {
      await readAll(file, { floatsAsWritten: true }, true) // the first line of each shape goes the string way, which reads its text
      expect(textMade).toHaveBeenCalled()
      textMade.mockClear()
      const again = await readAll(file, { floatsAsWritten: true, since, until }, true)
      expect(textMade).not.toHaveBeenCalled()
      expect(again.bad).toEqual([])
      expect(again.inRuns).toBe(expected.length)
      expect(again.points.map((point) => decodeLineProtocol(point.lineProtocol))).toEqual(expected)
      // A line the byte path leaves to the string way (a string with an escape) is read from the text.
      const quoted = `{"time":"${T + 5n}","measurement":"log","tags":{},"fields":{"text":"say \\"hi\\"","on":true}}`
      fs.appendFileSync(file, `${quoted}\n`)
      textMade.mockClear()
      const escaped = await readAll(file, { floatsAsWritten: true }, true)
      expect(textMade).toHaveBeenCalled()
      expect(escaped.points.at(-1)!.lineProtocol).toBe(encodeLineProtocol(decodeJsonl(quoted)))
    } finally {
      textMade.mockRestore()
    }
  })

  it('hands out nothing for formats other than JSONL', async () => {
    const file = path.join(dir, 'b.lp')
    fs.writeFileSync(file, `${stationRecords(50).map(encodeLineProtocol).join('\n')}\n`)
    const runs = await readAll(file, {}, true)
    expect(runs.runs).toBe(0)
    expect(runs.points.length).toBe(50)
  })
})
