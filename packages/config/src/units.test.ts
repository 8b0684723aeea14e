import { describe, expect, it } from 'vitest'
import { InvalidValueError } from './errors.js'
import { formatDuration, formatSize, parseDuration, parseSize } from './units.js'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5m', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['10 s', 10_000],
    ['0', 0],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['10', '10S', '1w', 'ten seconds', '', '-5s', '0.5ms', '1e3s'])('rejects %j, saying what a duration is', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidValueError)
    expect(() => parseDuration(text)).toThrow(/not a duration: .*expected a duration: a number with ms, s, m, h or d/)
  })
})

describe('parseSize', () => {
  it.each([
    ['100B', 100],
    ['1KB', 1024],
    ['1.5KB', 1536],
    ['1MB', 1_048_576],
    ['100MB', 104_857_600],
    ['10GB', 10_737_418_240],
    ['64 kb', 65_536],
    ['0', 0],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes)
  })

  it.each(['100', '1TB', '1.1B', 'big', '1MiB'])('rejects %j', (text) => {
    expect(() => parseSize(text)).toThrow(/not a size: .*B, KB, MB or GB \(powers of 1024\)/)
  })
})

describe('formatDuration / formatSize', () => {
  it('write the largest exact unit, which parses back to the same number', () => {
    for (const ms of [0, 1, 999, 1000, 90_000, 3_600_000, 86_400_000, 5_400_000, 1_500]) expect(parseDuration(formatDuration(ms))).toBe(ms)
    for (const bytes of [0, 1, 1023, 1024, 1536, 1_048_576, 10_737_418_240]) expect(parseSize(formatSize(bytes))).toBe(bytes)
    expect([formatDuration(90_000), formatDuration(5_400_000), formatSize(1_048_576), formatSize(1536)]).toEqual(['90s', '90m', '1MB', '1536B'])
  })
})
