import { describe, expect, it } from 'vitest'
import { formatRfc3339 } from './rfc3339.js'
import { NS_PER_UNIT, STATION_TIMES, unitThatFits } from './station-times.js'

describe('the station times and the unit a timestamp looks like', () => {
  it('are 1990-01-01 to 2100-01-01 UTC, the end excluded', () => {
    expect(formatRfc3339(STATION_TIMES.since)).toBe('1990-01-01T00:00:00Z')
    expect(formatRfc3339(STATION_TIMES.until)).toBe('2100-01-01T00:00:00Z')
    expect(unitThatFits(STATION_TIMES.since)).toBe('ns')
    expect(unitThatFits(STATION_TIMES.until - 1n)).toBe('ns')
    expect(unitThatFits(STATION_TIMES.until)).toBeUndefined()
  })

  it('names the one unit in which an epoch of 2021 is a station time', () => {
    const s = 1_617_672_549n
    expect(unitThatFits(s)).toBe('s')
    expect(unitThatFits(s * 1000n + 204n)).toBe('ms')
    expect(unitThatFits(s * 1_000_000n + 204_824n)).toBe('us')
    expect(unitThatFits(s * NS_PER_UNIT.s + 204_824_064n)).toBe('ns')
    for (const none of [0n, 1n, -s, 20260329n, 10n ** 25n]) expect(unitThatFits(none), String(none)).toBeUndefined()
  })

  it('takes another range', () => {
    expect(unitThatFits(5n, { since: 4_000_000_000n, until: 6_000_000_000n })).toBe('s')
    expect(unitThatFits(5n, { since: 4n, until: 6n })).toBe('ns')
  })
})
