import { describe, expect, it } from 'vitest'
import { TimestampProblem, toNs } from './timestamps.js'

const NS = 1617672549204824064n

describe('toNs', () => {
  it('keeps a bigint and a decimal string of ns exactly (above 2^53)', () => {
    expect(toNs(NS, 'ns')).toBe(NS)
    expect(toNs('1617672549204824064', 'ms')).toBe(NS)
  })

  it('reads RFC 3339 strings and Dates', () => {
    expect(toNs('2021-04-06T01:29:09.204824064Z', 'ns')).toBe(NS)
    expect(toNs(new Date('2021-04-06T01:29:09.204Z'), 'ns')).toBe(1617672549204000000n)
  })

  it('scales numbers by timestampUnit, fractions exactly as printed', () => {
    expect(toNs(1617672549, 's')).toBe(1617672549000000000n)
    expect(toNs(1617672549.204824, 's')).toBe(1617672549204824000n)
    expect(toNs(1617672549204, 'ms')).toBe(1617672549204000000n)
    expect(toNs(1617672549204.5, 'ms')).toBe(1617672549204500000n)
    expect(toNs(1617672549204824, 'us')).toBe(1617672549204824000n)
  })

  it('refuses a number above 2^53 and says to pass a bigint or a string', () => {
    expect(() => toNs(1617672549204824064, 'ns')).toThrow(/pass a bigint .* or a decimal string/)
    expect(() => toNs(1.5, 'ns')).toThrow(/not a whole number of nanoseconds; pass a bigint or a string/)
  })

  it('refuses times outside 1990-2100 and names the likely unit', () => {
    expect(() => toNs(1617672549204, 'ns')).toThrow("this looks like milliseconds; set timestampUnit: 'ms'")
    expect(() => toNs(1617672549, 'ms')).toThrow("this looks like seconds; set timestampUnit: 's'")
    expect(() => toNs(1617672549204n, 'ns')).toThrow("pass nanoseconds, or a number with timestampUnit: 'ms'")
    expect(() => toNs('1970-01-01T00:00:00Z', 'ns')).toThrow(/outside 1990-2100/)
  })

  it('names a missing, null, unreadable or wrongly typed timestamp', () => {
    expect(() => toNs(undefined, 'ns')).toThrow('timestamp is missing')
    expect(() => toNs(null, 'ns')).toThrow('timestamp is missing (null)')
    expect(() => toNs('yesterday', 'ns')).toThrow(/neither integer nanoseconds nor an RFC 3339 time/)
    expect(() => toNs(new Date('nope'), 'ns')).toThrow('invalid Date')
    expect(() => toNs(NaN, 's')).toThrow('timestamp is NaN')
    expect(() => toNs({}, 'ns')).toThrow(TimestampProblem)
  })

  it('an RFC 3339 time that names no usable time says why, not that it is no time at all', () => {
    const problem = (value: string) => {
      try {
        toNs(value, 'ns')
      } catch (error) {
        return (error as Error).message
      }
      return undefined
    }
    expect(problem('2300-01-01T00:00:00Z')).toMatch(/^timestamp "2300-01-01T00:00:00Z" cannot be used: .*outside InfluxDB's time range \(years 1677 to 2262\)$/)
    expect(problem('2025-02-30T00:00:00Z')).toMatch(/^timestamp "2025-02-30T00:00:00Z" cannot be used: day 30 does not exist in 2025-02\b/)
    expect(problem('2025-02-30T00:00:00Z')).not.toMatch(/neither/)
    expect(problem('2025-02-28T00:00:00Z')).toBeUndefined()
  })
})
