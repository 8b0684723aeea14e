import { describe, expect, it } from 'vitest'
import { WindowPlanner, type ExportWindow } from './export-window.js'

/** Drives a planner over points at the given times; returns the windows read and the largest read. */
function run(times: bigint[], since: bigint, until: bigint, target: number, cap: number) {
  const planner = new WindowPlanner(since, until, target)
  const windows: ExportWindow[] = []
  const seen: bigint[] = []
  let largest = 0
  for (let w = planner.next(); w !== undefined; w = planner.next()) {
    const inside = times.filter((t) => t >= w.from && t < w.to)
    if (w.capped && inside.length > cap) {
      planner.tooMany()
      continue
    }
    windows.push(w)
    seen.push(...inside)
    largest = Math.max(largest, inside.length)
    planner.done(inside.length)
  }
  return { windows, seen, largest }
}

describe('WindowPlanner', () => {
  it('reads a small range in one window', () => {
    const { windows, seen } = run([1n, 5n, 9n], 0n, 10n, 100, 1000)
    expect(windows).toEqual([{ from: 0n, to: 10n, capped: true }])
    expect(seen).toEqual([1n, 5n, 9n])
  })

  it('covers the range exactly once and keeps every window under the cap', () => {
    const times = Array.from({ length: 20_000 }, (_, i) => 1_000_000n + BigInt(i) * 1000n)
    const { windows, seen, largest } = run(times, 0n, 10n ** 12n, 500, 2000)
    expect(seen).toEqual(times)
    expect(largest).toBeLessThanOrEqual(2000)
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.from).toBe(windows[i - 1]!.to)
    expect(windows.at(-1)!.to).toBe(10n ** 12n)
  })

  it('gets through long empty stretches in few windows', () => {
    const times = [10n ** 18n + 5n]
    const { windows, seen } = run(times, 0n, 2n * 10n ** 18n, 1000, 5000)
    expect(seen).toEqual(times)
    expect(windows.length).toBeLessThan(5)
  })

  it('reads a 1 ns window however many points it has, since it cannot be split', () => {
    const times = Array.from({ length: 50 }, () => 7n)
    const { seen, windows } = run(times, 0n, 100n, 5, 10)
    expect(seen).toHaveLength(50)
    expect(windows.find((w) => w.from === 7n)).toEqual({ from: 7n, to: 8n, capped: false })
  })
})
