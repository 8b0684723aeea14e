import { describe, expect, it } from 'vitest'
import { PendingBins } from './pending-bins.js'

describe('PendingBins', () => {
  it('gives back nothing when nothing was pushed', () => {
    expect(new PendingBins().take()).toEqual([])
  })

  it('gives back what was pushed, oldest first, then forgets it', () => {
    const pending = new PendingBins()
    pending.push(-1, 0.5)
    pending.push(0, -2)
    pending.push(1, 3)
    expect(pending.take()).toEqual([
      [-1, 0.5],
      [0, -2],
      [1, 3],
    ])
    expect(pending.take()).toEqual([])
    pending.push(2, 4)
    expect(pending.take()).toEqual([[2, 4]])
  })

  it('grows past its first buffer without losing or reordering bins, and starts small again after', () => {
    const pending = new PendingBins()
    const expected: [number, number][] = []
    for (let k = 0; k < 10_000; k++) {
      pending.push(k * 0.1, k % 7)
      expected.push([k * 0.1, k % 7])
    }
    expect(pending.take()).toEqual(expected)
    for (let k = 0; k < 40; k++) pending.push(k, -k)
    expect(pending.take()).toEqual(Array.from({ length: 40 }, (_, k) => [k, -k]))
  })

  it('hands out new arrays each time, so a caller may keep or change them', () => {
    const pending = new PendingBins()
    pending.push(1, 1)
    const first = pending.take()
    first[0]![1] = 99
    pending.push(2, 2)
    expect(pending.take()).toEqual([[2, 2]])
    expect(first).toEqual([[1, 99]])
  })
})
