import { describe, expect, it } from 'vitest'
import { describeValue } from './arguments.js'
import { TimeBin } from './time-bin.js'

/** The error `fn` throws (it must throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a throw')
}

describe('new TimeBin(binWidth) rejects', () => {
  it.each([
    [0, RangeError, 'got 0'],
    [-0, RangeError, 'got -0'],
    [-1, RangeError, 'got -1'],
    [Number.NaN, RangeError, 'got NaN'],
    [Number.POSITIVE_INFINITY, RangeError, 'got Infinity'],
    [Number.NEGATIVE_INFINITY, RangeError, 'got -Infinity'],
    ['1', TypeError, 'got the string "1"'],
    [null, TypeError, 'got null'],
    [1n, TypeError, 'got the bigint 1n'],
  ])('%s with a %O naming it', (binWidth, kind, shown) => {
    const error = thrown(() => new TimeBin(binWidth as number))
    expect(error).toBeInstanceOf(kind)
    expect(error.message).toMatch(/^new TimeBin\(binWidth\): binWidth must be a /)
    expect(error.message).toContain(shown)
  })

  it('and accepts any positive finite width, however small or large', () => {
    expect(new TimeBin(Number.MIN_VALUE).binWidth).toBe(Number.MIN_VALUE)
    expect(new TimeBin(Number.MAX_VALUE).binWidth).toBe(Number.MAX_VALUE)
  })
})

describe('point(t, value) rejects', () => {
  it.each([
    ['a string time', '1700000000', 1, TypeError, 't must be a number of seconds, got the string "1700000000"'],
    ['a bigint time, pointing at seconds rather than nanoseconds', 1617672549204824064n, 1, TypeError, 't must be a number of seconds since the epoch, like Date.now() / 1000, not a bigint of nanoseconds, got the bigint 1617672549204824064n'],
    ['an undefined time', undefined, 1, TypeError, 't must be a number of seconds, got undefined'],
    ['a NaN time', Number.NaN, 1, RangeError, 't must be a finite number of seconds, got NaN'],
    ['an infinite time', Number.POSITIVE_INFINITY, 1, RangeError, 't must be a finite number of seconds, got Infinity'],
    ['a value that is not a number', 12.5, '3.5', TypeError, 'value must be a number, got the string "3.5" at t=12.5'],
    ['a null value', 12.5, null, TypeError, 'value must be a number, got null at t=12.5'],
    ['a NaN value', 12.5, Number.NaN, RangeError, 'value must be a finite number, got NaN at t=12.5'],
    ['an infinite value', 12.5, Number.NEGATIVE_INFINITY, RangeError, 'value must be a finite number, got -Infinity at t=12.5'],
  ])('%s', (_what, t, value, kind, shown) => {
    const tb = new TimeBin(1)
    tb.point(10, 1)
    const error = thrown(() => tb.point(t as number, value as number))
    expect(error).toBeInstanceOf(kind)
    expect(error.message).toBe(`TimeBin.point(t, value), call #2: ${shown}`)
  })

  it('a time earlier than the previous one, naming both and the call', () => {
    const tb = new TimeBin(1)
    tb.point(1700000000.5, 1)
    tb.point(1700000000.75, 1)
    tb.point(1700000000.75, 1)
    const error = thrown(() => tb.point(1700000000.25, 1))
    expect(error).toBeInstanceOf(RangeError)
    expect(error.message).toBe(
      "TimeBin.point(t, value), call #4: t=1700000000.25 is earlier than the previous point's t=1700000000.75; times must not decrease (an equal time is allowed)",
    )
  })

  it('a time whose bin index a number cannot hold exactly', () => {
    const tb = new TimeBin(1e-9)
    const error = thrown(() => tb.point(1.7e9, 1))
    expect(error).toBeInstanceOf(RangeError)
    expect(error.message).toMatch(/^TimeBin\.point\(t, value\), call #1: t=1700000000 is too far from 0 for binWidth=1e-9: its bin index 1700000000000000000 is beyond Number\.MAX_SAFE_INTEGER/)
    expect(() => new TimeBin(1).point(-1e300, 1)).toThrow(/t=-1e\+300 is too far from 0 for binWidth=1/)
  })

  it('counts calls across errors, so the number matches the call the caller made', () => {
    const tb = new TimeBin(1)
    expect(() => tb.point(Number.NaN, 1)).toThrow(/call #1:/)
    tb.point(5, 1)
    expect(() => tb.point(4, 1)).toThrow(/call #3:/)
  })
})

describe('describeValue', () => {
  it('shows each kind of bad argument recognisably', () => {
    expect(describeValue(-0)).toBe('-0')
    expect(describeValue(2.5)).toBe('2.5')
    expect(describeValue('x"y')).toBe('the string "x\\"y"')
    expect(describeValue(5n)).toBe('the bigint 5n')
    expect(describeValue(undefined)).toBe('undefined')
    expect(describeValue(null)).toBe('null')
    expect(describeValue([1, 2])).toBe('an array')
    expect(describeValue({ t: 1 })).toBe('an object')
    expect(describeValue(true)).toBe('a boolean')
    expect(describeValue(Symbol('s'))).toBe('a symbol')
  })
})
