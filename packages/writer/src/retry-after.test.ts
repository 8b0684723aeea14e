import { afterEach, describe, expect, it } from 'vitest'
import { parseHttpDate, retryAfterMs } from './retry-after.js'

describe('retryAfterMs', () => {
  it('reads a number as seconds (the official client reads it as milliseconds)', () => {
    expect(retryAfterMs('3')).toBe(3000)
    expect(retryAfterMs(' 120 ')).toBe(120_000)
    expect(retryAfterMs('0')).toBe(0)
    expect(retryAfterMs('1.5')).toBe(1500)
  })

  it('reads an HTTP-date relative to now, and a past date as no wait', () => {
    const now = Date.parse('2021-04-06T01:29:09Z')
    expect(retryAfterMs('Tue, 06 Apr 2021 01:29:39 GMT', now)).toBe(30_000)
    expect(retryAfterMs('Tue, 06 Apr 2021 01:28:00 GMT', now)).toBe(0)
  })

  it("reads RFC 9110's three HTTP-date forms, all GMT", () => {
    const at = Date.UTC(1994, 10, 6, 8, 49, 37)
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(at)
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(2021, 0, 1))).toBe(at)
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(at)
    expect(parseHttpDate('Sun Nov 16 08:49:37 1994')).toBe(Date.UTC(1994, 10, 16, 8, 49, 37))
    // RFC 850's two-digit year: one more than 50 years ahead is the last such year in the past.
    const now = Date.UTC(2026, 11, 8, 2, 0, 0)
    expect(retryAfterMs('Tuesday, 08-Dec-26 03:00:00 GMT', now)).toBe(3_600_000)
    expect(parseHttpDate('Thursday, 01-Jan-80 00:00:00 GMT', now)).toBe(Date.UTC(1980, 0, 1))
    expect(parseHttpDate('Saturday, 01-Jan-50 00:00:00 GMT', now)).toBe(Date.UTC(2050, 0, 1))
  })

  it('takes nothing else for a date: no date without GMT, no ISO date, no text with a number in it (the normal backoff)', () => {
    const now = Date.UTC(2026, 11, 8, 2, 0, 0)
    for (const text of [
      '2026-12-08T03:00:00', // Date.parse: local time, a TZ-dependent wait
      '2026-12-08T03:00:00Z',
      'Tue, 08 Dec 2026 03:00:00', // no zone
      'Tue, 08 Dec 2026 03:00:00 PST',
      'Tue, 08 Dec 2026 03:00:00 +0000',
      'soon 2030', // Date.parse: a date 3 years away
      'x 1',
      'Mon 12',
      '5 minutes',
      '1e3',
      'Tue, 31 Feb 2026 03:00:00 GMT', // no such day
      'Tue, 08 Dec 2026 24:00:00 GMT',
      'Tue, 8 Dec 2026 03:00:00 GMT', // IMF-fixdate has two-digit days
    ]) {
      expect(retryAfterMs(text, now), text).toBeUndefined()
    }
  })

  describe('under any time zone of the machine', () => {
    const saved = process.env.TZ
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    })

    it('gives the same wait (Node applies a TZ set at run time)', () => {
      const now = Date.UTC(2026, 11, 8, 2, 0, 0)
      const headers = ['Tue, 08 Dec 2026 03:00:00 GMT', 'Tuesday, 08-Dec-26 03:00:00 GMT', 'Tue Dec  8 03:00:00 2026', '2026-12-08T03:00:00', 'Tue, 08 Dec 2026 03:00:00', 'soon 2030', '90']
      const waits = (tz: string) => {
        process.env.TZ = tz
        expect(new Date(Date.UTC(2026, 11, 8)).getTimezoneOffset()).toBe(tz === 'Pacific/Honolulu' ? 600 : tz === 'Asia/Tokyo' ? -540 : 0)
        return headers.map((h) => retryAfterMs(h, now))
      }
      const expected = [3_600_000, 3_600_000, 3_600_000, undefined, undefined, undefined, 90_000]
      for (const tz of ['UTC', 'Pacific/Honolulu', 'Asia/Tokyo']) expect(waits(tz), tz).toEqual(expected)
    })
  })

  it('gives undefined for a missing or unreadable header', () => {
    expect(retryAfterMs(undefined)).toBeUndefined()
    expect(retryAfterMs('soon')).toBeUndefined()
    expect(retryAfterMs('-5')).toBeUndefined()
    expect(retryAfterMs('')).toBeUndefined()
  })

  it('takes the first of repeated headers', () => {
    expect(retryAfterMs(['2', '9'])).toBe(2000)
  })
})
