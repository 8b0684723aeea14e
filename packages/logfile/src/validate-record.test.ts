import { describe, expect, it } from 'vitest'
import { RecordError } from './errors.js'
import type { InfluxRecord } from './record.js'
import { validateRecord } from './validate-record.js'

const base: InfluxRecord = { measurement: 'm', tags: { station: 'Kp' }, fields: { v: { type: 'float', value: 1 } }, timestamp: 1617672549204824064n }

function errorOf(change: Partial<Record<keyof InfluxRecord, unknown>>): RecordError {
  try {
    validateRecord({ ...base, ...change } as InfluxRecord)
  } catch (error) {
    if (RecordError.isInstance(error)) return error
    throw error
  }
  throw new Error(`accepted ${JSON.stringify(change, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`)
}

describe('validateRecord', () => {
  it.each([
    ['empty measurement', { measurement: '' }, 'measurement', 'measurement at measurement is empty'],
    ['measurement starting with _', { measurement: '_internal' }, 'measurement', 'starts with "_"'],
    ['measurement starting with #', { measurement: '#m' }, 'measurement', 'reads as a comment line'],
    ['newline in the measurement', { measurement: 'a\nb' }, 'measurement', 'control character U+000A at index 1'],
    ['tab in a tag key', { tags: { 'a\tb': 'x' } }, 'tags.a\tb', 'control character U+0009'],
    ['tag key "time"', { tags: { time: 'x' } }, 'tags.time', 'reserved by InfluxDB for the timestamp'],
    ['tag key starting with _', { tags: { _field: 'x' } }, 'tags._field', 'starts with "_"'],
    ['empty tag key', { tags: { '': 'x' } }, 'tags.', 'is empty'],
    ['non-string tag value', { tags: { k: 5 } }, 'tags.k', 'must be a string, got number'],
    ['tag value ending in a backslash', { tags: { k: 'C:\\' } }, 'tags.k', 'ends with a backslash'],
    ['backslash before a comma', { tags: { k: 'a\\,b' } }, 'tags.k', 'backslash before ","'],
    ['two backslashes', { measurement: 'a\\\\b' }, 'measurement', 'backslash before "\\\\"'],
    // InfluxDB 1.x unescapes \= and \" in measurements and \" in field keys: stored without the backslash.
    ['a backslash before "=" in the measurement', { measurement: 'pps\\=offset' }, 'measurement', 'has a backslash before "=" at index 3, which InfluxDB would read as an escape'],
    ['a backslash before a quote in the measurement', { measurement: 'a\\"b' }, 'measurement', 'has a backslash before "\\"" at index 1, which InfluxDB would read as an escape'],
    ['a backslash before a quote in a field key', { fields: { 'temp\\"C': { type: 'float', value: 2 } } }, 'fields.temp\\"C', 'has a backslash before "\\""'],
    // VictoriaMetrics stores such a point wrong (0 at the time of the write) and answers 204.
    ['a quote in a field key', { fields: { 'temp"C': { type: 'float', value: 21.5 } } }, 'fields.temp"C', 'field key "temp\\"C" contains a double quote ("), which VictoriaMetrics stores wrong'],
    ['lone surrogate', { tags: { k: 'a\uD800' } }, 'tags.k', 'lone UTF-16 surrogate'],
    ['no fields', { fields: {} }, 'fields', 'has no fields'],
    ['field key "time"', { fields: { time: { type: 'float', value: 1 } } }, 'fields.time', 'reserved'],
    ['NaN', { fields: { v: { type: 'float', value: NaN } } }, 'fields.v', 'is NaN'],
    ['Infinity', { fields: { v: { type: 'float', value: -Infinity } } }, 'fields.v', 'is -Infinity'],
    ['integer as a number', { fields: { v: { type: 'integer', value: 3 } } }, 'fields.v', 'must hold a bigint, got number'],
    ['integer above int64', { fields: { v: { type: 'integer', value: 2n ** 63n } } }, 'fields.v', 'outside the int64 range'],
    ['negative unsigned', { fields: { v: { type: 'unsigned', value: -1n } } }, 'fields.v', 'outside the uint64 range'],
    ['unsigned above uint64', { fields: { v: { type: 'unsigned', value: 2n ** 64n } } }, 'fields.v', 'outside the uint64 range'],
    ['newline in a string', { fields: { v: { type: 'string', value: 'a\nb' } } }, 'fields.v', 'contains a newline'],
    ['unknown type', { fields: { v: { type: 'double', value: 1 } } }, 'fields.v', 'unknown type "double"'],
    ['field that is not an object', { fields: { v: 1.5 } }, 'fields.v', 'must be an object { type, value }'],
    ['timestamp as a number', { timestamp: 1617672549204824 }, 'timestamp', 'must be a bigint of nanoseconds, got number'],
    ['timestamp after 2262', { timestamp: 2n ** 63n - 1n }, 'timestamp', "outside InfluxDB's range"],
  ])('rejects %s, naming the key', (_name, change, key, message) => {
    const error = errorOf(change)
    expect(error.key).toBe(key)
    expect(error.message).toContain(message)
    expect(error.code).toBe('RECORD_INVALID')
  })

  it('accepts empty tag values (dropped when written), "time" as a measurement, unicode, and a backslash before a plain character', () => {
    expect(() => validateRecord({ ...base, measurement: 'time', tags: { station: '', path: 'C:\\data', site: 'Pico ☃ 🔭' } })).not.toThrow()
    expect(() => validateRecord({ ...base, fields: { s: { type: 'string', value: 'tab\tand \\ "quote" \r' } } })).not.toThrow()
    expect(() => validateRecord({ ...base, timestamp: -9223372036854775806n })).not.toThrow()
    // Tag keys and values keep \" (InfluxDB 1.x does not unescape it there); an unescaped = or " in a measurement is plain, and so is = in a field key.
    expect(() => validateRecord({ ...base, measurement: 'a=b"c', tags: { 'k\\"': 'v\\"x' }, fields: { 'f=g': { type: 'float', value: 1 } } })).not.toThrow()
  })
})
