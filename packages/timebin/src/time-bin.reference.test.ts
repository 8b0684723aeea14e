import { describe, expect, it } from 'vitest'
import { referenceBins } from '../test/reference-bins.js'
import { seededRandom } from '../test/seeded-random.js'
import { TimeBin } from './time-bin.js'

/**
 * A stream of points: mostly several per bin, sometimes a gap of several bins,
 * sometimes an equal time, values of either sign.
 */
function stream(seed: number, start: number, width: number, count: number): [number, number][] {
  const next = seededRandom(seed)
  const points: [number, number][] = []
  let t = start
  for (let i = 0; i < count; i++) {
    const roll = next()
    if (roll < 0.05) t += width * (2 + 10 * next())
    else if (roll < 0.08) t += 0
    else t += width * 0.4 * next()
    points.push([t, Math.round((next() - 0.3) * 2000) / 8])
  }
  return points
}

function expectClose(actual: [number, number][], expected: [number, number][], tolerance: number): void {
  expect(actual.map(([start]) => start)).toEqual(expected.map(([start]) => start))
  const worst = Math.max(0, ...actual.map(([, value], i) => Math.abs(value - expected[i]![1])))
  expect(worst).toBeLessThanOrEqual(tolerance)
}

describe('TimeBin against a slow reference integration', () => {
  const cases = [
    { name: 'width 1 near the epoch', width: 1, start: 1_700_000_000.3 },
    { name: 'width 0.1 near the epoch', width: 0.1, start: 1_700_000_000.31 },
    { name: 'width 30 near the epoch', width: 30, start: 1_700_000_007 },
    { name: 'width 0.25 across 0 from negative times', width: 0.25, start: -40.1 },
    { name: 'width 1/3 starting just above 0', width: 1 / 3, start: 1e-9 },
  ]

  for (const { name, width, start } of cases) {
    it(`${name}: same bins from getTuples() as the reference, and the same open bin from flush()`, () => {
      for (let seed = 1; seed <= 5; seed++) {
        const points = stream(seed, start, width, 2000)
        const expected = referenceBins(points, width)
        // Values are up to 250, times carry up to ulp(t) of rounding, spans are a fraction of width.
        const tolerance = (250 * 16 * Number.EPSILON * Math.max(1, Math.abs(points.at(-1)![0]))) / width
        const tb = new TimeBin(width)
        const got: [number, number][] = []
        for (const [t, value] of points) {
          tb.point(t, value)
          got.push(...tb.getTuples())
        }
        expect(expected.finished.length).toBeGreaterThan(50)
        expectClose(got, expected.finished, tolerance)
        const flushed = tb.flush()
        expectClose(flushed, expected.open ? [expected.open] : [], tolerance)
      }
    })
  }

  it('gives the same bins however often getTuples() is called', () => {
    const points = stream(42, 1_700_000_000.3, 1, 3000)
    const everyPoint = new TimeBin(1)
    const atTheEnd = new TimeBin(1)
    const got: [number, number][] = []
    for (const [t, value] of points) {
      everyPoint.point(t, value)
      got.push(...everyPoint.getTuples())
      atTheEnd.point(t, value)
    }
    expect(atTheEnd.getTuples()).toEqual(got)
  })
})
