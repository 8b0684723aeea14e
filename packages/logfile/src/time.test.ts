import { describe, expect, it } from 'vitest'
import { TimeError } from './errors.js'
import { dateToNs, nowNs, nsToDate, secondsToNs } from './time.js'

describe('nowNs', () => {
  it('is the wall clock in ns, within a few ms of Date.now()', () => {
    const before = BigInt(Date.now()) * 1_000_000n
    const now = nowNs()
    const after = BigInt(Date.now() + 1) * 1_000_000n
    expect(now).toBeGreaterThanOrEqual(before - 2_000_000n)
    expect(now).toBeLessThanOrEqual(after + 2_000_000n)
  })

  it('resolves below a millisecond and does not go backwards between calls', () => {
    const values = Array.from({ length: 200 }, () => nowNs())
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!)
    expect(values.filter((v) => v % 1_000_000n !== 0n).length).toBeGreaterThan(150)
    expect(new Set(values).size).toBeGreaterThan(100)
  })
})

describe('secondsToNs', () => {
  it.each([
    [1617672549.204824, 1617672549204824000n],
    [1617672549.2048242, 1617672549204824200n],
    [1617672549, 1617672549000000000n],
    [0.1, 100000000n],
    [-1.5, -1500000000n],
    [1e-9, 1n],
    [4e-10, 0n],
    [5e-10, 1n],
    [-5e-10, -1n],
  ])('reads %d s (as Python repr prints it) as %s ns', (seconds, ns) => {
    expect(secondsToNs(seconds)).toBe(ns)
  })

  it('rejects NaN, infinities and times outside InfluxDB range', () => {
    for (const bad of [NaN, Infinity, -Infinity, 1e12]) expect(() => secondsToNs(bad)).toThrow(TimeError)
    expect(() => secondsToNs('1617672549' as unknown as number)).toThrow(/finite number/)
  })
})

describe('Date <-> ns', () => {
  it('converts a Date exactly and rounds ns down to the millisecond, also before 1970', () => {
    expect(dateToNs(new Date(1617672549204))).toBe(1617672549204000000n)
    expect(nsToDate(1617672549204824064n).getTime()).toBe(1617672549204)
    expect(nsToDate(-1n).getTime()).toBe(-1)
    expect(nsToDate(-1_000_000n).getTime()).toBe(-1)
    expect(nsToDate(-1_000_001n).getTime()).toBe(-2)
  })

  it('rejects an invalid Date and a number of ns', () => {
    expect(() => dateToNs(new Date('nope'))).toThrow(TimeError)
    expect(() => nsToDate(5 as unknown as bigint)).toThrow(/bigint/)
  })
})
