import { describe, expect, it } from 'vitest'
import { escapeKey, escapeMeasurement, quoteString } from './lp-escape.js'

describe('line-protocol escaping', () => {
  it.each([
    ['cpu', 'cpu'],
    ['my cpu', 'my\\ cpu'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a=b'],
    [',, ', '\\,\\,\\ '],
  ])('measurement %j -> %j', (name, escaped) => expect(escapeMeasurement(name)).toBe(escaped))

  it.each([
    ['host', 'host'],
    ['a b', 'a\\ b'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['"q"', '"q"'],
    ['é ☃', 'é\\ ☃'],
  ])('tag key, tag value or field key %j -> %j', (name, escaped) => expect(escapeKey(name)).toBe(escaped))

  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\', '"C:\\\\"'],
    ['\\"', '"\\\\\\""'],
    ['a, b = c', '"a, b = c"'],
  ])('string value %j -> %j', (value, quoted) => expect(quoteString(value)).toBe(quoted))
})
