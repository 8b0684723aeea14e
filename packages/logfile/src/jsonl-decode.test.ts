import { describe, expect, it } from 'vitest'
import { asWritten, prng, randomRecords } from '../test/fixtures/random-records.js'
import { JsonlError } from './errors.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import type { InfluxRecord } from './record.js'
import { thrownBy } from '../test/fixtures/thrown.js'
import { decodedOrError, referenceDecode } from '../test/fixtures/jsonl-reference.js'

const reference = referenceDecode

const decoded = (line: string) => decodedOrError(decodeJsonl, (error) => JsonlError.isInstance(error), line)

describe('decodeJsonl', () => {
  it('round-trips 3000 random records of every type, with 64-bit integers and timestamps above 2^53', () => {
    for (const record of randomRecords(5, 3000, { bigIntegers: true })) expect(decodeJsonl(encodeJsonl(record))).toEqual(asWritten(record))
  })

  it('reads a JSON number as a float, {"i"} as an integer and {"u"} as unsigned, whatever the key order or spacing', () => {
    const line = ' { "fields" : { "a" : 3, "b" : 3.0, "c" : {"i":"3"}, "d" : {"u":"3"}, "e" : "3", "f" : false }, "measurement" : "m", "time" : "1617672549204824064" } '
    expect(decodeJsonl(line)).toEqual({
      measurement: 'm',
      tags: {},
      timestamp: 1617672549204824064n,
      fields: { a: { type: 'float', value: 3 }, b: { type: 'float', value: 3 }, c: { type: 'integer', value: 3n }, d: { type: 'unsigned', value: 3n }, e: { type: 'string', value: '3' }, f: { type: 'boolean', value: false } },
    })
  })

  it('accepts and rejects exactly what JSON.parse + ajv + validateRecord accept, on 4000 mutated lines', () => {
    const random = prng(99)
    const lines = randomRecords(9, 400, { bigIntegers: true }).map(encodeJsonl)
    const pieces = ['"', '\\', '{', '}', ',', ':', ' ', '_', '1', 'e', 'i', 'u', '-', '.', '""', 'true', '\n', '\u0000']
    let accepted = 0
    for (let n = 0; n < 4000; n++) {
      let line = lines[n % lines.length]!
      const at = Math.floor(random() * line.length)
      const action = random()
      if (action < 0.4) line = line.slice(0, at) + line.slice(at + 1)
      else if (action < 0.8) line = line.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + line.slice(at)
      const expected = reference(line)
      expect(decoded(line), line).toEqual(expected)
      if (expected !== 'error') accepted++
    }
    expect(accepted).toBeGreaterThan(500)
  })

  it.each([
    ['{"time":"1","measurement":"m","fields":{"v":1}', 'not valid JSON', 47],
    ['{"time":1,"measurement":"m","fields":{"v":1}}', 'time must be integer nanoseconds since the epoch as a decimal string', undefined],
    ['{"time":"1","measurement":"m","fields":{"v":[1]}}', 'field "v" must be a number (float), string, boolean', undefined],
    ['{"time":"1","measurement":"m","fields":{}}', 'fields must NOT have fewer than 1 properties', undefined],
    ['{"time":"1","measurement":"m","fields":{"v":1},"extra":2}', 'must NOT have additional properties ("extra")', undefined],
    ['{"time":"1","measurement":"m","fields":{"v":{"i":"9223372036854775808"}}}', 'outside the int64 range', undefined],
    ['{"time":"1","measurement":"_m","fields":{"v":1}}', 'starts with "_"', undefined],
    ['{"time":"1","measurement":"m","fields":{"__proto__":{"i":"1"}}}', 'field key "__proto__" starts with "_"', undefined],
    // A repeated key: JSON.parse would keep the last value and drop the other. The canonical layout (the scanner) and any other (JSON.parse) alike.
    ['{"time":"1","measurement":"m","tags":{"s":"Kp","s":"Aa"},"fields":{"a":0}}', 'tag "s" appears twice', 48],
    ['{"time":"1","measurement":"m","tags":{},"fields":{"a":0,"a":{"i":"100"}}}', 'field "a" appears twice', 57],
    ['{"measurement":"m","time":"1","tags":{"s":"Kp","s":"Aa"},"fields":{"a":0}}', 'tag "s" appears twice', 48],
    ['{"fields":{"a":0,"\\u0061":{"i":"100"}},"time":"1","measurement":"m"}', 'field "a" appears twice', 18],
    ['{"time":"1","measurement":"m","fields":{"a":{"i":"1","i":"2"}}}', 'key "fields.a.i" appears twice', 54],
    ['{"time":"1","measurement":"m","time":"2","fields":{"a":1}}', 'key "time" appears twice', 31],
  ])('rejects %s: %s', (line, reason, column) => {
    const thrown = thrownBy(() => decodeJsonl(line))
    expect(JsonlError.isInstance(thrown), String(thrown)).toBe(true)
    expect((thrown as JsonlError).message).toContain(reason)
    expect((thrown as JsonlError).column).toBe(column)
  })
})
