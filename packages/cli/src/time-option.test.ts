import { parseDuration } from '@eht-influx-client/config'
import { formatRfc3339, NS_PER_UNIT, parseRfc3339, STATION_TIMES, TIME_UNIT_NAMES, unitThatFits } from '@eht-influx-client/logfile'
import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import { parseTimeOption, parseTimeRange } from './time-option.js'

const libs = { logfile: { parseRfc3339, formatRfc3339, STATION_TIMES, NS_PER_UNIT, TIME_UNIT_NAMES, unitThatFits }, config: { parseDuration } }
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

describe('integer --since / --until: nanoseconds, refused when it is an epoch in another unit or outside InfluxDB\'s range', () => {
  const instant = Date.UTC(2026, 11, 8, 2, 30) // 2026-12-08T02:30:00Z
  it.each([
    ['seconds', String(instant / 1000), 1_000_000_000n],
    ['milliseconds', String(instant), 1_000_000n],
    ['microseconds', `${instant}000`, 1000n],
    ['seconds', '631152000', 1_000_000_000n], // 1990-01-01, the first plausible second
    ['milliseconds', '4102444799999', 1_000_000n], // the last plausible millisecond of 2099
  ])('an epoch in %s (%s) is a usage error saying so and what to write', (unit, text, scale) => {
    const ns = BigInt(text) * scale
    const time = formatRfc3339(ns)
    for (const option of ['--since', '--until']) {
      let thrown: unknown
      try {
        parseTimeOption(text, option, now, libs)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(UsageError)
      expect((thrown as Error).message).toBe(`${option} "${text}" looks like ${unit} since 1970 (${time}), but an integer is read as nanoseconds (${formatRfc3339(BigInt(text))}); write ${time} or ${ns}`)
      // what it says to write is taken, as that instant
      expect(parseTimeOption(time, option, now, libs)).toBe(ns)
      expect(parseTimeOption(String(ns), option, now, libs)).toBe(ns)
    }
  })

  it('a date written without dashes is refused, naming the date', () => {
    expect(() => parseTimeOption('20260329', '--since', now, libs)).toThrow(UsageError)
    expect(() => parseTimeOption('20260329', '--since', now, libs)).toThrow(/^--since "20260329" looks like the date 2026-03-29, but an integer is read as nanoseconds \(1970-01-01T00:00:00.020260329Z\); write 2026-03-29$/)
  })

  it('ns before 1990 that no other unit makes plausible, 0 and negative ns are still taken as written', () => {
    for (const text of ['0', '5', '-1', '631151999', '4102444800', '-1617672549', '20261345', '631151999999999999']) expect(parseTimeOption(text, '--since', now, libs)).toBe(BigInt(text))
  })

  it('beyond InfluxDB\'s range: a usage error like that of an RFC 3339 time, and the edges of the range are taken', () => {
    for (const text of ['999999999999999999999999', '9223372036854775807', '-9223372036854775807', '-999999999999999999999999']) {
      expect(() => parseTimeOption(text, '--until', now, libs)).toThrow(UsageError)
      expect(() => parseTimeOption(text, '--until', now, libs)).toThrow(`--until "${text}" cannot be used: outside InfluxDB's time range (years 1677 to 2262)`)
    }
    expect(parseTimeOption('9223372036854775806', '--until', now, libs)).toBe(9223372036854775806n)
    expect(parseTimeOption('-9223372036854775806', '--since', now, libs)).toBe(-9223372036854775806n)
    expect(parseTimeOption('1617672549204824065', '--since', now, libs)).toBe(1617672549204824065n)
  })

  it('a duration ago or a date beyond InfluxDB\'s range: the same usage error (an export took 1000000d and failed at its summary, "year -711")', () => {
    for (const text of ['1000000d', '200000d', '2300-01-01', '1000-01-01', '0001-01-01']) {
      expect(() => parseTimeOption(text, '--since', now, libs)).toThrow(UsageError)
      expect(() => parseTimeOption(text, '--since', now, libs)).toThrow(`--since "${text}" cannot be used: outside InfluxDB's time range (years 1677 to 2262)`)
    }
    // 100000 days before 2025-04-06 is in 1751: in the range.
    expect(parseTimeOption('100000d', '--since', now, libs)).toBe((BigInt(now) - 100000n * 86_400_000n) * 1_000_000n)
    expect(parseTimeOption('1677-09-22', '--since', now, libs)).toBe(parseRfc3339('1677-09-22T00:00:00Z'))
  })
})

describe('parseTimeRange', () => {
  it('undefined bounds stay undefined; since must be before until', async () => {
    expect(await parseTimeRange({})).toEqual({ since: undefined, until: undefined })
    expect(await parseTimeRange({ until: '2025-04-06' }, now)).toEqual({ since: undefined, until: 1743897600000000000n })
    await expect(parseTimeRange({ since: '2025-04-06', until: '2025-04-05' }, now)).rejects.toThrow('--since (2025-04-06) must be before --until (2025-04-05)')
  })
})
