import { describe, expect, it } from 'vitest'
import { prng } from '../test/fixtures/random-records.js'
import { MinHeap } from './min-heap.js'

describe('MinHeap', () => {
  it('pops in order of `less`, with ties in any order, for 2000 random pushes and pops', () => {
    const random = prng(5)
    const heap = new MinHeap<number>((a, b) => a < b)
    const mirror: number[] = []
    for (let i = 0; i < 2000; i++) {
      if (random() < 0.6) {
        const value = Math.floor(random() * 100)
        heap.push(value)
        mirror.push(value)
      } else {
        mirror.sort((a, b) => a - b)
        expect(heap.peek()).toBe(mirror[0])
        expect(heap.pop()).toBe(mirror.shift())
      }
      expect(heap.size).toBe(mirror.length)
    }
  })

  it('returns undefined when empty', () => {
    const heap = new MinHeap<number>((a, b) => a < b)
    expect(heap.pop()).toBeUndefined()
    expect(heap.peek()).toBeUndefined()
  })
})
