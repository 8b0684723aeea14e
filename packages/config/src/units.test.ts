import { describe, expect, it } from 'vitest'
import { InvalidValueError } from './errors.js'
import { formatDuration, formatSize, parseDuration, parseSize, tryParseDuration, tryParseSize } from './units.js'

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

describe('decimal durations are scaled exactly, not in floating point', () => {
  const units: [string, number][] = [['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000]]
  // Exact arithmetic on integers: `${whole}.${digits}` with `places` decimals is (whole * 10^places + digits) / 10^places.
  const grid = (places: number) => units.flatMap(([unit, size]) => Array.from({ length: 10 ** (places + 1) }, (_, n) => {
    const text = `${Math.floor(n / 10 ** places)}.${String(n % 10 ** places).padStart(places, '0')}${unit}`
    return { text, exact: (n * size) % 10 ** places === 0 ? (n * size) / 10 ** places : undefined }
  }))

  it('takes every value 0.0-9.9, 0.00-9.99 and 0.000-9.999 that is whole milliseconds, and refuses the others', () => {
    const cases = [...grid(1), ...grid(2), ...grid(3)]
    const wrong = cases.filter(({ text, exact }) => tryParseDuration(text) !== exact)
    expect(wrong.map(({ text, exact }) => `${text}: got ${tryParseDuration(text)}, exact ${exact}`)).toEqual([])
    expect(cases.filter(({ exact }) => exact !== undefined).length).toBeGreaterThan(10_000)
  })

  it.each([['1.1h', 3_960_000], ['2.3h', 8_280_000], ['0.7d', 60_480_000], ['4.1m', 246_000], ['12.345s', 12_345], ['0.25 d', 21_600_000]])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it('still refuses a fraction of a millisecond and a value beyond a safe integer, however it is written', () => {
    for (const text of ['1.0001s', '0.0000001d', '1.5ms', '104249991374.4d', '9007199254740992ms']) expect(tryParseDuration(text)).toBeUndefined()
    expect(tryParseDuration('9007199254740991ms')).toBe(Number.MAX_SAFE_INTEGER)
    expect(tryParseDuration('1.000000000000000000000000000001000s')).toBeUndefined()
    expect(tryParseDuration('1.000000000000000000000000000000000s')).toBe(1000)
  })

  it('sizes too: every tenth of a KB, MB or GB that is whole bytes', () => {
    for (const [unit, size] of [['KB', 1024], ['MB', 1024 ** 2], ['GB', 1024 ** 3]] as const) {
      for (let n = 0; n < 1000; n++) {
        const text = `${Math.floor(n / 10)}.${n % 10}${unit}`
        expect(tryParseSize(text), text).toBe((n * size) % 10 === 0 ? (n * size) / 10 : undefined)
      }
    }
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
