import { parseDuration } from '@eht-influx-client/config'
import { parseRfc3339 } from '@eht-influx-client/logfile'
import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import { parseTimeOption, parseTimeRange } from './time-option.js'

const libs = { logfile: { parseRfc3339 }, config: { parseDuration } }
const now = Date.UTC(2025, 3, 6, 12, 0, 0)

describe('parseTimeOption (--since / --until)', () => {
  it('RFC 3339 with all nine ns digits and an offset, exactly', () => {
    expect(parseTimeOption('2021-04-06T01:29:09.204824064Z', '--since', now, libs)).toBe(1617672549204824064n)
    expect(parseTimeOption('2021-04-06T03:29:09.204824064+02:00', '--since', now, libs)).toBe(1617672549204824064n)
  })

  it('integer ns (above 2^53, kept exactly), a date (midnight UTC), a duration ago', () => {
    expect(parseTimeOption('1617672549204824065', '--until', now, libs)).toBe(1617672549204824065n)
    expect(parseTimeOption('2025-04-06', '--since', now, libs)).toBe(BigInt(Date.UTC(2025, 3, 6)) * 1_000_000n)
    expect(parseTimeOption('6h', '--since', now, libs)).toBe(BigInt(Date.UTC(2025, 3, 6, 6)) * 1_000_000n)
    expect(parseTimeOption('1.5d', '--since', now, libs)).toBe(BigInt(Date.UTC(2025, 3, 5, 0)) * 1_000_000n)
  })

  it('anything else: a usage error naming the option and the forms it takes', () => {
    expect(() => parseTimeOption('yesterday', '--since', now, libs)).toThrow(UsageError)
    expect(() => parseTimeOption('yesterday', '--since', now, libs)).toThrow(/--since "yesterday" is not a time; expected an RFC 3339 time .* a duration ago \(30m, 6h, 7d\)/)
  })


  it('a date that does not exist: a usage error naming the option and why, not an unexpected failure', () => {
    expect(() => parseTimeOption('2025-13-01', '--since', now, libs)).toThrow(UsageError)
    expect(() => parseTimeOption('2025-13-01', '--since', now, libs)).toThrow(/^--since "2025-13-01" is not a date: month 13 is not 1 to 12; expected an RFC 3339 time/)
    expect(() => parseTimeOption('2025-02-30', '--until', now, libs)).toThrow(/^--until "2025-02-30" is not a date: day 30 does not exist in 2025-02; expected/)
  })
  it('an RFC 3339 time that cannot be one: a usage error saying why (beyond InfluxDB\'s range, a day that does not exist)', () => {
    expect(() => parseTimeOption('2262-04-11T23:47:16.854775807Z', '--until', now, libs)).toThrow(UsageError)
    expect(() => parseTimeOption('2262-04-11T23:47:16.854775807Z', '--until', now, libs)).toThrow(
      /^--until "2262-04-11T23:47:16.854775807Z" cannot be used: outside InfluxDB's time range \(years 1677 to 2262\)$/,
    )
    expect(() => parseTimeOption('2025-02-30T00:00:00Z', '--since', now, libs)).toThrow(/^--since "2025-02-30T00:00:00Z" cannot be used: day 30 does not exist in 2025-02$/)
    // the last ns InfluxDB takes is still a time
    expect(parseTimeOption('2262-04-11T23:47:16.854775806Z', '--until', now, libs)).toBe(9223372036854775806n)
  })
})

describe('parseTimeRange', () => {
  it('undefined bounds stay undefined; since must be before until', async () => {
    expect(await parseTimeRange({})).toEqual({ since: undefined, until: undefined })
    expect(await parseTimeRange({ until: '2025-04-06' }, now)).toEqual({ since: undefined, until: 1743897600000000000n })
    await expect(parseTimeRange({ since: '2025-04-06', until: '2025-04-05' }, now)).rejects.toThrow('--since (2025-04-06) must be before --until (2025-04-05)')
  })
})
