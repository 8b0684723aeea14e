import { describe, expect, it } from 'vitest'
import { decimalToScaled } from './decimal.js'

describe('decimalToScaled', () => {
  it.each([
    ['1.5', 9, 1500000000n],
    ['-1.5e-7', 9, -150n],
    ['1e21', 0, 1000000000000000000000n],
    ['.5', 1, 5n],
    ['0.15', 1, 2n],
    ['-0.15', 1, -2n],
    ['0.149', 1, 1n],
  ])('%s at scale %i is %s', (text, scale, expected) => {
    expect(decimalToScaled(text, scale)).toBe(expected)
  })

  it('returns undefined for text that is not a decimal', () => {
    for (const bad of ['', '.', '1.2.3', 'abc', '1e', 'NaN']) expect(decimalToScaled(bad, 9)).toBeUndefined()
  })
})
