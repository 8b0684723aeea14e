import { describe, expect, it } from 'vitest'
import { LogWriterOptionsError } from './errors.js'
import { finestUnit, nextStart, patternDirectives, startOf, strftimeUtc } from './strftime.js'

describe('strftime path patterns (UTC)', () => {
  const date = new Date('2024-02-29T07:05:09.999Z')

  it('formats %Y %m %d %H %M %S and %% in UTC', () => {
    expect(strftimeUtc('/var/log/eht/%Y/%m/Kp-%Y%m%dT%H%M%S-100%%.jsonl', date)).toBe('/var/log/eht/2024/02/Kp-20240229T070509-100%.jsonl')
  })

  it('rejects a directive it does not know, naming it and its index', () => {
    expect(() => patternDirectives('Kp-%Y-%j.jsonl')).toThrow(LogWriterOptionsError)
    expect(() => patternDirectives('Kp-%Y-%j.jsonl')).toThrow('uses %j at index 6')
    expect([...patternDirectives('%Y%m%d-%H%%')].sort()).toEqual(['%', 'H', 'Y', 'd', 'm'])
  })

  it('knows the finest unit a pattern names', () => {
    expect(finestUnit(patternDirectives('%Y/%m/%d'))).toBe('day')
    expect(finestUnit(patternDirectives('%H-%Y'))).toBe('hour')
    expect(finestUnit(patternDirectives('fixed.jsonl'))).toBeUndefined()
  })

  it.each([
    ['year', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['month', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['day', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['hour', '2024-02-29T07:00:00.000Z', '2024-02-29T08:00:00.000Z'],
    ['minute', '2024-02-29T07:05:00.000Z', '2024-02-29T07:06:00.000Z'],
    ['second', '2024-02-29T07:05:09.000Z', '2024-02-29T07:05:10.000Z'],
  ] as const)('the %s around 2024-02-29T07:05:09.999Z runs from %s to %s', (unit, start, next) => {
    expect(new Date(startOf(unit, date.getTime())).toISOString()).toBe(start)
    expect(new Date(nextStart(unit, date.getTime())).toISOString()).toBe(next)
  })
})
