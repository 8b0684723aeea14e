import { describe, expect, it } from 'vitest'
import { seededRandom } from '../test/seeded-random.js'
import { ulpsAway } from '../test/ulp.js'
import { BOUNDARY_ULPS, binPosition, exactInverse, hasExactBinIndex, hasFiniteBinStart, interiorMargin } from './bin-position.js'

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

  it('keeps a time in its bin when the bin\'s end overflows to Infinity (huge widths)', () => {
    expect((1 + 1) * 1e308).toBe(Number.POSITIVE_INFINITY)
    expect(binPosition(1.5e308, 1e308)).toEqual({ index: 1, offset: 0.5e308 })
    expect(binPosition(Number.MAX_VALUE, 1e308)).toEqual({ index: 1, offset: Number.MAX_VALUE - 1e308 })
    expect(binPosition(1e308, 1e308)).toEqual({ index: 1, offset: 0 })
    expect(binPosition(Number.MAX_VALUE, Number.MAX_VALUE)).toEqual({ index: 1, offset: 0 })
    expect(binPosition(Number.MAX_VALUE / 2 + 1e292, Number.MAX_VALUE)).toEqual({ index: 0, offset: Number.MAX_VALUE / 2 + 1e292 })
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

describe('hasFiniteBinStart', () => {
  it('fails only where the bin start overflows, below -Number.MAX_VALUE', () => {
    expect(hasFiniteBinStart(1, 1e308)).toBe(true)
    expect(hasFiniteBinStart(-1, 1e308)).toBe(true)
    expect(hasFiniteBinStart(binPosition(-1.5e308, 1e308).index, 1e308)).toBe(false)
    expect(hasFiniteBinStart(-(2 ** 52), 1)).toBe(true)
  })
})

describe('interiorMargin', () => {
  // Ordinary widths, and tiny and huge ones, where rounding is absolute or the magnitudes extreme.
  const widths = [...WIDTHS, 1e-300, 1e-310, 3e-320, 1e300]
  const indicesFor = (width: number) => indices(width).filter((k) => Number.isFinite((k + 1) * width) && hasExactBinIndex((k + 1) * width, width))

  it('leaves room inside every bin, and any time in that room is in the bin at offset t - start, by binPosition', () => {
    for (const width of widths) {
      for (const k of indicesFor(width)) {
        const start = k * width
        const end = (k + 1) * width
        const margin = interiorMargin(start, end)
        const label = `k=${k} width=${width}`
        const low = start + margin
        const high = end - margin
        if (width >= 1e-300) expect(high - low, label).toBeGreaterThan(width / 2)
        for (const t of [ulpsAway(low, 1), (low + high) / 2, ulpsAway(high, -1)]) {
          if (!(low < t && t < high)) continue
          expect(binPosition(t, width), `${label} t=${t}`).toEqual({ index: k, offset: t - start })
        }
      }
    }
  })

  it('leaves no room in bins whose index is 2^48 or more, long before t / width nears Number.MAX_SAFE_INTEGER', () => {
    for (const width of [...WIDTHS, 1e-300, 1e300]) {
      for (const k of [2 ** 48, 2 ** 48 + 3, 2 ** 52, -(2 ** 48) - 1]) {
        const start = k * width
        const end = (k + 1) * width
        const margin = interiorMargin(start, end)
        // (Beyond the largest double, the bounds are infinite or NaN, and no time passes either.)
        expect(start + margin < end - margin, `k=${k} width=${width}`).toBe(false)
      }
    }
  })

  it('lets no time through for a bin whose end (or |start| + |end|) overflows to Infinity', () => {
    for (const [start, end] of [
      [1e308, Number.POSITIVE_INFINITY],
      [0.9e308, 1.8e308 - 1e292],
      [Number.NEGATIVE_INFINITY, -1e308],
    ]) {
      const margin = interiorMargin(start!, end!)
      for (const t of [-Number.MAX_VALUE, -1e308, 0, 1e308, 1.5e308, Number.MAX_VALUE]) expect(t > start! + margin && t < end! - margin, `[${start}, ${end}) t=${t}`).toBe(false)
    }
  })

  it(`is wider than the ${BOUNDARY_ULPS} units in the last place that count as on a boundary`, () => {
    for (const width of WIDTHS) {
      for (const k of indicesFor(width).filter((k) => k !== 0 && k !== -1)) {
        const start = k * width
        const end = (k + 1) * width
        const margin = interiorMargin(start, end)
        expect(margin).toBeGreaterThan(ulpsAway(start, 3) - start)
        expect(margin).toBeGreaterThan(Math.abs(ulpsAway(end, 3) - end))
      }
    }
  })
})

describe('exactInverse', () => {
  it('is 1 / width for every power of two whose inverse is a finite double, and NaN for the others', () => {
    let exact = 0
    for (let k = -1074; k <= 1023; k++) {
      const width = 2 ** k
      const inverse = exactInverse(width)
      if (k < -1023) expect(inverse, `2^${k}`).toBeNaN() // 2^1024 and beyond are not finite doubles
      else {
        expect(inverse, `2^${k}`).toBe(2 ** -k)
        expect(1 / inverse, `2^${k}`).toBe(width)
        exact++
      }
    }
    expect(exact).toBe(2047)
  })

  it('is NaN for a width that is not a power of two, however close to one', () => {
    for (const width of [3, 0.1, 1 / 3, 1.5, 7, 30, 1e-3, 1e-9, 1 + Number.EPSILON, 1 - Number.EPSILON / 2, 2 ** 40 * (1 + Number.EPSILON), 2 ** -1030 * 3, Number.MAX_VALUE, 5e-324 * 3]) {
      expect(exactInverse(width), String(width)).toBeNaN()
    }
  })

  it('gives x / width to the last bit, where multiplying by a rounded 1 / width would not', () => {
    const random = seededRandom(12345)
    for (let k = -60; k <= 60; k++) {
      const width = 2 ** k
      for (let i = 0; i < 200; i++) {
        const x = (random() - 0.5) * 10 ** Math.floor(random() * 30 - 15)
        expect(x * exactInverse(width)).toBe(x / width)
      }
    }
    // The same test fails for 3, the reason the inverse is only taken where it is exact.
    const misses = Array.from({ length: 1000 }, () => random() * 1e6).filter((x) => x * (1 / 3) !== x / 3)
    expect(misses.length).toBeGreaterThan(100)
  })
})
