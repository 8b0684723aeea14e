// Numbers in text (CSV cells), as csv2lp's datatypes take them. Integers become
// bigints from their digits and bigintOf() (decimal-digits.ts): for a value of a
// few digits that costs about half of BigInt(string); for a 19-digit nanosecond
// time about the same (0.1 µs), as a character of a string costs about 2.5 ns to
// read here. Checking the digits as they are summed leaves no second pass.
import { FLOAT } from './csv-plan.js'
import { bigintOf } from './decimal-digits.js'
import { MINUS, NINE, PLUS, POINT, ZERO } from './number-chars.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX } from './record.js'

/**
 * What an integer cell may hold, after csv2lp's datatypes: `signed` (long: an
 * optional + or -, int64), `unsigned` (unsignedLong: an optional +, uint64) or
 * `time` (dateTime:number: an optional -, InfluxDB's timestamp range).
 */
export type IntegerKind = 'signed' | 'unsigned' | 'time'

/**
 * The digits of the largest value of each kind (and sign), split as bigintOf()
 * takes them: the digits before the last nine, and the last nine.
 */
const LIMITS = {
  signed: { digits: 19, head: 9223372036, tail: 854775807, negativeTail: 854775808, min: INT64_MIN, max: INT64_MAX },
  unsigned: { digits: 20, head: 18446744073, tail: 709551615, negativeTail: 0, min: 0n, max: UINT64_MAX },
  time: { digits: 19, head: 9223372036, tail: 854775806, negativeTail: 854775806, min: TIMESTAMP_MIN, max: TIMESTAMP_MAX },
} as const

/** The value of the digits [from, end) of `text` (exact for at most 15), or -1 when one is not a digit. */
function digitsOf(text: string, from: number, end: number): number {
  let value = 0
  for (let i = from; i < end; i++) {
    const d = text.charCodeAt(i) - ZERO
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
}

/**
 * The integer `text.slice(from, end)` writes, as a cell of `kind` holds it: an
 * optional sign, then one or more ASCII digits (leading zeros allowed), with a
 * value in the kind's range. Undefined for anything else.
 */
export function integerOfText(text: string, from: number, end: number, kind: IntegerKind): bigint | undefined {
  const first = text.charCodeAt(from)
  const negative = first === MINUS && kind !== 'unsigned'
  const start = negative || (first === PLUS && kind !== 'time') ? from + 1 : from
  const count = end - start
  if (count <= 0) return undefined
  if (count <= 15) {
    const value = digitsOf(text, start, end)
    return value < 0 ? undefined : bigintOf(negative, 0, value)
  }
  const limit = LIMITS[kind]
  if (count <= limit.digits) {
    const head = digitsOf(text, start, end - 9)
    const tail = digitsOf(text, end - 9, end)
    if (head < 0 || tail < 0) return undefined
    if (count === limit.digits && (head > limit.head || (head === limit.head && tail > (negative ? limit.negativeTail : limit.tail)))) return undefined
    return bigintOf(negative, head, tail)
  }
  // More digits than the largest value has: leading zeros, or out of range. Rare, so BigInt() it is,
  // once the digits are checked (their inexact sum does not matter).
  if (digitsOf(text, start, end) < 0) return undefined
  const value = BigInt(text.slice(from, end))
  return value >= limit.min && value <= limit.max ? value : undefined
}

/** 10^0 to 10^22: each a double exactly. */
const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i)
const TWO_53 = 2 ** 53

/**
 * The finite double `text.slice(from, end)` writes as a `double` cell: an
 * optional sign, digits with an optional point (at least one digit), an optional
 * exponent; NaN for anything else, or for a value beyond the double range.
 */
export function floatOfText(text: string, from: number, end: number): number {
  // Digits below 2^53 with a point and no exponent: the digits and the power of
  // ten are exact doubles, so the one division rounds once, as Number() does.
  let i = from
  const first = text.charCodeAt(i)
  if (first === MINUS || first === PLUS) i++
  let value = 0
  let digits = 0
  let point = -1
  for (; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO)
      digits++
    } else if (c === POINT && point < 0) point = i
    else break
  }
  if (i === end && digits > 0) {
    const scale = point < 0 ? 0 : end - point - 1
    if (value < TWO_53 && scale < POWERS.length) {
      value /= POWERS[scale]!
      return first === MINUS ? -value : value
    }
    // A sign, digits and at most one point, as the loop found: text that FLOAT matches and
    // Number() reads, only too long for one division (such as the 17 digits of many floats).
    return finite(Number(text.slice(from, end)))
  }
  return parsedFloat(text, from, end)
}

/** `value`, or NaN for an infinity (a text of more than 308 digits before the point). */
const finite = (value: number): number => (value - value === 0 ? value : Number.NaN)

/** floatOfText() for any other text: the general path's check of a `double` cell (csv-plan.ts), then Number(). */
function parsedFloat(text: string, from: number, end: number): number {
  const cell = text.slice(from, end)
  return FLOAT.test(cell) ? finite(Number(cell)) : Number.NaN
}
