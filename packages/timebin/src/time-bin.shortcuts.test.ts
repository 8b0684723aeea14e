import { describe, expect, it } from 'vitest'
import { CarefulTimeBin } from '../test/careful-time-bin.js'
import { ulpsAway } from '../test/ulp.js'
import { hasExactBinIndex, interiorMargin } from './bin-position.js'
import { TimeBin } from './time-bin.js'

// TimeBin decides most points with two comparisons against bounds worked out
// when a bin opens (see interiorMargin). These tests feed it points that hug
// the boundaries and the edges of those bounds, and compare every result, bit
// for bit, with CarefulTimeBin, which places every point with binPosition.

/** Feeds the points to both, comparing the finished bins and the open bin after every point. */
function expectSameAsCareful(width: number, times: number[]): void {
  const tb = new TimeBin(width)
  const careful = new CarefulTimeBin(width)
  let mismatches = 0
  let firstMismatch = ''
  times.forEach((t, i) => {
    const value = (i % 7) - 2
    tb.point(t, value)
    careful.point(t, value)
    const got = { tuples: tb.getTuples(), open: tb.openBin }
    const expected = { tuples: careful.getTuples(), open: careful.openBin }
    if (JSON.stringify(got) !== JSON.stringify(expected) || !Object.is(got.open?.start, expected.open?.start)) {
      if (mismatches++ === 0) firstMismatch = `at t=${t}: ${JSON.stringify(got)} instead of ${JSON.stringify(expected)}`
    }
  })
  expect(firstMismatch, `width=${width}`).toBe('')
}

/** Increasing times around the boundaries of bins `first` to `first + count`: on them, a few units in the last place either side, at the shortcut bounds, and inside. */
function boundaryHuggingTimes(width: number, first: number, count: number): number[] {
  const times: number[] = []
  for (let k = first; k < first + count; k++) {
    const start = k * width
    const end = (k + 1) * width
    const margin = interiorMargin(start, end)
    times.push(start, start + margin, end - margin, start + (end - start) / 3, start + ((end - start) * 2) / 3)
    for (const x of [start, start + margin, end - margin]) {
      if (x !== 0) for (const steps of [-12, -8, -3, -2, -1, 1, 2, 3, 8, 12]) times.push(ulpsAway(x, steps))
    }
  }
  return [...new Set(times)].filter((t) => Number.isFinite(t) && hasExactBinIndex(t, width)).sort((a, b) => a - b)
}

describe('TimeBin gives the same bins as placing every point with binPosition', () => {
  const widths = [0.1, 0.25, 1 / 3, 1, 7, 30, 1e-3, 1e-6, 1e-300, 1e-310, 1e300]

  for (const width of widths) {
    it(`with width ${width}, for points on, beside, and near the boundaries`, () => {
      for (const first of [-45, -3, 0, 5, 1000, Math.round(1.7e9 / width)]) {
        if (!Number.isFinite((first + 40) * width)) continue
        expectSameAsCareful(width, boundaryHuggingTimes(width, first, 40))
      }
    })
  }

  it('with points every few bins, so that both shortcuts and the careful way take turns', () => {
    const times = boundaryHuggingTimes(0.1, 17_000_000_000, 200).filter((_, i) => i % 11 === 0)
    expectSameAsCareful(0.1, times)
  })

  it('across the index 2^47 beyond which the shortcuts have no room, and up to the largest exact index', () => {
    for (const width of [0.25, 1 / 3]) expectSameAsCareful(width, boundaryHuggingTimes(width, 2 ** 47 - 20, 40))
    expectSameAsCareful(1, [2 ** 53 - 8, 2 ** 53 - 6.5, 2 ** 53 - 6, 2 ** 53 - 5.5, 2 ** 53 - 4, 2 ** 53 - 2])
    const tb = new TimeBin(1)
    tb.point(2 ** 53 - 4, 1)
    tb.point(2 ** 53 - 2, 1)
    expect(() => tb.point(2 ** 53, 1)).toThrow(RangeError)
  })
})

describe('TimeBin gives the same bins as placing every point with binPosition, for points that skip a bin', () => {
  /** Feeds both the points, taking the tuples every `every` points; compares the tuples and the open bin, bit for bit. */
  function expectSame(width: number, times: number[], every: number): void {
    const tb = new TimeBin(width)
    const careful = new CarefulTimeBin(width)
    const got: [number, number][] = []
    const expected: [number, number][] = []
    times.forEach((t, i) => {
      const value = (i % 5) - 1.5
      tb.point(t, value)
      careful.point(t, value)
      if (i % every === every - 1) {
        got.push(...tb.getTuples())
        expected.push(...careful.getTuples())
        expect(JSON.stringify(tb.openBin), `at t=${t}`).toBe(JSON.stringify(careful.openBin))
      }
    })
    got.push(...tb.getTuples())
    expected.push(...careful.getTuples())
    expect(got.length).toBe(expected.length)
    const firstDifferent = got.findIndex(([start, value], i) => !Object.is(start, expected[i]![0]) || !Object.is(value, expected[i]![1]))
    expect(firstDifferent, `width=${width}: ${JSON.stringify(got[firstDifferent])} instead of ${JSON.stringify(expected[firstDifferent])}`).toBe(-1)
  }

  /** From inside bin k, times in bin k + 2 on and beside its boundaries and the edges of its shortcut, each from a fresh point in bin k. */
  function skippingTimes(width: number, first: number, count: number): number[] {
    const times: number[] = []
    for (let k = first; k < first + count; k += 3) {
      const start = (k + 2) * width
      const end = (k + 3) * width
      const margin = interiorMargin(start, end)
      const targets = [start, start + margin, end - margin, start + (end - start) / 2]
      for (const x of [start, start + margin, end - margin]) {
        if (x !== 0) for (const steps of [-3, -1, 1, 3]) targets.push(ulpsAway(x, steps))
      }
      const target = targets[(k - first) % targets.length]!
      times.push((k + 0.5) * width, target)
    }
    return times.filter((t) => Number.isFinite(t) && hasExactBinIndex(t, width))
  }

  for (const width of [0.1, 1 / 3, 1, 30, 1e-3]) {
    it(`with width ${width}, near 0, below it and around today's epoch, taking the tuples after every point or every few`, () => {
      for (const first of [-60, -2, 0, 7, Math.round(1.7e9 / width)]) {
        for (const every of [1, 4]) expectSame(width, skippingTimes(width, first, 400), every)
      }
    })
  }

  it('in the seed loop: one point every 1.01 to 1.10 s, so that some points skip a bin', () => {
    const times: number[] = []
    let t = 1_700_000_000.25
    for (let i = 0; i < 5000; i++) {
      times.push(t)
      t += 1 + ((i * 7919) % 10) / 100 + 0.01
    }
    expectSame(1, times, 1)
    expectSame(1, times, 3)
  })

  it('after a point just past the start of a bin (inside the margin), points later in that bin still add up as the careful way', () => {
    const width = 0.1
    const start = 17_000_000_005 * width
    const end = 17_000_000_006 * width
    const margin = interiorMargin(start, end)
    const times = [start - width / 2, ulpsAway(start, 3), start + margin / 2, ulpsAway(start + margin, 1), start + width / 3, end - width / 4]
    expectSame(width, times, 1)
  })
})

describe('the instance as console.log() shows it', () => {
  it('shows the width and the open bin, not the bookkeeping', async () => {
    const { inspect } = await import('node:util')
    const tb = new TimeBin(1)
    expect(inspect(tb)).toBe('{ binWidth: 1, openBin: undefined }')
    tb.point(5.5, 2)
    expect(inspect(tb)).toBe('{ binWidth: 1, openBin: { start: 5, value: 1, covered: 0.5 } }')
  })
})
