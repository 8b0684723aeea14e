// Powers of ten as double-doubles (high + low, about 106 bits), for exact
// arithmetic on decimals without BigInt on the hot path (printed-float.ts).

/** Veltkamp's constant for splitting a double into two 26-bit halves (Dekker's exact product). */
export const SPLIT = 134217729

/** The range of m powerOfTen() takes: below 10^-280 the low part would come near the subnormal doubles and lose bits. */
export const MIN_POWER = -280
export const MAX_POWER = 300

const made: (Float64Array | undefined)[] = new Array(MAX_POWER - MIN_POWER + 1).fill(undefined)

/**
 * 10^m (MIN_POWER <= m <= MAX_POWER) as `[high, low, highUpper, highLower]`: high is 10^m
 * rounded to a double, low what is left of it rounded to a double, and high
 * split into halves of 26 bits for an exact product. Made with BigInt when
 * first asked for, then kept.
 */
export function powerOfTen(m: number): Float64Array {
  let p = made[m - MIN_POWER]
  if (p !== undefined) return p
  let high: number
  let low: number
  if (m >= 0) {
    const exact = 10n ** BigInt(m)
    high = Number(exact)
    low = Number(exact - BigInt(high))
  } else {
    // high = mantissa * 2^-shift exactly; low = 10^m - high = (2^shift - mantissa * 10^-m) / (10^-m * 2^shift).
    high = Number(`1e${m}`)
    let shift = 0
    let mantissa = high
    while (!Number.isInteger(mantissa)) {
      mantissa *= 2
      shift++
    }
    const tens = 10n ** BigInt(-m)
    const numerator = (1n << BigInt(shift)) - BigInt(mantissa) * tens
    const denominator = tens << BigInt(shift)
    // Scale so that the quotient keeps some 120 bits, then undo the scale in two steps (each a normal double).
    const scale = Math.ceil(-m * Math.log2(10)) + 180
    const quotient = Number((numerator << BigInt(scale)) / denominator)
    low = quotient * 2 ** -Math.ceil(scale / 2) * 2 ** -Math.floor(scale / 2)
  }
  const c = SPLIT * high
  const upper = c - (c - high)
  p = Float64Array.of(high, low, upper, high - upper)
  made[m - MIN_POWER] = p
  return p
}
