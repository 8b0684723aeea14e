import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mutateLine } from '../test/fixtures/mutate-line.js'
import { prng, randomRecords } from '../test/fixtures/random-records.js'
import { stationRecords, T } from '../test/fixtures/station-records.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import { jsonlLineToLineProtocol, transcodeByShape } from './jsonl-to-lp.js'
import { encodeLineProtocol } from './lp-encode.js'
import { readLogs } from './read-logs.js'
import type { BadLine } from './read-types.js'

/** What the general path makes of a line: its line protocol, or the error message. */
function reference(line: string): string {
  try {
    return encodeLineProtocol(decodeJsonl(line))
  } catch (error) {
    return `error: ${(error as Error).message}`
  }
}

function transcoded(line: string): string {
  try {
    return jsonlLineToLineProtocol(line)
  } catch (error) {
    return `error: ${(error as Error).message}`
  }
}

describe('jsonlLineToLineProtocol', () => {
  it('gives byte for byte encodeLineProtocol(decodeJsonl(line)) on 3000 random records and 900 lines of known shapes, mostly without decoding', () => {
    const lines = [...randomRecords(7, 3000, { bigIntegers: true }), ...stationRecords(900)].map(encodeJsonl)
    for (const line of lines) expect(transcoded(line), line).toBe(reference(line))
    let byShape = 0
    for (const line of lines.slice(3000)) {
      const direct = transcodeByShape(line)
      if (direct !== undefined) {
        byShape++
        expect(direct.lineProtocol).toBe(reference(line))
        expect(BigInt(direct.time)).toBe(decodeJsonl(line).timestamp)
        expect(direct.measurement).toBe(decodeJsonl(line).measurement)
      }
    }
    expect(byShape).toBeGreaterThan(700) // strings with escapes go the general way
  })

  it('accepts and rejects exactly as the general path, with the same reason, on 8000 mutated lines of known shapes', () => {
    const lines = stationRecords(300).map(encodeJsonl)
    for (const line of lines) jsonlLineToLineProtocol(line)
    const random = prng(23)
    const pieces = ['"', '\\', '\\"', '\\n', '\\u0000', '\ud800', '\n', '{', '}', ',', ':', ' ', '_', '0', '1', '9', 'e', 'E', '.', '-', '+', 'i', 'u', 'true', 'false', '""', '}}', '{"i":"', '"}', '99999999999999999999', '-0']
    let accepted = 0
    let rejected = 0
    for (let n = 0; n < 8000; n++) {
      let line = lines[n % lines.length]!
      line = mutateLine(line, random, pieces)
      const expected = reference(line)
      expect(transcoded(line), line).toBe(expected)
      if (expected.startsWith('error: ')) rejected++
      else accepted++
    }
    expect(accepted).toBeGreaterThan(1000)
    expect(rejected).toBeGreaterThan(1000)
  })

  it.each([
    ['-0 integer', '{"i":"-0"}', '0i'],
    ['-0 float', '-0', '0'],
    ['float not as JS prints it', '1.50', '1.5'],
    ['exponent', '1E3', '1000'],
    ['int64 max', '{"i":"9223372036854775807"}', '9223372036854775807i'],
    ['int64 min', '{"i":"-9223372036854775808"}', '-9223372036854775808i'],
    ['uint64 max', '{"u":"18446744073709551615"}', '18446744073709551615u'],
  ])('writes %s as line protocol does', (_, json, lp) => {
    const shape = '{"time":"5","measurement":"edge","tags":{},"fields":{"v":1}}'
    jsonlLineToLineProtocol(shape.replace('1}}', '{"i":"1"}}}'))
    jsonlLineToLineProtocol(shape.replace('1}}', '{"u":"1"}}}'))
    jsonlLineToLineProtocol(shape)
    const line = shape.replace('1}}', `${json}}}`)
    expect(jsonlLineToLineProtocol(line)).toBe(`edge v=${lp} 5`)
  })

  it.each([
    ['{"i":"9223372036854775808"}', 'outside the int64 range'],
    ['{"i":"-9223372036854775809"}', 'outside the int64 range'],
    ['{"u":"18446744073709551616"}', 'outside the uint64 range'],
    ['1e999', 'InfluxDB accepts only finite floats'],
  ])('rejects %s like decodeJsonl: %s', (json, reason) => {
    const line = `{"time":"5","measurement":"edge","tags":{},"fields":{"v":${json}}}`
    expect(() => jsonlLineToLineProtocol(line)).toThrow(reason)
    expect(transcoded(line)).toBe(reference(line))
  })

  it('rejects a time outside InfluxDB range at the edges, as decodeJsonl', () => {
    const at = (t: string) => `{"time":"${t}","measurement":"edge","tags":{},"fields":{"v":1}}`
    jsonlLineToLineProtocol(at('1'))
    expect(jsonlLineToLineProtocol(at('9223372036854775806'))).toBe('edge v=1 9223372036854775806')
    expect(jsonlLineToLineProtocol(at('-9223372036854775806'))).toBe('edge v=1 -9223372036854775806')
    for (const t of ['9223372036854775807', '-9223372036854775807', '-0', '01']) expect(transcoded(at(t)), t).toBe(reference(at(t)))
    expect(transcoded(at('9223372036854775807'))).toContain("outside InfluxDB's range")
  })
})

describe('readLogs with lineProtocol', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-lp-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('yields the same items, filters and bad lines as without it, with line protocol equal to encodeLineProtocol(record)', async () => {
    const lines = stationRecords(600).map(encodeJsonl)
    lines.splice(100, 0, '{"time":"1","measurement":"weather","tags":{},"fields":{"summary":"x","é":{"i":"1"}}}', 'not json', '')
    lines.splice(400, 0, '{"time":"9223372036854775807","measurement":"maser","tags":{"station":"Kp"},"fields":{"big":{"i":"1"},"u":{"u":"1"}}}')
    const a = path.join(dir, 'a.jsonl')
    const b = path.join(dir, 'b.jsonl')
    fs.writeFileSync(a, `${lines.slice(0, 300).join('\n')}\n`)
    fs.writeFileSync(b, `${lines.slice(300).join('\n')}\n{"time":"2"`)
    for (const options of [{}, { since: T + 50_000_000n, until: T + 500_000_000n }, { measurements: ['maser', 'weather'] }]) {
      const run = async (lineProtocol: boolean) => {
        const bad: BadLine[] = []
        const reader = readLogs([a, b], { ...options, lineProtocol, onBadLine: (x) => bad.push(x) })
        const items: { file: string; line: number; endOffset: number; lp: string; lineProtocol: string | undefined }[] = []
        for await (const item of reader) items.push({ file: item.file, line: item.line, endOffset: item.endOffset, lp: encodeLineProtocol(item.record), lineProtocol: item.lineProtocol })
        return { items, bad, stats: reader.stats }
      }
      const plain = await run(false)
      const lp = await run(true)
      expect(plain.items.length).toBeGreaterThan(100)
      expect(plain.bad.map((x) => x.reason)).toEqual(expect.arrayContaining([expect.stringContaining('not valid JSON'), expect.stringContaining("outside InfluxDB's range"), expect.stringContaining('no newline')]))
      expect(lp.items.map(({ lineProtocol, ...rest }) => rest)).toEqual(plain.items.map(({ lineProtocol, ...rest }) => rest))
      for (const item of lp.items) expect(item.lineProtocol).toBe(item.lp)
      expect(plain.items.every((item) => item.lineProtocol === undefined)).toBe(true)
      expect(lp.bad).toEqual(plain.bad)
      expect(lp.stats).toEqual(plain.stats)
    }
  })
})
