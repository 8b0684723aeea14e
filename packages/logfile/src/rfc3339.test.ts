import { describe, expect, it } from 'vitest'
import { prng } from '../test/fixtures/random-records.js'
import { TimeError } from './errors.js'
import { formatRfc3339, parseRfc3339 } from './rfc3339.js'

describe('parseRfc3339', () => {
  it.each([
    ['2021-04-06T01:29:09.204824064Z', 1617672549204824064n],
    ['2021-04-06t01:29:09.204824064z', 1617672549204824064n],
    ['2021-04-06 01:29:09.204824064Z', 1617672549204824064n],
    ['2021-04-06T02:29:09.204824064+01:00', 1617672549204824064n],
    ['2021-04-06T02:29:09.204824064+0100', 1617672549204824064n],
    ['2021-04-05T20:29:09.204824064-05', 1617672549204824064n],
    ['2021-04-06T01:29:09Z', 1617672549000000000n],
    ['2021-04-06T01:29:09.5Z', 1617672549500000000n],
    ['2021-04-06T01:29:09,5Z', 1617672549500000000n],
    ['2021-04-06T01:29:09.204824064499Z', 1617672549204824064n],
    ['2021-04-06T01:29:09.2048240645Z', 1617672549204824065n],
    ['1969-12-31T23:59:59.999999999Z', -1n],
    ['1970-01-01T00:00:00Z', 0n],
    ['2024-02-29T00:00:00Z', 1709164800000000000n],
    ['1677-09-21T00:12:43.145224194Z', -9223372036854775806n],
  ])('%s is %s ns', (text, ns) => {
    expect(parseRfc3339(text)).toBe(ns)
  })

  it.each([
    ['2021-04-06', 'not an RFC 3339 time'],
    ['2021-04-06T01:29:09', 'not an RFC 3339 time'],
    ['2021-13-06T01:29:09Z', 'month 13'],
    ['2023-02-29T00:00:00Z', 'day 29 does not exist in 2023-02'],
    ['2021-04-06T24:00:00Z', 'hour 24'],
    ['2016-12-31T23:59:60Z', 'leap seconds'],
    ['2021-04-06T01:29:09+25:00', 'not a valid UTC offset'],
    ['2263-01-01T00:00:00Z', "outside InfluxDB's time range"],
  ])('rejects %s: %s', (text, message) => {
    expect(() => parseRfc3339(text)).toThrow(TimeError)
    expect(() => parseRfc3339(text)).toThrow(message)
  })
})

describe('formatRfc3339', () => {
  it.each([
    [1617672549204824064n, '2021-04-06T01:29:09.204824064Z'],
    [1617672549200000000n, '2021-04-06T01:29:09.2Z'],
    [1617672549000000000n, '2021-04-06T01:29:09Z'],
    [-1n, '1969-12-31T23:59:59.999999999Z'],
    [0n, '1970-01-01T00:00:00Z'],
  ])('%s ns is %s', (ns, text) => {
    expect(formatRfc3339(ns)).toBe(text)
  })

  it('agrees with Date#toISOString on whole milliseconds and round-trips 2000 random ns values', () => {
    const random = prng(42)
    for (let i = 0; i < 2000; i++) {
      const ns = BigInt(Math.floor((random() - 0.5) * 2 ** 53)) * 1024n + BigInt(Math.floor(random() * 1024))
      expect(parseRfc3339(formatRfc3339(ns))).toBe(ns)
      const ms = Math.floor((random() - 0.5) * 1.4e13)
      expect(formatRfc3339(BigInt(ms) * 1_000_000n).replace(/\.?Z$/, '')).toBe(new Date(ms).toISOString().replace(/\.?0*Z$/, '').replace(/\.$/, ''))
    }
  })
})
