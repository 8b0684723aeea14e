import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CsvEncoder } from './csv-encoder.js'
import { LogReadError } from './errors.js'
import { encodeJsonl } from './jsonl-encode.js'
import { openLogWriter } from './log-writer.js'
import { encodeLineProtocol } from './lp-encode.js'
import type { BadLine } from './read-types.js'
import { readLogs } from './read-logs.js'
import type { InfluxRecord } from './record.js'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-readlogs-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const point = (station: string, t: bigint): InfluxRecord => ({ measurement: 'pps', tags: { station }, fields: { offset: { type: 'integer', value: t } }, timestamp: t })
const jsonl = (records: InfluxRecord[]) => records.map((r) => `${encodeJsonl(r)}\n`).join('')
const range = (station: string, from: number, to: number, step = 1) => Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => point(station, BigInt(from + i * step)))

async function collect(inputs: string | string[], onBadLine?: (bad: BadLine) => void) {
  const out: { t: bigint; station: string; file: string }[] = []
  const reader = readLogs(inputs, { onBadLine: onBadLine ?? (() => {}) })
  for await (const item of reader) out.push({ t: item.record.timestamp, station: item.record.tags.station!, file: path.basename(item.file) })
  return { out, stats: reader.stats }
}

describe('readLogs', () => {
  it('reads rotated files in time order, whatever their names sort to, plain and .gz alike', async () => {
    const sub = path.join(dir, 'rotated')
    fs.mkdirSync(sub)
    fs.writeFileSync(path.join(sub, 'Kp-b.jsonl'), jsonl(range('Kp', 0, 100)))
    fs.writeFileSync(path.join(sub, 'Kp-a.jsonl.gz'), zlib.gzipSync(jsonl(range('Kp', 100, 200))))
    fs.writeFileSync(path.join(sub, 'Kp-c.lp'), range('Kp', 200, 300).map((r) => `${encodeLineProtocol(r)}\n`).join(''))
    fs.writeFileSync(path.join(sub, 'Kp-0.csv'), new CsvEncoder().encode(range('Kp', 300, 400)))
    const { out, stats } = await collect(sub)
    expect(out.map((o) => o.t)).toEqual(range('Kp', 0, 400).map((r) => r.timestamp))
    expect(out[0]!.file).toBe('Kp-b.jsonl')
    expect(out[150]!.file).toBe('Kp-a.jsonl.gz')
    expect(stats).toMatchObject({ files: 4, records: 400, badLines: 0 })
  })

  it('keeps append order for records of equal time on both sides of a size rotation (Kp.jsonl, then Kp.1.jsonl)', async () => {
    const sub = path.join(dir, 'size-ties')
    const w = await openLogWriter({ path: path.join(sub, 'Kp.jsonl'), format: 'jsonl', rotate: { kind: 'size', maxBytes: 200 }, fsync: 'never' })
    // Times 1000, 1001, 1001, 1002, 1002, 1003: two records a file, each tie split across two files.
    const seq = (n: number): InfluxRecord => ({ measurement: 'pps', tags: {}, fields: { seq: { type: 'integer', value: BigInt(n) } }, timestamp: BigInt(1000 + Math.floor(n / 2)) })
    for (let n = 1; n <= 6; n++) await w.append([seq(n)])
    await w.close()
    expect(fs.readdirSync(sub).sort()).toEqual(['Kp.1.jsonl', 'Kp.2.jsonl', 'Kp.jsonl'])
    fs.writeFileSync(path.join(sub, 'Kp.1.jsonl.gz'), zlib.gzipSync(fs.readFileSync(path.join(sub, 'Kp.1.jsonl'))))
    fs.rmSync(path.join(sub, 'Kp.1.jsonl'))
    const got: string[] = []
    for await (const item of readLogs(sub)) got.push(`${item.record.fields.seq!.value}@${path.basename(item.file)}`)
    expect(got).toEqual(['1@Kp.jsonl', '2@Kp.jsonl', '3@Kp.1.jsonl.gz', '4@Kp.1.jsonl.gz', '5@Kp.2.jsonl', '6@Kp.2.jsonl'])
  })

  it('merges files that overlap in time by timestamp (two stations interleaved)', async () => {
    const a = path.join(dir, 'Kp.jsonl')
    const b = path.join(dir, 'Pv.jsonl')
    fs.writeFileSync(a, jsonl(range('Kp', 0, 100, 2)))
    fs.writeFileSync(b, jsonl(range('Pv', 1, 100, 2)))
    const { out } = await collect([b, a])
    expect(out.map((o) => o.t)).toEqual(range('x', 0, 100).map((r) => r.timestamp))
    expect(out.slice(0, 3).map((o) => o.station)).toEqual(['Kp', 'Pv', 'Kp'])
  })

  it('applies filters across files and reports bad lines of each file with that file', async () => {
    const sub = path.join(dir, 'filters')
    fs.mkdirSync(sub)
    fs.writeFileSync(path.join(sub, '1.jsonl'), `${jsonl(range('Kp', 0, 10))}oops\n`)
    fs.writeFileSync(path.join(sub, '2.jsonl'), `broken\n${jsonl(range('Kp', 10, 20))}`)
    const bad: BadLine[] = []
    const reader = readLogs(path.join(sub, '*.jsonl'), { since: 5n, until: 15n, onBadLine: (b) => bad.push(b) })
    const got: bigint[] = []
    for await (const item of reader) got.push(item.record.timestamp)
    expect(got).toEqual(range('Kp', 5, 15).map((r) => r.timestamp))
    expect(bad.map((b) => [path.basename(b.file), b.line]).sort()).toEqual([
      ['1.jsonl', 11],
      ['2.jsonl', 1],
    ])
    expect(reader.stats).toMatchObject({ files: 2, records: 10, badLines: 2, filtered: 10 })
  })

  it('reads 60 rotated files, opening each when the records reach its start', async () => {
    const sub = path.join(dir, 'hourly')
    fs.mkdirSync(sub)
    for (let hour = 0; hour < 60; hour++) fs.writeFileSync(path.join(sub, `Kp-${String(hour).padStart(2, '0')}.jsonl`), jsonl(range('Kp', hour * 50, hour * 50 + 50)))
    const { out } = await collect(sub)
    expect(out).toHaveLength(3000)
    expect(out.every((o, i) => o.t === BigInt(i))).toBe(true)
  })

  it('refuses startOffset for more than one file', async () => {
    const reader = readLogs([path.join(dir, 'Kp.jsonl'), path.join(dir, 'Pv.jsonl')], { startOffset: 10 })
    await expect(async () => {
      for await (const _ of reader) void _
    }).rejects.toSatisfy((e: unknown) => LogReadError.isInstance(e) && /startOffset applies to one file, but 2 files match/.test((e as Error).message))
  })
})
