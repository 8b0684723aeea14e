import { describe, expect, it } from 'vitest'
import { TimeBin } from './time-bin.js'

const BINS = 1_000_000
const WIDTH = 0.1

/** Index of the first bin whose start differs from k * WIDTH, or -1; compares with Object.is. */
function firstWrongLabel(tuples: [number, number][], firstIndex: number): number {
  for (let i = 0; i < tuples.length; i++) if (!Object.is(tuples[i]![0], (firstIndex + i) * WIDTH)) return i
  return -1
}

describe(`${BINS.toLocaleString('en-US')} bins of width ${WIDTH}`, () => {
  for (const firstIndex of [0, 17_000_000_000]) {
    it(`starting at bin ${firstIndex}: one point inside each bin gives labels exactly k * 0.1`, () => {
      const tb = new TimeBin(WIDTH)
      const tuples: [number, number][] = []
      for (let k = firstIndex; k <= firstIndex + BINS; k++) {
        tb.point((k + 0.5) * WIDTH, k % 10)
        for (const tuple of tb.getTuples()) tuples.push(tuple)
      }
      expect(tuples).toHaveLength(BINS)
      expect(firstWrongLabel(tuples, firstIndex)).toBe(-1)
      // Bin k holds point k over its first half and point k + 1 over its second.
      expect(tuples[0]![1]).toBeCloseTo(((firstIndex % 10) + ((firstIndex + 1) % 10)) / 2, 4)
    })
  }

  it('fills a single gap of a million bins with labels exactly k * 0.1', () => {
    const first = 17_000_000_000
    const tb = new TimeBin(WIDTH)
    tb.point((first + 0.5) * WIDTH, 1)
    tb.point((first + BINS + 0.5) * WIDTH, 3)
    const tuples = tb.getTuples()
    expect(tuples).toHaveLength(BINS)
    expect(firstWrongLabel(tuples, first)).toBe(-1)
    expect(tuples.slice(1).every(([, value]) => value === 3)).toBe(true)
  })

  it('takes points given exactly on the labels k * 0.1 as on the boundary: each finishes the bin before it', () => {
    const tb = new TimeBin(WIDTH)
    let finished = 0
    let wrong = 0
    for (let k = 0; k <= BINS; k++) {
      tb.point(k * WIDTH, 2)
      const tuples = tb.getTuples()
      finished += tuples.length
      if (k > 0 && (tuples.length !== 1 || !Object.is(tuples[0]![0], (k - 1) * WIDTH) || tuples[0]![1] !== 2)) wrong += 1
      if (tb.openBin?.covered !== 0) wrong += 1
    }
    expect(finished).toBe(BINS)
    expect(wrong).toBe(0)
  })

  it('would not hold if bin starts were found by adding the width repeatedly (the test can tell)', () => {
    let added = 17_000_000_000 * WIDTH
    let differ = 0
    for (let k = 17_000_000_000 + 1; k <= 17_000_000_000 + BINS; k++) {
      added += WIDTH
      if (!Object.is(added, k * WIDTH)) differ += 1
    }
    expect(differ).toBeGreaterThan(0)
  })
})
