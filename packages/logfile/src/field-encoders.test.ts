import { describe, expect, it } from 'vitest'
import { RecordError } from './errors.js'
import { csvValue, jsonValue, lpValue } from './field-encoders.js'
import type { FieldValue } from './record.js'
import { thrownBy } from '../test/fixtures/thrown.js'

describe('field value encoders', () => {
  it.each([
    ['float 1e21', { type: 'float', value: 1e21 }, '1e+21', '1e+21', '1e+21'],
    ['float -0.5', { type: 'float', value: -0.5 }, '-0.5', '-0.5', '-0.5'],
    ['int64 minimum', { type: 'integer', value: -9223372036854775808n }, '-9223372036854775808i', '{"i":"-9223372036854775808"}', '-9223372036854775808'],
    ['uint64 maximum', { type: 'unsigned', value: 18446744073709551615n }, '18446744073709551615u', '{"u":"18446744073709551615"}', '18446744073709551615'],
    ['string with quote, backslash, comma', { type: 'string', value: 'a "b" \\ c,d' }, '"a \\"b\\" \\\\ c,d"', '"a \\"b\\" \\\\ c,d"', '"a ""b"" \\ c,d"'],
    ['empty string', { type: 'string', value: '' }, '""', '""', '""'],
    ['string with a tab', { type: 'string', value: 'tab\there' }, '"tab\there"', '"tab\\there"', 'tab\there'],
    ['boolean', { type: 'boolean', value: false }, 'F', 'false', 'false'],
    ['boolean', { type: 'boolean', value: true }, 'T', 'true', 'true'],
  ] as [string, FieldValue, string, string, string][])('%s -> LP %s, JSONL %s, CSV %s', (_name, field, lp, json, csv) => {
    expect(lpValue('f', field)).toBe(lp)
    expect(jsonValue('f', field)).toBe(json)
    expect(csvValue('f', field)).toBe(csv)
  })

  it.each([
    ['NaN', { type: 'float', value: NaN }, 'is NaN'],
    ['an integer above int64', { type: 'integer', value: 2n ** 63n }, 'outside the int64 range'],
    ['an unsigned number', { type: 'unsigned', value: 1 }, 'must hold a bigint'],
    ['a newline in a string', { type: 'string', value: 'a\nb' }, 'contains a newline'],
    ['a boolean as text', { type: 'boolean', value: 'true' }, 'must hold a boolean'],
    ['null', null, 'must be an object { type, value }'],
  ])('every encoder rejects %s: %s', (_name, field, message) => {
    for (const encode of [lpValue, jsonValue, csvValue]) {
      const error = thrownBy(() => encode('f', field as FieldValue))
      expect(RecordError.isInstance(error)).toBe(true)
      expect((error as Error).message).toContain(message)
    }
  })
})
