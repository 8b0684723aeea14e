import { describe, expect, it } from 'vitest'
import { ulpsAway } from '../test/ulp.js'
import { BOUNDARY_ULPS, binPosition, hasExactBinIndex } from './bin-position.js'

const WIDTHS = [0.1, 0.25, 1 / 3, 1, 7, 30, 1e-3]
/** Bin indices near 0, far below it, and around today's epoch for each width. */
const indices = (width: number) => [0, 1, 2, 3, 7, 10, 99, 1000, -1, -3, -1000, Math.round(1.7e9 / width), Math.round(1.7e9 / width) + 7]

describe('binPosition', () => {
  it('puts every computed boundary k * width in bin k with offset 0', () => {
    for (const width of WIDTHS) {
      for (const k of indices(width)) expect(binPosition(k * width, width), `k=${k} width=${width}`).toEqual({ index: k, offset: 0 })
    }
  })

  it('puts decimal times meant as boundaries in the bin they start (0.3 / 0.1 is 2.9999999999999996 in floating point)', () => {
    expect(0.3 / 0.1).toBeLessThan(3)
    expect(binPosition(0.3, 0.1)).toEqual({ index: 3, offset: 0 })
    expect(binPosition(0.7, 0.1)).toEqual({ index: 7, offset: 0 })
    expect(binPosition(1700000000.3, 0.1)).toEqual({ index: 17000000003, offset: 0 })
    expect(binPosition(-0.3, 0.1)).toEqual({ index: -3, offset: 0 })
    expect(binPosition(2, 1 / 3)).toEqual({ index: 6, offset: 0 })
  })

  it(`treats a time within ${BOUNDARY_ULPS} units in the last place of a boundary as on it, and one further away as not`, () => {
    for (const width of WIDTHS) {
      for (const k of indices(width).filter((k) => k !== 0)) {
        const boundary = k * width
        const label = `k=${k} width=${width}`
        for (const steps of [-2, -1, 1, 2]) expect(binPosition(ulpsAway(boundary, steps), width), label).toEqual({ index: k, offset: 0 })
        // Eight units away is outside the tolerance on either side of the boundary.
        const above = binPosition(ulpsAway(boundary, 8), width)
        expect(above.index, label).toBe(k)
        expect(above.offset, label).toBeGreaterThan(0)
        const below = binPosition(ulpsAway(boundary, -8), width)
        expect(below.index, label).toBe(k - 1)
        expect(below.offset, label).toBeLessThan(width)
        expect(below.offset, label).toBeGreaterThan(width * 0.99)
      }
    }
  })

  it('only takes 0 itself as the boundary at 0', () => {
    expect(binPosition(Number.MIN_VALUE, 1)).toEqual({ index: 0, offset: Number.MIN_VALUE })
    expect(binPosition(-Number.MIN_VALUE, 1)).toEqual({ index: -1, offset: 1 })
    const atMinusZero = binPosition(-0, 1)
    expect(Object.is(atMinusZero.index, 0)).toBe(true)
    expect(atMinusZero.offset).toBe(0)
  })

  it('gives the offset from the bin start for times inside a bin, also below 0', () => {
    expect(binPosition(10.25, 1)).toEqual({ index: 10, offset: 0.25 })
    expect(binPosition(-2.5, 1)).toEqual({ index: -3, offset: 0.5 })
    expect(binPosition(75, 30)).toEqual({ index: 2, offset: 15 })
    expect(binPosition(-7.5, 30)).toEqual({ index: -1, offset: 22.5 })
  })
})

describe('hasExactBinIndex', () => {
  it('holds while t / width stays below Number.MAX_SAFE_INTEGER', () => {
    expect(hasExactBinIndex(1.7e9, 1e-6)).toBe(true)
    expect(hasExactBinIndex(2 ** 52, 1)).toBe(true)
    expect(hasExactBinIndex(-(2 ** 52), 1)).toBe(true)
    expect(hasExactBinIndex(2 ** 53, 1)).toBe(false)
    expect(hasExactBinIndex(1.7e9, 1e-9)).toBe(false)
    expect(hasExactBinIndex(-1e300, 1)).toBe(false)
  })
})
