import { describe, expect, it } from 'vitest'
import { retryAfterMs } from './retry-after.js'

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
