import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { mixedJsonlLines, writeMixedFile } from '../test/fixtures/mixed-jsonl-lines.js'
import { stationRecords, T } from '../test/fixtures/station-records.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import { readLogs } from './read-logs.js'
import type { BadLine, ReadOptions } from './read-types.js'
import type { InfluxRecord } from './record.js'

// JSONL read into records: lines of remembered shapes are decoded from the bytes
// read (jsonl-bytes-to-record.ts). The reference is the same reader with
// `lineProtocol: true`, item by item, whose records are decoded from each
// line's text by decodeJsonl (the string path).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-records-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

interface Read {
  items: { file: string; line: number; endOffset: number; record: InfluxRecord }[]
  bad: BadLine[]
  stats: unknown
}

async function readAll(inputs: string | string[], options: ReadOptions, stringPath: boolean): Promise<Read> {
  const bad: BadLine[] = []
  const reader = readLogs(inputs, { ...options, ...(stringPath ? { lineProtocol: true } : {}), onBadLine: (b) => bad.push(b) })
  const items: Read['items'] = []
  for await (const { file, line, endOffset, record } of reader) items.push({ file, line, endOffset, record })
  return { items, bad, stats: { ...reader.stats } }
}

const ascii = (line: string) => /^[\x00-\x7f]*$/.test(line)

describe('reading JSONL records from the bytes read', () => {
  it('gives the same records, line numbers, offsets, bad lines and counts as the string path', async () => {
    const file = path.join(dir, 'mixed.jsonl')
    const lines = mixedJsonlLines()
    writeMixedFile(file, lines)
    const afterLine700 = Buffer.byteLength(`${lines.slice(0, 700).join('\n')}\n`)
    for (const options of [{}, { since: T + 500_000_000n, until: T + 2_500_000_000n }, { measurements: ['maser', 'weather'] }, { startOffset: afterLine700 }]) {
      const bytes = await readAll(file, options, false)
      const strings = await readAll(file, options, true)
      expect(bytes.items).toEqual(strings.items)
      expect(bytes.bad).toEqual(strings.bad)
      expect(bytes.stats).toEqual(strings.stats)
      expect(bytes.items.length).toBeGreaterThan(300)
      if (!('startOffset' in options)) expect(bytes.bad.map((b) => b.line)).toEqual(expect.arrayContaining([501, 901, 1001, 1301, lines.length + 1]))
    }
  })

  it('reads chunks with text beyond ASCII, gzip files, and several files merged, as the string path does', async () => {
    const lines = stationRecords(2000).map(encodeJsonl)
    expect(lines.some((line) => !ascii(line))).toBe(true)
    const unicode = path.join(dir, 'unicode.jsonl')
    fs.writeFileSync(unicode, `${lines.join('\n')}\n`)
    const gz = path.join(dir, 'ascii.jsonl.gz')
    fs.writeFileSync(gz, zlib.gzipSync(`${lines.filter(ascii).join('\n')}\n`))
    const rotated = path.join(dir, 'later.jsonl')
    fs.writeFileSync(rotated, `${stationRecords(500).map((r, i) => encodeJsonl({ ...r, timestamp: T + 10n ** 12n + BigInt(i) })).join('\n')}\n`)
    for (const inputs of [unicode, gz, [rotated, gz]]) {
      const bytes = await readAll(inputs, {}, false)
      const strings = await readAll(inputs, {}, true)
      expect(bytes.items).toEqual(strings.items)
      expect(bytes.bad).toEqual(strings.bad)
      expect(bytes.items.length).toBeGreaterThan(1000)
    }
  })

  it('hands out records the caller may change without changing the next ones', async () => {
    const file = path.join(dir, 'same.jsonl')
    const line = encodeJsonl(stationRecords(1)[0]!)
    fs.writeFileSync(file, `${line}\n`.repeat(50))
    const { items } = await readAll(file, {}, false)
    for (const { record } of items) {
      expect(record).toEqual(decodeJsonl(line))
      for (const key of Object.keys(record.tags)) record.tags[key] = 'changed'
      for (const field of Object.values(record.fields)) (field as { value: unknown }).value = 'changed'
    }
  })
})
