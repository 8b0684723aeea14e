import { describe, expect, it } from 'vitest'
import { formatBytes, formatCount, formatDuration, formatRate } from './format.js'

describe('figures for people', () => {
  it('formats bytes in powers of 1000', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1536)).toBe('1.54 kB')
    expect(formatBytes(123_456_789)).toBe('123.5 MB')
    expect(formatBytes(Number.NaN)).toBe('? B')
  })
  it('formats durations from ms to hours', () => {
    expect(formatDuration(12.4)).toBe('12 ms')
    expect(formatDuration(1234)).toBe('1.2 s')
    expect(formatDuration(65_000)).toBe('1 min 5 s')
    expect(formatDuration(3 * 3600_000 + 120_000)).toBe('3 h 2 min')
  })
  it('groups counts without depending on the locale', () => {
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCount(12)).toBe('12')
  })
  it('gives a rate per second, or ? before any time passed', () => {
    expect(formatRate(5000, 2000, 'points')).toBe('2,500 points/s')
    expect(formatRate(3_000_000, 1000, 'bytes')).toBe('3.00 MB/s')
    expect(formatRate(10, 0, 'points')).toBe('? points/s')
  })
})
