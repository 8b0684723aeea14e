/** Decimal limits as text: for digit strings of equal length, string order is numeric order. */
export interface DecimalLimits {
  /** Digits of the lowest value without its minus sign ('' when the lowest is 0). */
  min: string
  max: string
}

export const decimalLimits = (min: bigint, max: bigint): DecimalLimits => ({ min: min < 0n ? (-min).toString() : '', max: max.toString() })
