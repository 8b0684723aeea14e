import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { asWritten, randomRecords } from '../test/fixtures/random-records.js'
import { CsvEncoder } from './csv-encoder.js'
import { LogReadError } from './errors.js'
import { encodeJsonl } from './jsonl-encode.js'
import { encodeLineProtocol } from './lp-encode.js'
import { readLogFile } from './read-log-file.js'
import type { BadLine, ReadItem, ReadOptions } from './read-types.js'
import type { InfluxRecord, LogFormat } from './record.js'
import { TORN_MARKER } from './torn-line.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures')
let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-read-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function encode(format: LogFormat, records: InfluxRecord[]): string {
  if (format === 'csv') return new CsvEncoder().encode(records)
  const line = format === 'jsonl' ? encodeJsonl : encodeLineProtocol
  return records.map((r) => `${line(r)}\n`).join('')
}

async function readAll(file: string, options: ReadOptions = {}): Promise<{ items: ReadItem[]; bad: BadLine[] }> {
  const bad: BadLine[] = []
  const items: ReadItem[] = []
  for await (const item of readLogFile(file, { onBadLine: (b) => bad.push(b), ...options })) items.push(item)
  return { items, bad }
}

const records = randomRecords(31, 300, { bigIntegers: true })
const m = (measurement: string, t: bigint, v = 1): InfluxRecord => ({ measurement, tags: { station: 'Kp' }, fields: { v: { type: 'float', value: v } }, timestamp: t })

describe.each(['jsonl', 'csv', 'lp'] as const)('readLogFile (%s)', (format) => {
  it('reads every record with its line number and the byte offset after its line', async () => {
    const text = encode(format, records)
    const file = path.join(dir, `all.${format}`)
    fs.writeFileSync(file, text)
    const { items, bad } = await readAll(file)
    expect(bad).toEqual([])
    expect(items.map((i) => i.record)).toEqual(records.map(asWritten))
    const lines = text.split('\n')
    for (const item of items.slice(0, 50)) {
      expect(item.file).toBe(file)
      expect(item.endOffset).toBe(Buffer.byteLength(lines.slice(0, item.line).join('\n')) + 1)
    }
  })

  it('reads the same records from a .gz file', async () => {
    const file = path.join(dir, `all.${format}.gz`)
    fs.writeFileSync(file, zlib.gzipSync(encode(format, records)))
    expect((await readAll(file)).items.map((i) => i.record)).toEqual(records.map(asWritten))
  })

  it('filters by time range [since, until) and measurement, counting what it left out', async () => {
    const file = path.join(dir, `filter.${format}`)
    fs.writeFileSync(file, encode(format, [m('a', 10n), m('b', 20n), m('a', 30n), m('a', 40n)]))
    const reader = readLogFile(file, { since: 20n, until: 40n, measurements: ['a'] })
    const got: bigint[] = []
    for await (const item of reader) got.push(item.record.timestamp)
    expect(got).toEqual([30n])
    expect(reader.stats).toEqual({ files: 1, records: 1, badLines: 0, filtered: 3 })
  })

  it('resumes after startOffset (an endOffset it gave), and reports nothing before it', async () => {
    const file = path.join(dir, `resume.${format}`)
    fs.writeFileSync(file, encode(format, [m('a', 1n), m('a', 2n), m('b', 3n, 2), m('a', 4n)]))
    const first = (await readAll(file)).items
    const rest = await readAll(file, { startOffset: first[1]!.endOffset })
    expect(rest.items.map((i) => [i.record.timestamp, i.line])).toEqual([
      [3n, first[2]!.line],
      [4n, first[3]!.line],
    ])
  })

  it('answers next() calls made without waiting in order, none lost', async () => {
    const file = path.join(dir, `concurrent.${format}`)
    fs.writeFileSync(file, encode(format, [m('a', 1n), m('a', 2n), m('a', 3n)]))
    const items = readLogFile(file)[Symbol.asyncIterator]()
    const results = await Promise.all([items.next(), items.next(), items.next(), items.next()])
    expect(results.map((r) => (r.done === true ? 'done' : r.value.record.timestamp))).toEqual([1n, 2n, 3n, 'done'])
  })

  it('hands out the items at hand through ready() in the order, counts and bad-line reports of next()', async () => {
    const file = path.join(dir, `ready.${format}`)
    const good = (t: bigint) => encode(format, [m('a', t)]).trimEnd().split('\n').at(-1)!
    const body = [...Array.from({ length: 50 }, (_, i) => good(BigInt(i + 1))), 'not a line of anything {', good(100n), 'also bad ,,,', good(101n)]
    fs.writeFileSync(file, `${format === 'csv' ? `${encode(format, [m('a', 0n)])}` : ''}${body.join('\n')}\n`)
    const events = async (useReady: boolean) => {
      const seen: string[] = []
      const reader = readLogFile(file, { onBadLine: (b) => seen.push(`bad ${b.line}`) })
      const items = reader[Symbol.asyncIterator]()
      expect(items.ready()).toBeUndefined() // nothing is read before the first next()
      let viaReady = 0
      for (;;) {
        let item = useReady ? items.ready() : undefined
        if (item !== undefined) viaReady++
        else {
          const next = await items.next()
          if (next.done === true) break
          item = next.value
        }
        seen.push(`item ${item.line} ${item.record.timestamp} (${reader.stats.records} read, ${reader.stats.badLines} bad)`)
      }
      expect(items.ready()).toBeUndefined()
      return { seen, viaReady }
    }
    const plain = await events(false)
    const fast = await events(true)
    expect(plain.seen.filter((e) => e.startsWith('bad'))).toHaveLength(2)
    expect(fast.seen).toEqual(plain.seen)
    expect(fast.viaReady).toBeGreaterThan(40) // most items came without a promise
  })

  it('reports a line that is not valid UTF-8 (file, line, reason), reads the rest, plain and .gz, item by item and in runs', async () => {
    // Bytes that a decoder would turn into U+FFFD: read, they would give another series name.
    const line = (r: InfluxRecord) => Buffer.from(encode(format, [r]).trimEnd().split('\n').at(-1)!)
    const broken = (r: InfluxRecord, bytes: number[]) => {
      const b = line(r)
      const at = b.indexOf('ZZZ')
      return Buffer.concat([b.subarray(0, at), Buffer.from(bytes), b.subarray(at + 3)])
    }
    const lines: Buffer[] = []
    for (let i = 1; i <= 3000; i++) lines.push(line(m('a', BigInt(i))))
    lines.splice(1500, 0, broken(m('ZZZ', 5000n), [0xff, 0xfe])) // line 1501: not UTF-8 at all
    lines.splice(2500, 0, line(m('größe', 5001n))) // line 2501: valid UTF-8, read
    lines.splice(2600, 0, broken(m('ZZZ', 5002n), [0x61, 0xed, 0xa0, 0x80])) // line 2601: a UTF-16 surrogate as UTF-8
    lines.push(broken(m('ZZZ', 5003n), [0xc3])) // line 3004: a character cut short, the last line
    const head = format === 'csv' ? Buffer.from(encode(format, [m('a', 0n)])) : Buffer.alloc(0)
    const headLines = format === 'csv' ? 3 : 0
    const content = Buffer.concat([head, ...lines.flatMap((l) => [l, Buffer.from('\n')])])
    const plain = path.join(dir, `utf8.${format}`)
    fs.writeFileSync(plain, content)
    fs.writeFileSync(`${plain}.gz`, zlib.gzipSync(content))
    for (const file of [plain, `${plain}.gz`]) {
      const { items, bad } = await readAll(file)
      expect(bad.map((b) => [b.file, b.line, b.reason])).toEqual([1501, 2601, 3004].map((n) => [file, n + headLines, 'not valid UTF-8']))
      expect(items).toHaveLength(3001 + (format === 'csv' ? 1 : 0))
      expect(items.filter((i) => i.record.measurement !== 'a').map((i) => [i.line, i.record.measurement])).toEqual([[2501 + headLines, 'größe']])
    }
    // The reading loop of replay (lineProtocol, readyRun) reports the same lines and sends the rest.
    const bad: number[] = []
    const points: string[] = []
    let fromRuns = 0
    const items = readLogFile(plain, { lineProtocol: true, floatsAsWritten: true, onBadLine: (b) => bad.push(b.line) })[Symbol.asyncIterator]()
    for (;;) {
      const run = items.readyRun()
      if (run !== undefined) {
        points.push(...run.text.split('\n').slice(0, -1))
        fromRuns += run.count
        continue
      }
      let item = items.ready()
      if (item === undefined && (await items.nextChunk())) continue
      item ??= (await items.next()).value
      if (item === undefined) break
      points.push(item.lineProtocol!)
    }
    expect(bad).toEqual([1501, 2601, 3004].map((n) => n + headLines))
    expect(points).toHaveLength(3001 + (format === 'csv' ? 1 : 0))
    expect(points.filter((p) => !p.startsWith('a,'))).toEqual([expect.stringMatching(/^größe,station=Kp v=1 5001$/)])
    if (format === 'jsonl') expect(fromRuns).toBeGreaterThan(500) // the chunks of ASCII bytes only
  })

  it('reports lines longer than maxLineBytes that fit in one read, also of a shape read before, item by item and in runs', async () => {
    const s = (t: bigint, length: number): InfluxRecord => ({ measurement: 'a', tags: { station: 'Kp' }, fields: { s: { type: 'string', value: 'x'.repeat(length) } }, timestamp: t })
    const records = Array.from({ length: 400 }, (_, i) => s(BigInt(i + 1), i === 100 || i === 300 ? 5000 : 10))
    const file = path.join(dir, `maxline.${format}`)
    fs.writeFileSync(file, encode(format, records))
    const headLines = format === 'csv' ? 2 : 0
    const expectedBad = [101, 301].map((n) => n + headLines)
    const { items, bad } = await readAll(file, { maxLineBytes: 1000 })
    expect(bad.map((b) => [b.line, b.reason])).toEqual(expectedBad.map((n) => [n, 'line is longer than 1000 bytes; skipped']))
    expect(items.map((i) => i.record.timestamp)).toEqual(records.filter((r) => r.fields.s!.value !== 'x'.repeat(5000)).map((r) => r.timestamp))
    const seen: number[] = []
    let points = 0
    const it = readLogFile(file, { maxLineBytes: 1000, lineProtocol: true, floatsAsWritten: true, onBadLine: (b) => seen.push(b.line) })[Symbol.asyncIterator]()
    for (;;) {
      const run = it.readyRun()
      if (run !== undefined) {
        points += run.count
        continue
      }
      let item = it.ready()
      if (item === undefined && (await it.nextChunk())) continue
      item ??= (await it.next()).value
      if (item === undefined) break
      points++
    }
    expect(seen).toEqual(expectedBad)
    expect(points).toBe(398)
    // The default (16 MiB) takes them.
    expect((await readAll(file)).items).toHaveLength(400)
  })

  it('reports a torn line (the writer marked it) with file and line, counts it and reads on', async () => {
    const file = path.join(dir, `torn.${format}`)
    const whole = encode(format, [m('a', 1n)])
    const torn = encode(format, [m('a', 2n, 21.5)]).trimEnd().split('\n').at(-1)!.slice(0, -3)
    fs.writeFileSync(file, `${whole}${torn}${TORN_MARKER}\n${encode(format, [m('a', 3n)])}`)
    const reader = readLogFile(file, { onBadLine: () => {} })
    const bad: BadLine[] = []
    const items: ReadItem[] = []
    for await (const item of readLogFile(file, { onBadLine: (b) => bad.push(b) })) items.push(item)
    for await (const _ of reader) void _
    expect(items.map((i) => i.record.timestamp)).toEqual([1n, 3n])
    const tornLine = whole.split('\n').length
    expect(bad).toEqual([{ file, line: tornLine, reason: expect.stringContaining('torn line: cut short by a crash'), text: `${torn}${TORN_MARKER}` }])
    expect(reader.stats.badLines).toBe(1)
  })
})

describe('readLogFile', () => {
  it('reports bad JSONL lines with file, line, column and reason, and reads the rest', async () => {
    const file = path.join(dir, 'bad.jsonl')
    const good = (t: bigint) => encodeJsonl(m('a', t))
    fs.writeFileSync(file, [good(1n), '{"time":"2","measurement":"a"', '{"time":"3","measurement":"a","fields":{"v":"x","w":[]}}', '', good(4n), 'not json', ''].join('\n'))
    const { items, bad } = await readAll(file)
    expect(items.map((i) => [i.line, i.record.timestamp])).toEqual([
      [1, 1n],
      [5, 4n],
    ])
    expect(bad.map((b) => [b.file, b.line, b.column, b.reason])).toEqual([
      [file, 2, 30, expect.stringContaining('not valid JSON')],
      [file, 3, undefined, 'field "w" must be a number (float), string, boolean, {"i": "<int64>"} or {"u": "<uint64>"}'],
      [file, 6, undefined, expect.stringContaining('not valid JSON')], // V8 gives no position for an unexpected first token
    ])
  })

  it('reports bad CSV rows with their line and cell and keeps the table for the rows after them', async () => {
    const { items, bad } = await readAll(path.join(fixtures, 'bad-rows.csv'))
    expect(items.map((i) => [i.line, i.record.fields.temp])).toEqual([
      [3, { type: 'float', value: 21.5 }],
      [8, { type: 'float', value: 22.5 }],
    ])
    expect(bad.map((b) => [b.line, b.column, b.reason])).toEqual([
      [4, 4, 'column "temp" (cell 4): "warm" is not a finite double'],
      [5, undefined, 'row has 4 cells but the header at line 2 has 5'],
      [6, 4, 'cell 4: a double quote inside an unquoted cell'],
      [7, 4, 'cell 4: quoted cell has no closing quote'],
    ])
  })

  it('reads the annotated-CSV subset: sep=, CRLF, comment rows, #constant measurement and tag', async () => {
    const { items, bad } = await readAll(path.join(fixtures, 'constant-sep-crlf.csv'))
    expect(bad).toEqual([])
    expect(items.map((i) => i.record)).toEqual([
      { measurement: 'weather', tags: { sensor: 'mast', station: 'Kp' }, fields: { temp: { type: 'float', value: -12.5 }, note: { type: 'string', value: 'gusty; cold' } }, timestamp: 1617672549204824064n },
      { measurement: 'weather', tags: { sensor: 'roof', station: 'Kp' }, fields: { temp: { type: 'float', value: -13 } }, timestamp: 1617672550204824064n },
    ])
  })

  it('reports LP lines without a timestamp and reads lines with CRLF', async () => {
    const file = path.join(dir, 'mixed.lp')
    fs.writeFileSync(file, '# exported\r\nm v=1 1\r\nm v=2\r\n\r\nm v=3 3\r\n')
    const { items, bad } = await readAll(file)
    expect(items.map((i) => i.record.timestamp)).toEqual([1n, 3n])
    expect(bad).toEqual([{ file, line: 3, column: 6, reason: 'column 6: no timestamp; logfile lines always carry one', text: 'm v=2' }])
  })

  it('keeps what it read before a corrupt .gz and reports where reading stopped', async () => {
    const file = path.join(dir, 'corrupt.jsonl.gz')
    const zipped = zlib.gzipSync(records.slice(0, 200).map((r) => `${encodeJsonl(r)}\n`).join(''))
    fs.writeFileSync(file, Buffer.concat([zipped.subarray(0, Math.floor(zipped.length * 0.8)), Buffer.from('garbage!')]))
    const { items, bad } = await readAll(file)
    expect(items.length).toBeGreaterThan(10)
    expect(items.length).toBeLessThan(200)
    // The bytes gunzipped from the cut may end in a line garbled by the garbage: a bad line before the stop.
    expect(bad.filter((b) => b.reason.startsWith('reading stopped: '))).toHaveLength(1)
    expect(bad.at(-1)!.reason).toMatch(/^reading stopped: /)
    expect(bad.length).toBeLessThanOrEqual(2)
  })

  it('takes the format from options over the extension, and fails clearly on an unknown extension or a missing file', async () => {
    const file = path.join(dir, 'station.log')
    fs.writeFileSync(file, `${encodeLineProtocol(m('a', 1n))}\n`)
    expect((await readAll(file, { format: 'lp' })).items).toHaveLength(1)
    await expect(readAll(file)).rejects.toThrow(/cannot tell the format of .*station\.log from its extension/)
    await expect(readAll(path.join(dir, 'missing.jsonl'))).rejects.toSatisfy((e: unknown) => LogReadError.isInstance(e) && /ENOENT/.test((e as Error).message))
  })

  it('by default prints the first 20 bad lines to stderr and then says that it stops', async () => {
    const file = path.join(dir, 'many-bad.jsonl')
    fs.writeFileSync(file, 'x\n'.repeat(30))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const reader = readLogFile(file)
      for await (const _ of reader) void _
      expect(reader.stats.badLines).toBe(30)
      expect(warn).toHaveBeenCalledTimes(21)
      expect(warn.mock.calls[0]![0]).toMatch(/many-bad\.jsonl:1: bad line skipped: not valid JSON/)
      expect(warn.mock.calls[20]![0]).toContain('pass onBadLine')
    } finally {
      warn.mockRestore()
    }
  })
})
