// The reader option `plausible`: a timestamp outside it (seconds, ms or us written where ns
// belong) is a bad line in every read path, the byte runs replay takes included.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { CsvEncoder } from './csv-encoder.js'
import { encodeJsonl } from './jsonl-encode.js'
import { encodeLineProtocol } from './lp-encode.js'
import { readLogFile } from './read-log-file.js'
import { readLogs } from './read-logs.js'
import type { BadLine, LogReader, ReadOptions } from './read-types.js'
import type { InfluxRecord } from './record.js'
import { parseRfc3339 } from './rfc3339.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-plausible-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const PLAUSIBLE = { since: '1990-01-01T00:00:00Z', until: '2100-01-01T00:00:00Z' }
const T = 1617672549204824064n

/** Which lines get which wrong time: seconds, ms, us (each with its hint), the year 2200 and a negative time (no hint). */
const WRONG: ReadonlyArray<readonly [string, (ns: bigint) => bigint, string]> = [
  ['seconds', (ns) => ns / 1_000_000_000n, '; this looks like seconds'],
  ['milliseconds', (ns) => ns / 1_000_000n, '; this looks like milliseconds'],
  ['microseconds', (ns) => ns / 1_000n, '; this looks like microseconds'],
  ['year 2200', () => parseRfc3339('2200-01-01T00:00:00Z'), ''],
  ['negative', (ns) => -ns, ''],
]

/** `count` records of two shapes; every 7th has a wrong time (cycling through WRONG). Returns the records and the wrong lines (1-based) with the hint expected. */
function records(count: number, start = T): { records: InfluxRecord[]; wrong: Map<number, { time: bigint; hint: string }> } {
  const out: InfluxRecord[] = []
  const wrong = new Map<number, { time: bigint; hint: string }>()
  for (let i = 0; i < count; i++) {
    let timestamp = start + BigInt(i) * 1_000_000_007n
    if (i % 7 === 3) {
      const [, make, hint] = WRONG[(i / 7) % WRONG.length | 0]!
      timestamp = make(timestamp)
      wrong.set(i + 1, { time: timestamp, hint })
    }
    out.push(
      i % 2 === 0
        ? { measurement: 'pps_offset', tags: { station: 'Kp' }, fields: { offset_ns: { type: 'integer', value: BigInt(i) }, temp: { type: 'float', value: i / 4 } }, timestamp }
        : { measurement: 'maser', tags: { station: 'Kp', unit: 'a' }, fields: { ok: { type: 'boolean', value: i % 3 === 0 } }, timestamp },
    )
  }
  return { records: out, wrong }
}

interface Read {
  points: string[]
  lines: number[]
  bad: BadLine[]
  stats: LogReader['stats']
  inRuns: number
}

/** Reads as replay does (runs, ready(), nextChunk(), next()), or item by item with next() alone. */
async function read(inputs: string | string[], options: ReadOptions, how: 'runs' | 'items'): Promise<Read> {
  const bad: BadLine[] = []
  const reader = readLogs(inputs, { ...options, onBadLine: (b) => bad.push(b) })
  const items = reader[Symbol.asyncIterator]()
  const points: string[] = []
  const lines: number[] = []
  let inRuns = 0
  for (;;) {
    const run = how === 'runs' ? items.readyRun() : undefined
    if (run !== undefined) {
      for (let i = 0; i < run.count; i++) {
        points.push(run.text.slice(i === 0 ? 0 : run.textEnds[i - 1]! + 1, run.textEnds[i]))
        lines.push(run.lines[i]!)
      }
      inRuns += run.count
      continue
    }
    let item = how === 'runs' ? items.ready() : undefined
    if (item === undefined && how === 'runs' && (await items.nextChunk())) continue
    if (item === undefined) {
      const next = await items.next()
      if (next.done === true) break
      item = next.value
    }
    points.push(item.lineProtocol ?? encodeLineProtocol(item.record))
    lines.push(item.line)
  }
  return { points, lines, bad, stats: { ...reader.stats }, inRuns }
}

function expectWrongReported(bad: readonly BadLine[], file: string, wrong: ReadonlyMap<number, { time: bigint; hint: string }>, first = 1): void {
  expect(bad.map((b) => b.line)).toEqual([...wrong.keys()].map((line) => line + first - 1))
  for (const b of bad) {
    const { time, hint } = wrong.get(b.line - first + 1)!
    expect(b.file).toBe(file)
    expect(b.reason).toBe(`timestamp ${time} (ns) is outside 1990-2100${hint}`)
  }
}

describe('reader option plausible', () => {
  it('reports s/ms/us timestamps of an LP file as bad lines with the unit they look like, and reads the rest', async () => {
    const file = path.join(dir, 'prec.lp')
    fs.writeFileSync(file, 'm v=1 1617672549\nm v=2 1617672549204\nm v=3 1617672549204824\nm v=4 1617672549204824064\nm v=5 631151999999999999\nm v=6 631152000000000000\nm v=7 4102444800000000000\n')
    const bad: BadLine[] = []
    const reader = readLogFile(file, { plausible: PLAUSIBLE, onBadLine: (b) => bad.push(b) })
    const values: number[] = []
    for await (const { record } of reader) values.push(record.fields.v!.value as number)
    expect(values).toEqual([4, 6])
    expect(bad.map(({ line, reason }) => `${line}: ${reason}`)).toEqual([
      '1: timestamp 1617672549 (ns) is outside 1990-2100; this looks like seconds',
      '2: timestamp 1617672549204 (ns) is outside 1990-2100; this looks like milliseconds',
      '3: timestamp 1617672549204824 (ns) is outside 1990-2100; this looks like microseconds',
      '5: timestamp 631151999999999999 (ns) is outside 1990-2100',
      '7: timestamp 4102444800000000000 (ns) is outside 1990-2100',
    ])
    expect(bad[0]!.text).toBe('m v=1 1617672549')
    expect(reader.stats).toEqual({ files: 1, records: 2, badLines: 5, filtered: 0 })
    // Without the option, the same file reads as 7 records (1970 and 2100 included).
    let all = 0
    for await (const _ of readLogFile(file)) all++
    expect(all).toBe(7)
  })

  it('reports them in every JSONL path alike: byte runs, compiled and general, ready(), next(), records from bytes, the string transcoder', async () => {
    const file = path.join(dir, 'station.jsonl')
    // Several chunks (64 KiB each) of lines of two shapes: the byte transcoders compile after 8 lines.
    const { records: rs, wrong } = records(6000)
    fs.writeFileSync(file, rs.map((r) => `${encodeJsonl(r)}\n`).join(''))
    const expected = rs.filter((_, i) => !wrong.has(i + 1)).map((r) => encodeLineProtocol(r))
    const results = [
      await read(file, { plausible: PLAUSIBLE, lineProtocol: true, floatsAsWritten: true }, 'runs'),
      await read(file, { plausible: PLAUSIBLE, lineProtocol: true }, 'runs'),
      await read(file, { plausible: PLAUSIBLE, lineProtocol: true }, 'items'),
      await read(file, { plausible: PLAUSIBLE }, 'items'),
      await read(file, { plausible: PLAUSIBLE }, 'runs'),
    ]
    // Most points come in runs (the point after each bad line comes from ready()).
    expect(results[0]!.inRuns).toBeGreaterThan(expected.length - 2 * wrong.size)
    for (const result of results) {
      expect(result.points).toEqual(expected)
      expectWrongReported(result.bad, file, wrong)
      expect(result.stats).toEqual({ files: 1, records: expected.length, badLines: wrong.size, filtered: 0 })
    }
  })

  it('checks before the filters (a wrong time is reported even when its record would be filtered out), with since/until and measurements', async () => {
    const file = path.join(dir, 'filtered.jsonl')
    const { records: rs, wrong } = records(3000)
    fs.writeFileSync(file, rs.map((r) => `${encodeJsonl(r)}\n`).join(''))
    const since = T + 500n * 1_000_000_007n
    const until = T + 2500n * 1_000_000_007n
    const kept = rs.filter((r, i) => !wrong.has(i + 1) && r.measurement === 'pps_offset' && r.timestamp >= since && r.timestamp < until).map((r) => encodeLineProtocol(r))
    for (const how of ['runs', 'items'] as const) {
      const result = await read(file, { plausible: PLAUSIBLE, lineProtocol: true, floatsAsWritten: true, since, until, measurements: ['pps_offset'] }, how)
      expect(result.points).toEqual(kept)
      expectWrongReported(result.bad, file, wrong)
      expect(result.stats).toEqual({ files: 1, records: kept.length, badLines: wrong.size, filtered: rs.length - wrong.size - kept.length })
    }
  })

  it('reports them in files merged by readLogs (runs up to the next file), the first line of a file included', async () => {
    const a = path.join(dir, 'merged-a.jsonl')
    const b = path.join(dir, 'merged-b.jsonl')
    const first = records(2000)
    const second = records(2000, T + 2000n * 1_000_000_007n)
    // b's first line in seconds: it must not make b sort first or be read.
    second.records[0] = { ...second.records[0]!, timestamp: 1617672549n }
    second.wrong.set(1, { time: 1617672549n, hint: '; this looks like seconds' })
    const wrongB = new Map([...second.wrong].sort(([x], [y]) => x - y))
    fs.writeFileSync(a, first.records.map((r) => `${encodeJsonl(r)}\n`).join(''))
    fs.writeFileSync(b, second.records.map((r) => `${encodeJsonl(r)}\n`).join(''))
    const expected = [...first.records.filter((_, i) => !first.wrong.has(i + 1)), ...second.records.filter((_, i) => !wrongB.has(i + 1))].map((r) => encodeLineProtocol(r))
    for (const how of ['runs', 'items'] as const) {
      const result = await read([b, a], { plausible: PLAUSIBLE, lineProtocol: true, floatsAsWritten: true }, how)
      expect(result.points).toEqual(expected)
      expectWrongReported(
        result.bad.filter((x) => x.file === a),
        a,
        first.wrong,
      )
      expectWrongReported(
        result.bad.filter((x) => x.file === b),
        b,
        wrongB,
      )
      if (how === 'runs') expect(result.inRuns).toBeGreaterThan(expected.length / 2)
    }
  })

  it('reports them in CSV (dateTime:number), and in a .gz', async () => {
    const r = (v: number, timestamp: bigint): InfluxRecord => ({ measurement: 'm', tags: { station: 'Kp' }, fields: { v: { type: 'float', value: v } }, timestamp })
    const csv = new CsvEncoder().encode([r(1, 1617672549n), r(2, 1617672549204824064n)])
    expect(csv).toContain('dateTime:number')
    const file = path.join(dir, 'prec.csv.gz')
    fs.writeFileSync(file, zlib.gzipSync(csv))
    const bad: BadLine[] = []
    const values: number[] = []
    for await (const { record } of readLogFile(file, { plausible: PLAUSIBLE, onBadLine: (x) => bad.push(x) })) values.push(record.fields.v!.value as number)
    expect(values).toEqual([2])
    expect(bad.map(({ line, reason }) => `${line}: ${reason}`)).toEqual(['3: timestamp 1617672549 (ns) is outside 1990-2100; this looks like seconds'])
  })

  it('names other ranges by their times, and refuses a range that is not one', async () => {
    const file = path.join(dir, 'range.lp')
    fs.writeFileSync(file, 'm v=1 1617672549204824064\n')
    const bad: BadLine[] = []
    for await (const _ of readLogFile(file, { plausible: { since: new Date('2022-06-01T00:00:00Z'), until: parseRfc3339('2030-01-01T00:00:00Z') }, onBadLine: (x) => bad.push(x) })) expect.unreachable()
    expect(bad[0]!.reason).toBe('timestamp 1617672549204824064 (ns) is outside 2022-06-01T00:00:00Z to 2030-01-01T00:00:00Z')
    expect(() => readLogFile(file, { plausible: { since: '2100-01-01T00:00:00Z', until: '1990-01-01T00:00:00Z' } })).toThrow(new RangeError('plausible.since (2100-01-01T00:00:00Z) must be before plausible.until (1990-01-01T00:00:00Z)'))
    expect(() => readLogs(file, { plausible: { since: 631152000, until: '2100-01-01T00:00:00Z' } as never })).toThrow(TypeError)
    expect(() => readLogs(file, { plausible: { since: 631152000, until: '2100-01-01T00:00:00Z' } as never })).toThrow(/^plausible\.since must be a bigint of nanoseconds, a Date or an RFC 3339 string, got number 631152000/)
    expect(() => readLogs(file, { plausible: { since: '1990-01-01T00:00:00Z' } as never })).toThrow(new TypeError('plausible needs both since and until, got no until'))
  })
})
