import { describe, expect, it } from 'vitest'
import { seededRandom } from '../test/seeded-random.js'
import { TimeBin } from './time-bin.js'

// Times and values here are sums of powers of two, so every expected number
// below is exact in floating point and worked out by hand in the comment.

describe('the two published examples of the original', () => {
  const t = 1234567890 // a multiple of both 1 and 30

  // t + 0.1 is only within 1.2e-7 s of the decimal at this epoch, hence 4 digits.
  it('width 1: 100 at t+0.1, 200 at t+0.6, 100 at t+1.1 gives [t, 150] and an open bin holding 10', () => {
    const tb = new TimeBin(1)
    tb.point(t + 0.1, 100)
    expect(tb.openBin?.value).toBeCloseTo(10, 4) // 100 over 0.1 s of 1
    tb.point(t + 0.6, 200)
    expect(tb.openBin?.value).toBeCloseTo(110, 4) // + 200 over 0.5
    tb.point(t + 1.1, 100)
    const tuples = tb.getTuples()
    expect(tuples).toHaveLength(1)
    expect(tuples[0]![0]).toBe(t)
    expect(tuples[0]![1]).toBeCloseTo(150, 4) // + 100 over the last 0.4
    expect(tb.openBin?.start).toBe(t + 1)
    expect(tb.openBin?.value).toBeCloseTo(10, 4)
  })

  it('width 30: 100 at t+7.5, 200 at t+75 gives [t, 175], [t+30, 200] and an open bin holding 100', () => {
    const tb = new TimeBin(30)
    tb.point(t + 7.5, 100)
    expect(tb.openBin?.value).toBe(25)
    tb.point(t + 75, 200)
    expect(tb.getTuples()).toEqual([
      [t, 175], // (100 * 7.5 + 200 * 22.5) / 30
      [t + 30, 200],
    ])
    expect(tb.openBin).toEqual({ start: t + 60, value: 100, covered: 15 }) // 200 * 15 / 30
  })
})

describe('point()', () => {
  it('counts the first point as if it had held from the start of its own bin', () => {
    const tb = new TimeBin(1)
    tb.point(10.25, 8)
    expect(tb.openBin).toEqual({ start: 10, value: 2, covered: 0.25 }) // 8 * 0.25
    tb.point(11.5, 4)
    expect(tb.getTuples()).toEqual([[10, 5]]) // 8 * 0.25 + 4 * 0.75
  })

  it('adds value * span / width for a point in the same bin, finishing nothing', () => {
    const tb = new TimeBin(2)
    tb.point(4.5, 2) // 2 * 0.5 / 2 = 0.5
    tb.point(5, 6) // + 6 * 0.5 / 2 = 1.5
    tb.point(5.75, 4) // + 4 * 0.75 / 2 = 1.5
    expect(tb.getTuples()).toEqual([])
    expect(tb.openBin).toEqual({ start: 4, value: 3.5, covered: 1.75 })
  })

  it('finishes the open bin, fills a gap of several bins with the new value, and opens its own bin', () => {
    const tb = new TimeBin(1)
    tb.point(0.5, 1)
    tb.point(5.25, 8)
    expect(tb.getTuples()).toEqual([
      [0, 4.5], // 1 * 0.5 + 8 * 0.5
      [1, 8],
      [2, 8],
      [3, 8],
      [4, 8],
    ])
    expect(tb.openBin).toEqual({ start: 5, value: 2, covered: 0.25 }) // 8 * 0.25
  })

  it('finishes the previous bin on a point exactly on a boundary, and the new bin starts empty', () => {
    const tb = new TimeBin(1)
    tb.point(5.5, 2)
    tb.point(6, 4)
    expect(tb.getTuples()).toEqual([[5, 3]]) // 2 * 0.5 + 4 * 0.5
    expect(tb.openBin).toEqual({ start: 6, value: 0, covered: 0 })
    tb.point(6.5, 10)
    expect(tb.openBin).toEqual({ start: 6, value: 5, covered: 0.5 })
  })

  it('takes a decimal time meant as a boundary as on it, though 0.3 / 0.1 is just below 3 in floating point', () => {
    const tb = new TimeBin(0.1)
    tb.point(0.25, 2)
    tb.point(0.3, 4)
    const [[start, value], ...rest] = tb.getTuples()
    expect(rest).toEqual([])
    expect(start).toBe(2 * 0.1)
    expect(value).toBeCloseTo(3, 12) // 2 over the first half of the bin, 4 over the second
    expect(tb.openBin).toEqual({ start: 3 * 0.1, value: 0, covered: 0 })
  })

  it('ends a gap exactly on a boundary with every whole bin and an empty new bin', () => {
    const tb = new TimeBin(0.5)
    tb.point(1.25, 2)
    tb.point(3, 4)
    expect(tb.getTuples()).toEqual([
      [1, 3], // (2 * 0.25 + 4 * 0.25) / 0.5
      [1.5, 4],
      [2, 4],
      [2.5, 4],
    ])
    expect(tb.openBin).toEqual({ start: 3, value: 0, covered: 0 })
  })

  it('takes a first point on a boundary as an empty bin', () => {
    const tb = new TimeBin(30)
    tb.point(60, 7)
    expect(tb.openBin).toEqual({ start: 60, value: 0, covered: 0 })
    tb.point(90, 3)
    expect(tb.getTuples()).toEqual([[60, 3]])
  })

  it('accepts an equal time and adds nothing for it, whatever its value', () => {
    const tb = new TimeBin(1)
    tb.point(5.5, 2)
    tb.point(5.5, 1000)
    expect(tb.openBin).toEqual({ start: 5, value: 1, covered: 0.5 })
    tb.point(5.75, 4)
    tb.point(5.75, -1000)
    tb.point(6.25, 8)
    expect(tb.getTuples()).toEqual([[5, 4]]) // 2 * 0.5 + 4 * 0.25 + 8 * 0.25
  })

  it('works for negative times and across 0, with bins starting at k * width for negative k', () => {
    const tb = new TimeBin(1)
    tb.point(-2.5, 4)
    expect(tb.openBin).toEqual({ start: -3, value: 2, covered: 0.5 })
    tb.point(-1.25, 8)
    expect(tb.getTuples()).toEqual([[-3, 6]]) // 4 * 0.5 + 8 * 0.5
    tb.point(0.5, 2)
    expect(tb.getTuples()).toEqual([
      [-2, 6.5], // 8 * 0.75 + 2 * 0.25
      [-1, 2],
    ])
    expect(tb.openBin).toEqual({ start: 0, value: 1, covered: 0.5 })
  })

  it('handles points in the bin that starts at 0, including t = 0 itself (the original took 0 for "no data")', () => {
    const tb = new TimeBin(1)
    tb.point(-0.5, 2)
    tb.point(0, 4)
    expect(tb.getTuples()).toEqual([[-1, 3]]) // 2 * 0.5 + 4 * 0.5
    expect(tb.openBin).toEqual({ start: 0, value: 0, covered: 0 })
    tb.point(0.25, 8)
    tb.point(0.75, 4)
    expect(tb.openBin).toEqual({ start: 0, value: 4, covered: 0.75 }) // 8 * 0.25 + 4 * 0.5
    tb.point(1.5, 2)
    expect(tb.getTuples()).toEqual([[0, 4.5]]) // + 2 * 0.25
  })

  it('starts the first bin at 0 for a first point at -0 or at the smallest positive time', () => {
    const atMinusZero = new TimeBin(1)
    atMinusZero.point(-0, 3)
    expect(Object.is(atMinusZero.openBin?.start, 0)).toBe(true)

    const tiny = new TimeBin(1)
    tiny.point(Number.MIN_VALUE, 2)
    expect(tiny.openBin).toEqual({ start: 0, value: 2 * Number.MIN_VALUE, covered: Number.MIN_VALUE })
    tiny.point(0.5, 4)
    tiny.point(1, 6)
    expect(tiny.getTuples()).toEqual([[0, 5]]) // 4 * 0.5 + 6 * 0.5, the first span being next to nothing
  })

  it('keeps a point in its bin when the bin ends beyond the largest double (a huge width)', () => {
    // Bin 1 is [1e308, 2e308): its end overflows to Infinity, but 1.5e308 and Number.MAX_VALUE lie in it.
    const tb = new TimeBin(1e308)
    tb.point(0.5e308, 1)
    tb.point(1.5e308, 0.5)
    expect(tb.getTuples()).toEqual([[0, 0.75]]) // 1 * 0.5 + 0.5 * 0.5 (the rest of bin 0)
    expect(tb.openBin).toEqual({ start: 1e308, value: 0.25, covered: 0.5e308 })
    tb.point(Number.MAX_VALUE, 0.5)
    expect(tb.getTuples()).toEqual([])
    const open = tb.openBin!
    expect(open.start).toBe(1e308)
    expect(open.covered).toBe(Number.MAX_VALUE - 1e308)
    expect(open.value).toBeCloseTo((0.5 * (Number.MAX_VALUE - 1e308)) / 1e308, 14)
    const [[start, value]] = tb.flush() as [[number, number]]
    expect(start).toBe(1e308)
    expect(value).toBeCloseTo(0.5, 14)
  })

  it('rejects a time whose bin would start below -Number.MAX_VALUE, and keeps the bins of the others', () => {
    const tb = new TimeBin(1e308)
    expect(() => tb.point(-1.5e308, 1)).toThrow(/call #1: t=-1\.5e\+308 is too far from 0 for binWidth=1e\+308: its bin starts at -2 \* 1e\+308, beyond the largest number/)
    expect(tb.openBin).toBeUndefined()
    tb.point(-1e308, 0.5)
    tb.point(-0.5e308, 0.5)
    expect(tb.openBin).toEqual({ start: -1e308, value: 0.25, covered: 0.5e308 })
  })

  it('leaves the instance unchanged when it rejects a point', () => {
    const tb = new TimeBin(1)
    tb.point(5.5, 2)
    expect(() => tb.point(5.25, 4)).toThrow(RangeError)
    expect(() => tb.point(Number.NaN, 4)).toThrow(RangeError)
    expect(() => tb.point(5.75, Number.POSITIVE_INFINITY)).toThrow(RangeError)
    expect(tb.openBin).toEqual({ start: 5, value: 1, covered: 0.5 })
    tb.point(6.5, 4)
    expect(tb.getTuples()).toEqual([[5, 3]]) // 2 * 0.5 + 4 * 0.5
  })

  it('keeps its width: assigning binWidth throws, and the bins stay those of the constructor\'s width', () => {
    const tb = new TimeBin(1)
    tb.point(0.5, 4)
    expect(() => {
      ;(tb as { binWidth: number }).binWidth = 2
    }).toThrow(TypeError)
    expect(tb.binWidth).toBe(1)
    tb.point(1.5, 4)
    tb.point(4.5, 4)
    // a constant value averages to itself in every bin of width 1
    expect(tb.getTuples()).toEqual([[0, 4], [1, 4], [2, 4], [3, 4]])
  })
})

describe('a finished bin\'s value', () => {
  it('is (value held * seconds) / binWidth to the last bit, for widths that are powers of two (multiplied by the exact inverse) and others (divided)', () => {
    const random = seededRandom(777)
    for (const width of [1, 0.5, 0.25, 2, 1024, 2 ** -20, 3, 0.1, 1 / 3, 7, 30, 1e-3]) {
      for (let i = 0; i < 300; i++) {
        const k = Math.floor((random() - 0.5) * 2e6)
        const t0 = (k + 0.1 + 0.8 * random()) * width
        const t1 = (k + 1.1 + 0.8 * random()) * width
        const [v0, v1] = [(random() - 0.5) * 1e3, random() * 10]
        const tb = new TimeBin(width)
        tb.point(t0, v0)
        tb.point(t1, v1)
        const start = k * width
        const offset = t0 - start
        expect(tb.getTuples(), `width ${width}, t0 ${t0}, t1 ${t1}`).toEqual([[start, (v0 * offset + v1 * (width - offset)) / width]])
      }
    }
  })
})

describe('getTuples()', () => {
  it('returns the finished bins oldest first and forgets them', () => {
    const tb = new TimeBin(1)
    tb.point(0.5, 2)
    tb.point(1.5, 4)
    tb.point(3.5, 6)
    expect(tb.getTuples()).toEqual([
      [0, 3], // 2 * 0.5 + 4 * 0.5
      [1, 5], // 4 * 0.5 + 6 * 0.5
      [2, 6],
    ])
    expect(tb.getTuples()).toEqual([])
    tb.point(4.5, 8)
    expect(tb.getTuples()).toEqual([[3, 7]]) // 6 * 0.5 + 8 * 0.5
  })

  it('returns a new empty array each time no bin has finished', () => {
    const tb = new TimeBin(1)
    const first = tb.getTuples()
    expect(first).toEqual([])
    first.push([0, 1])
    tb.point(0.5, 2)
    const second = tb.getTuples()
    expect(second).toEqual([])
    expect(second).not.toBe(first)
  })

  it('hands out new arrays and tuples each time, so a caller may keep or change them', () => {
    const tb = new TimeBin(1)
    tb.point(0.5, 2)
    tb.point(1.5, 2)
    const single = tb.getTuples()
    single[0]![1] = 99
    single.push([7, 7])
    tb.point(3.5, 4)
    const several = tb.getTuples()
    several[0]![0] = -1
    several.length = 0
    tb.point(4.5, 6)
    expect(tb.getTuples()).toEqual([[3, 5]]) // 4 * 0.5 + 6 * 0.5
    expect(single).toEqual([
      [0, 99],
      [7, 7],
    ])
    tb.point(6.5, 8)
    expect(tb.getTuples()).toEqual([
      [4, 7], // 6 * 0.5 + 8 * 0.5
      [5, 8],
    ])
  })

  it('returns every bin of a gap of ten thousand in order, and single bins again after it', () => {
    const tb = new TimeBin(0.5)
    tb.point(0.25, 2)
    tb.point(5000.25, 4)
    const tuples = tb.getTuples()
    expect(tuples).toHaveLength(10_000)
    expect(tuples[0]).toEqual([0, 3]) // (2 * 0.25 + 4 * 0.25) / 0.5
    expect(tuples.slice(1).every(([start, value], i) => start === (i + 1) * 0.5 && value === 4)).toBe(true)
    for (let k = 10_001; k <= 10_040; k++) {
      tb.point(k * 0.5 + 0.25, k % 7)
      expect(tb.getTuples()).toEqual([[(k - 1) * 0.5, ((k - 1) % 7) / 2 + (k % 7) / 2]])
    }
  })
})

describe('flush()', () => {
  it('returns the finished bins and then the open bin, averaged over the part that was covered', () => {
    const tb = new TimeBin(1)
    tb.point(0.5, 2)
    tb.point(2.25, 4)
    tb.point(2.5, 8)
    expect(tb.flush()).toEqual([
      [0, 3], // 2 * 0.5 + 4 * 0.5
      [1, 4],
      [2, 6], // (4 * 0.25 + 8 * 0.25) / 0.5
    ])
  })

  it('leaves the instance fresh: nothing open, nothing pending, and the next point starts anew, even at an earlier time', () => {
    const tb = new TimeBin(1)
    tb.point(10.5, 2)
    tb.point(11.5, 4)
    tb.flush()
    expect(tb.openBin).toBeUndefined()
    expect(tb.getTuples()).toEqual([])
    expect(tb.flush()).toEqual([])
    tb.point(3.75, 8) // earlier than 11.5: allowed after flush()
    expect(tb.openBin).toEqual({ start: 3, value: 6, covered: 0.75 })
    tb.point(4.25, 4)
    expect(tb.getTuples()).toEqual([[3, 7]]) // 8 * 0.75 + 4 * 0.25
  })

  it('leaves out an open bin with nothing covered', () => {
    const tb = new TimeBin(1)
    tb.point(5.5, 2)
    tb.point(6, 4)
    expect(tb.flush()).toEqual([[5, 3]])
    const onStart = new TimeBin(1)
    onStart.point(7, 1)
    expect(onStart.flush()).toEqual([])
  })

  it('returns nothing on an instance that never had a point', () => {
    expect(new TimeBin(1).flush()).toEqual([])
  })
})

describe('the instance', () => {
  it('has bins of 1 s by default and shows its width', () => {
    expect(new TimeBin().binWidth).toBe(1)
    expect(new TimeBin(0.1).binWidth).toBe(0.1)
    const tb = new TimeBin()
    tb.point(7.5, 4)
    tb.point(8.5, 2)
    expect(tb.getTuples()).toEqual([[7, 3]])
  })

  it('shows no open bin before its first point', () => {
    expect(new TimeBin(1).openBin).toBeUndefined()
  })
})
