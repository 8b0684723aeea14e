import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CsvDecoder } from './csv-decoder.js'
import { CsvError } from './errors.js'
import { decodeLineProtocol } from './lp-decode.js'
import { readLogFile } from './read-log-file.js'
import type { BadLine, ReadItem, ReadOptions } from './read-types.js'

// A key given twice in one line or table: JSON.parse and a table's columns would keep the
// last value and drop the other, silently. Every format reports it as a bad line instead,
// as the line protocol decoder does (`field "a" appears twice`) and InfluxDB does (`duplicate tags`).

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-dups-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function readAll(file: string, options: ReadOptions = {}): Promise<{ items: ReadItem[]; bad: BadLine[] }> {
  const bad: BadLine[] = []
  const items: ReadItem[] = []
  for await (const item of readLogFile(file, { onBadLine: (b) => bad.push(b), ...options })) items.push(item)
  return { items, bad }
}

/** Reads as replay does: runs, then items, then the next chunk. */
async function readRuns(file: string): Promise<{ points: number; bad: BadLine[] }> {
  const bad: BadLine[] = []
  const items = readLogFile(file, { lineProtocol: true, onBadLine: (b) => bad.push(b) })[Symbol.asyncIterator]()
  let points = 0
  for (;;) {
    const run = items.readyRun()
    if (run !== undefined) {
      points += run.count
      continue
    }
    let item = items.ready()
    if (item === undefined && (await items.nextChunk())) continue
    item ??= (await items.next()).value
    if (item === undefined) break
    points++
  }
  return { points, bad }
}

const good = (t: number) => `{"time":"${1617672549204824000 + t}","measurement":"m","tags":{"s":"Kp"},"fields":{"a":${t},"b":{"i":"${t}"}}}`
const dupTag = (t: number) => `{"time":"${1617672549204824000 + t}","measurement":"m","tags":{"s":"Kp","s":"Aa"},"fields":{"a":${t},"b":{"i":"${t}"}}}`
const dupField = (t: number) => `{"time":"${1617672549204824000 + t}","measurement":"m","tags":{"s":"Kp"},"fields":{"a":${t},"a":{"i":"${t}"}}}`
const reordered = (t: number) => `{"measurement":"m","time":"${1617672549204824000 + t}","tags":{"s":"Kp","s":"Aa"},"fields":{"a":${t}}}`

describe('a key given twice', () => {
  it('JSONL: every such line is a bad line naming the key, on every read path (shapes met many times, records, line protocol, runs)', async () => {
    const lines: string[] = []
    for (let t = 0; t < 40; t++) lines.push(good(t), dupTag(t), dupField(t), reordered(t))
    const file = path.join(dir, 'dups.jsonl')
    fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''))
    const expectedBad = lines.flatMap((l, i) => (l.startsWith('{"time"') && l.includes('"s":"Aa"') ? [{ line: i + 1, reason: 'tag "s" appears twice' }] : l.includes('"a":{') && !l.includes('"b"') ? [{ line: i + 1, reason: 'field "a" appears twice' }] : l.startsWith('{"measurement"') ? [{ line: i + 1, reason: 'tag "s" appears twice' }] : []))
    expect(expectedBad).toHaveLength(120)
    for (const options of [{}, { lineProtocol: true }]) {
      const { items, bad } = await readAll(file, options)
      expect(items.map((i) => i.line)).toEqual(lines.flatMap((l, i) => (l === good(i / 4) ? [i + 1] : [])))
      expect(bad.map((b) => ({ line: b.line, reason: b.reason.replace(/^column \d+: /, '') }))).toEqual(expectedBad)
    }
    const runs = await readRuns(file)
    expect(runs.points).toBe(40)
    expect(runs.bad).toHaveLength(120)
  })

  it('CSV: a table with two columns for one tag, field, measurement or time reports each of its rows, naming both columns and the header line', async () => {
    const text = [
      '#datatype dateTime:number,measurement,double,double,tag,tag',
      'time,measurement,a,a,s,t',
      '1617672549204824000,m,1,2,Kp,Aa',
      '#datatype dateTime:number,measurement,double,tag,tag',
      'time,measurement,a,s,s',
      '1617672549204824001,m,1,Kp,Aa',
      '#datatype dateTime:number,dateTime:number,measurement,double',
      'time,time2,measurement,a',
      '1617672549204824002,5,m,1',
      '#constant tag,s,Kp',
      '#datatype dateTime:number,measurement,double,tag',
      'time,measurement,a,s',
      '1617672549204824003,m,1,Aa',
      '#constant measurement,cpu',
      '#datatype dateTime:number,measurement,double',
      'time,measurement,a',
      '1617672549204824004,m,1',
      '#datatype dateTime:number,measurement,double,tag',
      'time,measurement,a,s',
      '1617672549204824005,m,1,Kp',
      '',
    ].join('\n')
    const file = path.join(dir, 'dups.csv')
    fs.writeFileSync(file, text)
    const { items, bad } = await readAll(file)
    expect(bad.map((b) => `${b.line}: ${b.reason}`)).toEqual([
      '3: field "a" appears twice in the row: column "a" (cell 3) and column "a" (cell 4)',
      '6: tag "s" appears twice: column "s" (cell 4) and column "s" (cell 5) (table header at line 5)',
      '9: the timestamp (a dateTime column) appears twice: column "time" (cell 1) and column "time2" (cell 2) (table header at line 8)',
      '13: tag "s" appears twice: column "s" (cell 4) and #constant "s" (table header at line 12)',
      '17: the measurement appears twice: column "measurement" (cell 2) and #constant "#constant measurement" (table header at line 16)',
    ])
    expect(items.map((i) => i.line)).toEqual([20])
  })

  it('CSV: two columns of one field name (two types, as CsvEncoder writes them) take a row filling one of them, never both, compiled rows too', () => {
    const decoder = new CsvDecoder()
    decoder.decodeLine('#datatype dateTime:number,measurement,double,long', 1)
    decoder.decodeLine('time,measurement,a,a', 2)
    for (let line = 3; line < 40; line++) {
      const t = BigInt(1617672549204824000 + line)
      if (line % 3 === 0) expect(() => decoder.decodeLine(`${t},m,1,2`, line)).toThrow('field "a" appears twice in the row: column "a" (cell 3) and column "a" (cell 4)')
      else if (line % 3 === 1) expect(decoder.decodeLine(`${t},m,1.5,`, line)).toEqual({ measurement: 'm', tags: {}, fields: { a: { type: 'float', value: 1.5 } }, timestamp: t })
      else expect(decoder.decodeLine(`${t},m,,7`, line)).toEqual({ measurement: 'm', tags: {}, fields: { a: { type: 'integer', value: 7n } }, timestamp: t })
    }
  })

  it('CSV: a _field cell naming a field that has its own column, both filled, is a bad row', () => {
    const decoder = new CsvDecoder()
    decoder.decodeLine('#datatype dateTime:number,measurement,field,string,double', 1)
    decoder.decodeLine('time,measurement,a,_field,_value', 2)
    expect(decoder.decodeLine('1,m,1,b,2', 3)?.fields).toEqual({ a: { type: 'float', value: 1 }, b: { type: 'float', value: 2 } })
    expect(() => decoder.decodeLine('2,m,1,a,2', 4)).toThrow(CsvError)
  })

  it('a tag and a field of the same name are accepted by every format, as by the line protocol decoder', async () => {
    expect(decodeLineProtocol('m,a=x a=1 1').tags).toEqual({ a: 'x' })
    const jsonl = path.join(dir, 'tag-field.jsonl')
    fs.writeFileSync(jsonl, '{"time":"1","measurement":"m","tags":{"a":"x"},"fields":{"a":1}}\n')
    const csv = path.join(dir, 'tag-field.csv')
    fs.writeFileSync(csv, '#datatype dateTime:number,measurement,tag,double\ntime,measurement,a,a\n1,m,x,1\n')
    for (const file of [jsonl, csv]) {
      const { items, bad } = await readAll(file)
      expect(bad).toEqual([])
      expect(items.map((i) => i.record)).toEqual([{ measurement: 'm', tags: { a: 'x' }, fields: { a: { type: 'float', value: 1 } }, timestamp: 1n }])
    }
  })
})
