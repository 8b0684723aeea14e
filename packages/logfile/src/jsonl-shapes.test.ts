import { describe, expect, it } from 'vitest'
import { mutateLine } from '../test/fixtures/mutate-line.js'
import { decodedOrError, referenceDecode } from '../test/fixtures/jsonl-reference.js'
import { prng } from '../test/fixtures/random-records.js'
import { JsonlError } from './errors.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import { decodeByShape } from './jsonl-shapes.js'
import type { InfluxRecord } from './record.js'

const T = 1617672549204824064n

/** Station records of three shapes; values vary, including strings that need escapes in JSON. */
function stationRecords(count: number): InfluxRecord[] {
  const random = prng(3)
  const texts = ['clear', 'gusty, "cold"', 'back\\slash', 'tab\there', 'snow ☃ 🔭', 'é', '', '{"i":"1"}', 'a}}', 'x,"y":1']
  return Array.from({ length: count }, (_, i): InfluxRecord => {
    const timestamp = T + BigInt(i) * 1_000_003n
    if (i % 3 === 0) return { measurement: 'pps_offset', tags: { station: 'Kp', host: 'recorder1' }, fields: { offset_ns: { type: 'integer', value: BigInt(Math.round((random() - 0.5) * 2 ** 40)) * 1000n }, locked: { type: 'boolean', value: random() < 0.5 } }, timestamp }
    if (i % 3 === 1) return { measurement: 'maser', tags: { station: 'Kp', unit: 'H-maser 2' }, fields: { temperature: { type: 'float', value: (random() - 0.3) * 10 ** Math.floor(random() * 40 - 20) }, voltage: { type: 'float', value: Math.round(random() * 100) } }, timestamp }
    return { measurement: 'weather', tags: { station: 'Kp' }, fields: { summary: { type: 'string', value: texts[i % texts.length]! }, pressure: { type: 'unsigned', value: 2n ** 64n - 1n - BigInt(i) } }, timestamp: -timestamp }
  })
}

const decoded = (line: string) => decodedOrError(decodeJsonl, (error) => JsonlError.isInstance(error), line)

describe('decodeByShape (lines of a shape read before)', () => {
  const lines = stationRecords(300).map(encodeJsonl)

  it('reads every line of a known shape, whatever the values, as the general rule does', () => {
    for (const line of lines.slice(0, 3)) decodeJsonl(line) // learn the three shapes
    let byShape = 0
    for (const line of lines) {
      const shaped = decodeByShape(line)
      if (shaped !== undefined) byShape++
      expect(shaped ?? decodeJsonl(line), line).toEqual(referenceDecode(line))
    }
    expect(byShape).toBeGreaterThan(250) // strings with escapes included
  })

  it('accepts and rejects exactly what JSON.parse + ajv + validateRecord accept, on 6000 mutated lines of known shapes', () => {
    const random = prng(17)
    const pieces = ['"', '\\', '\\"', '\\n', '\\u0000', '\\ud800', '\ud800', '\n', '\u0001', '{', '}', ',', ':', ' ', '_', '1', '0', '9', 'e', 'E', '.', '-', '+', 'i', 'u', 'true', 'false', '""', '}}', '{"i":"', '"}']
    let accepted = 0
    for (let n = 0; n < 6000; n++) {
      const original = lines[n % lines.length]!
      decodeJsonl(original) // the shape is known
      let line = original
      line = mutateLine(line, random, pieces)
      const expected = referenceDecode(line)
      expect(decoded(line), line).toEqual(expected)
      if (expected !== 'error') accepted++
    }
    expect(accepted).toBeGreaterThan(1000)
  })

  it('rejects values out of range, newlines and lone surrogates in strings, and times outside InfluxDB range, naming the field', () => {
    decodeJsonl(encodeJsonl({ measurement: 'm', tags: {}, fields: { n: { type: 'integer', value: 1n }, s: { type: 'string', value: 'x' } }, timestamp: 1n }))
    const line = (n: string, s: string, t = '1') => `{"time":"${t}","measurement":"m","tags":{},"fields":{"n":{"i":"${n}"},"s":"${s}"}}`
    expect(decodeByShape(line('9223372036854775807', 'ok'))?.fields.n).toEqual({ type: 'integer', value: 9223372036854775807n })
    expect(() => decodeJsonl(line('9223372036854775808', 'ok'))).toThrow('integer field "n" = 9223372036854775808 is outside the int64 range')
    expect(() => decodeJsonl(line('1', 'a\\nb'))).toThrow('string field "s" contains a newline')
    expect(() => decodeJsonl(line('1', '\\ud800'))).toThrow('lone UTF-16 surrogate')
    expect(() => decodeJsonl(line('1', 'ok', '9223372036854775807'))).toThrow("outside InfluxDB's range")
    expect(decodeByShape(line('1', 'say \\"hi\\" \\\\ \\u00e9'))?.fields.s).toEqual({ type: 'string', value: 'say "hi" \\ é' })
  })
})
