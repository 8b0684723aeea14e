import { describe, expect, it, vi } from 'vitest'
import { inChunk } from '../test/fixtures/byte-code-lines.js'
import { mutateLine } from '../test/fixtures/mutate-line.js'
import { prng, randomRecords } from '../test/fixtures/random-records.js'
import { stationRecords } from '../test/fixtures/station-records.js'
import { fallbackLines, withValue as valueIn } from '../test/fixtures/jsonl-fallback-lines.js'
import { decodeJsonlBytes } from './jsonl-bytes-to-record.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import type { InfluxRecord } from './record.js'

/** What the string path makes of a line: its record, or undefined for a bad line. */
function reference(line: string): InfluxRecord | undefined {
  try {
    return decodeJsonl(line)
  } catch {
    return undefined
  }
}

/** Teaches the byte path the shapes of these lines: the decoder remembers a shape from a line it reads. */
function teach(lines: readonly string[]): void {
  for (const line of lines) reference(line)
}

function bytePath(line: string): InfluxRecord | undefined {
  const { src, s, e } = inChunk(line)
  return decodeJsonlBytes(src, s, e)
}

const isAscii = (line: string) => /^[\x00-\x7f]*$/.test(line)

describe('decodeJsonlBytes', () => {
  it('gives the record decodeJsonl gives, for the lines of remembered shapes, before and after their builders are compiled', () => {
    const lines = [...randomRecords(12, 2000, { bigIntegers: true }), ...stationRecords(1500)].map(encodeJsonl).filter(isAscii)
    teach(lines.slice(0, 300))
    teach(lines.filter((_, i) => i % 50 === 0))
    let taken = 0
    // Three passes: station shapes get their compiled builders during the first.
    for (let pass = 0; pass < 3; pass++) {
      for (const line of lines) {
        const record = bytePath(line)
        if (record === undefined) continue
        expect(record, line).toEqual(reference(line))
        taken++
      }
    }
    expect(taken).toBeGreaterThan(3000)
  })

  it('takes no line the string path rejects, and gives its record for the rest, on 20000 mutated lines', () => {
    const lines = stationRecords(300).map(encodeJsonl).filter(isAscii)
    teach(lines)
    const random = prng(43)
    const pieces = ['"', '\\', '\\"', '\\n', '\\u0000', '\t', '{', '}', ',', ':', ' ', '0', '1', '9', 'e', 'E', '.', '-', '+', 'i', 'u', 'true', 'false', '""', '}}', '{"i":"', '{"u":"', '"}', '99999999999999999999', '-0', '00', '1.50', '1e999', '9223372036854775808', '1234567890123456', '.5', '5.', '1e', '-']
    let taken = 0
    let rejected = 0
    for (let n = 0; n < 20_000; n++) {
      const line = mutateLine(lines[n % lines.length]!, random, pieces)
      if (!isAscii(line)) continue
      const expected = reference(line)
      const record = bytePath(line)
      if (expected === undefined) rejected++
      if (record === undefined) continue
      expect(record, line).toEqual(expected)
      taken++
    }
    expect(taken).toBeGreaterThan(800)
    expect(rejected).toBeGreaterThan(10_000)
  })

  const base = '{"time":"5","measurement":"edge","tags":{"t":"a b","e":""},"fields":{"v":1.5,"n":{"i":"2"},"u":{"u":"3"},"b":true,"s":"ok"}}'
  const withValue = (field: string, json: string) => valueIn(base, field, json)

  it('reads every type, and numbers at their limits, as decodeJsonl does', () => {
    teach([base])
    const lines = [
      base,
      withValue('b', 'false').replace('"time":"5"', '"time":"-17"'),
      withValue('v', '-8.414709848078964e-8'),
      withValue('v', '1.50'),
      withValue('v', '-0'),
      withValue('v', '-0.0'),
      withValue('v', '1E3'),
      withValue('v', '123456789012345'),
      withValue('v', '0.123456789012345'),
      withValue('v', '1234567890123456'),
      withValue('v', '9007199254740993'),
      withValue('v', '1.7976931348623157e308'),
      withValue('v', '5e-324'),
      withValue('n', '{"i":"-9223372036854775808"}'),
      withValue('n', '{"i":"9223372036854775807"}'),
      withValue('n', '{"i":"-999999999999999"}'),
      withValue('n', '{"i":"1000000000000000"}'),
      withValue('u', '{"u":"18446744073709551615"}'),
      withValue('u', '{"u":"0"}'),
      withValue('s', '""'),
      withValue('s', '"a b,c=d"'),
      withValue('s', '"a\\"b"'),
      withValue('s', '"a\\\\b\\/c\\t\\r\\b\\f"'),
      withValue('s', '"\\u0041\\u00e9\\u0000"'),
      withValue('s', '"\\\\"'),
      base.replace('"time":"5"', '"time":"-9223372036854775806"'),
      base.replace('"time":"5"', '"time":"9223372036854775806"'),
      base.replace('"time":"5"', '"time":"1617672549204824064"'),
    ]
    for (const line of lines) {
      const expected = decodeJsonl(line)
      const record = bytePath(line)
      expect(record, line).toEqual(expected)
      // -0 stays -0 (toEqual tells the two apart, as Object.is does).
      expect(Object.is((record?.fields.v as { value: number } | undefined)?.value, (expected.fields.v as { value: number }).value)).toBe(true)
    }
  })

  it('reads times whose first ten digits change from line to line, and back', () => {
    teach([base])
    const times = ['1617672549204824064', '1617672550000000000', '1617672549999999999', '-1617672549204824064', '1617672549000000001', '9999999999', '10000000000', '1617672549204824064']
    for (const time of times) expect(bytePath(base.replace('"time":"5"', `"time":"${time}"`))?.timestamp).toBe(BigInt(time))
  })

  it('gives each record its own tags and fields, which the caller may change', () => {
    teach([base])
    for (let n = 0; n < 10; n++) bytePath(base) // past the compile point
    const a = bytePath(base)!
    const b = bytePath(base)!
    a.tags.t = 'changed'
    ;(a.fields.v as { value: number }).value = 99
    expect(b).toEqual(decodeJsonl(base))
    expect(bytePath(base)).toEqual(decodeJsonl(base))
  })

  it('gives the same records with the general builder where code generation is off', () => {
    const line = '{"time":"9","measurement":"no_codegen","tags":{"a":"1"},"fields":{"f":2.5,"i":{"i":"-3"},"u":{"u":"4"},"b":false,"s":"x","e":"a\\"b\\\\c"}}'
    // (The decoder remembers a shape from a line without escapes.)
    teach([line.replace('a\\"b\\\\c', 'plain')])
    let compiles = 0
    vi.stubGlobal('Function', function () {
      compiles++
      throw new EvalError('Code generation from strings disallowed for this context')
    })
    try {
      for (let n = 0; n < 20; n++) expect(bytePath(line)).toEqual(decodeJsonl(line))
    } finally {
      vi.unstubAllGlobals()
    }
    expect(compiles).toBe(1)
    expect(bytePath(line)).toEqual(decodeJsonl(line))
  })

  it.each([
    ...fallbackLines(base),
    ['a float with a leading zero', withValue('v', '01.5')],
    ['a float with no digit after the point', withValue('v', '1.')],
    ['a float with no digit before the point', withValue('v', '.5')],
    ['a float with an empty exponent', withValue('v', '1e')],
    ['a string with an escaped newline', withValue('s', '"a\\nb"')],
    ['a string with an unknown escape', withValue('s', '"a\\xb"')],
    ['a string with a short unicode escape', withValue('s', '"\\u00"')],
    ['a string with an escaped surrogate pair', withValue('s', '"\\ud83d\\ude00"')],
    ['a string with an escaped lone surrogate', withValue('s', '"\\ud800"')],
    ['a string ending in a backslash', withValue('s', '"a\\"')],
  ])('leaves %s to the string path', (_, line) => {
    teach([base])
    expect(bytePath(base)).toBeDefined()
    expect(bytePath(line)).toBeUndefined()
  })
})
