import { describe, expect, it } from 'vitest'
import { randomRecords } from '../test/fixtures/random-records.js'
import { CsvEncoder } from './csv-encoder.js'
import { chunkEncoder, formatFromPath, lineDecoder, linesToBytes } from './formats.js'
import { encodeJsonl } from './jsonl-encode.js'
import { encodeLineProtocol } from './lp-encode.js'
import type { InfluxRecord } from './record.js'

describe('formatFromPath', () => {
  it.each([
    ['/var/log/eht/Kp-20240101.jsonl', 'jsonl'],
    ['Kp.2.csv', 'csv'],
    ['Kp.lp.gz', 'lp'],
    ['KP.JSONL.gz', 'jsonl'],
    ['Kp.log', undefined],
    ['Kp.gz', undefined],
  ])('%s -> %s', (file, format) => {
    expect(formatFromPath(file)).toBe(format)
  })
})

describe('chunkEncoder', () => {
  const records = randomRecords(77, 300, { bigIntegers: true }) // names with é, ☃, 🔭, quotes, backslashes

  it.each([
    ['jsonl', (rs: InfluxRecord[]) => rs.map((r) => `${encodeJsonl(r)}\n`).join('')],
    ['lp', (rs: InfluxRecord[]) => rs.map((r) => `${encodeLineProtocol(r)}\n`).join('')],
    ['csv', (rs: InfluxRecord[]) => new CsvEncoder().encode(rs)],
  ] as const)('gives the UTF-8 bytes of the lines (%s)', (format, text) => {
    expect(chunkEncoder(format).encode(records).equals(Buffer.from(text(records)))).toBe(true)
  })

  it('writes multi-byte characters whole, whatever their mix', () => {
    const lines = ['ascii', 'é☃🔭', '', '𝄞'.repeat(1000), 'end']
    expect(linesToBytes(lines).toString('utf8')).toBe(`${lines.join('\n')}\n`)
  })

  it('gives the same bytes across many 16 K-character pieces and buffer growth, lines of every width', () => {
    const widths = ['a', 'é', '☃', '🔭', 'x'.repeat(40000), '𝄞'.repeat(7000)]
    const lines = Array.from({ length: 3000 }, (_, i) => `${i}:${widths[i % widths.length]!.repeat(1 + (i % 7))}`)
    expect(linesToBytes(lines).equals(Buffer.from(`${lines.join('\n')}\n`))).toBe(true)
  })

  it('names the record that fails, and keeps CSV blocks whole after a failure', () => {
    const csv = chunkEncoder('csv')
    const good = records[0]!
    expect(() => csv.encode([good, { ...good, measurement: '' }])).toThrow(/^record 1 of 2: measurement at measurement is empty/)
    expect(csv.encode([good]).toString()).toMatch(/^#datatype /)
    expect(() => chunkEncoder('lp').encode([good, good, { ...good, timestamp: 1.5 as unknown as bigint }])).toThrow(/^record 2 of 3: /)
  })
})

describe('lineDecoder', () => {
  it('skips blank and comment lines where the format has them, and honours skip', () => {
    expect(lineDecoder('lp').decode('  # comment', 1, false)).toBeUndefined()
    expect(lineDecoder('lp').decode('m v=1 1', 1, true)).toBeUndefined()
    expect(lineDecoder('jsonl').decode('   ', 1, false)).toBeUndefined()
    expect(lineDecoder('lp').decode('m v=1 1', 1, false)?.timestamp).toBe(1n)
  })
})
