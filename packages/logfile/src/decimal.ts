// Exact decimal text -> scaled bigint, with no detour through a binary float.

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/**
 * Converts decimal text (`"1617672549.204824"`, `"-1.5e-7"`) to an integer in
 * units of 10^-scale, rounding half away from zero. Returns undefined when the
 * text is not a decimal number.
 */
export function decimalToScaled(text: string, scale: number): bigint | undefined {
  const match = DECIMAL.exec(text)
  if (match === null) return undefined
  const [, sign, whole = '', fraction = '', exponent = '0'] = match
  if (whole === '' && fraction === '') return undefined
  const digits = BigInt(whole + fraction || '0')
  const shift = Number(exponent) - fraction.length + scale
  let result: bigint
  if (shift >= 0) {
    result = digits * 10n ** BigInt(shift)
  } else {
    const divisor = 10n ** BigInt(-shift)
    result = digits / divisor
    if ((digits % divisor) * 2n >= divisor) result += 1n
  }
  return sign === '-' ? -result : result
}
