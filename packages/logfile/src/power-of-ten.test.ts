import { describe, expect, it } from 'vitest'
import { MAX_POWER, MIN_POWER, powerOfTen } from './power-of-ten.js'

/** A finite double as an exact fraction numerator / 2^shift. */
function exact(x: number): { numerator: bigint; shift: number } {
  let shift = 0
  let mantissa = x
  while (!Number.isInteger(mantissa)) {
    mantissa *= 2
    shift++
  }
  return { numerator: BigInt(mantissa), shift }
}

describe('powerOfTen', () => {
  it('gives 10^m as high + low within 2^-100 of its size, high being 10^m rounded, for every m from -280 to 300', () => {
    for (let m = MIN_POWER; m <= MAX_POWER; m++) {
      const [high, low, upper, lower] = powerOfTen(m)
      expect(high).toBe(Number(`1e${m}`))
      // |high + low - 10^m| * 2^100 < 10^m, all scaled by 2^shift (and by 10^-m when m < 0) to integers.
      const h = exact(high!)
      const l = exact(low!)
      const shift = Math.max(h.shift, l.shift)
      const sum = (h.numerator << BigInt(shift - h.shift)) + (l.numerator << BigInt(shift - l.shift))
      const ten = 10n ** BigInt(Math.abs(m))
      const [approx, truth] = m >= 0 ? [sum, ten << BigInt(shift)] : [sum * ten, 1n << BigInt(shift)]
      const error = approx > truth ? approx - truth : truth - approx
      expect(error << 100n < truth, `m = ${m}`).toBe(true)
      // The halves add up to high, and each fits in 26 bits.
      expect(upper! + lower!).toBe(high)
      expect(Math.abs(upper! / 2 ** Math.floor(Math.log2(Math.abs(upper!)) - 26)) % 1).toBe(0)
    }
  })

  it('hands out the same table entry again', () => {
    expect(powerOfTen(-17)).toBe(powerOfTen(-17))
  })
})
