// Numbers from decimal digits already checked as bytes (jsonl-byte-match.ts),
// without making a string to parse where exact arithmetic gives the same
// result: parsing a string (Number(), BigInt()) costs about 100 ns here, the
// arithmetic below a third of that or less. (For text in a string, V8's own
// regular expressions and BigInt() measured faster than a loop of charCodeAt.)
import { MINUS, NINE, POINT, ZERO } from './number-chars.js'

/** Digits that a double holds exactly (10^15 < 2^53). */
const EXACT_DIGITS = 15

/** 10^0 to 10^22: each a double exactly. */
const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i)

/**
 * The value of the JSON number at bytes [from, end) when it has no exponent and
 * at most 15 digits: exactly Number(text) (the digits and the power of ten are
 * each exact doubles, so the one division rounds once, as Number() does).
 * NaN for any other number: parse its text instead.
 */
export function shortFloat(b: Uint8Array, from: number, end: number): number {
  const negative = b[from] === MINUS
  let digits = 0
  let value = 0
  let point = -1
  for (let i = negative ? from + 1 : from; i < end; i++) {
    const c = b[i]!
    if (c === POINT) point = i
    else if (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO)
      digits++
    } else return Number.NaN
  }
  if (digits > EXACT_DIGITS) return Number.NaN
  if (point >= 0) value /= POWERS[end - point - 1]!
  return negative ? -value : value
}

/**
 * A bigint is made from 64 bits written to these words: reading a BigInt64Array
 * element costs a third of BigInt(number) or a bigint sum here, and needs no
 * sum of bigints for the numbers beyond 2^53 (nanosecond timestamps).
 */
const words = new Uint32Array(2)
const signed = new BigInt64Array(words.buffer)
const unsigned = new BigUint64Array(words.buffer)
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1
const HIGH = 1 - LOW
const TWO_16 = 65536
const TWO_32 = 4294967296

/**
 * The value of the decimal integer at bytes [from, end): an optional minus,
 * then at most 20 digits, whose value fits in 64 bits, as integerEnd() in
 * jsonl-byte-match.ts checked them (int64 with a minus, else uint64).
 */
export function decimalBigInt(b: Uint8Array, from: number, end: number): bigint {
  const negative = b[from] === MINUS
  const start = negative ? from + 1 : from
  if (end - start <= EXACT_DIGITS) return bigintOf(negative, 0, digitsValue(b, start, end))
  return bigintOf(negative, digitsValue(b, start, end - 9), digitsValue(b, end - 9, end))
}

/**
 * The bigint of head * 10^9 + tail, negated with `negative`: exact integers
 * with head < 10^11 and tail < 2^50, whose value fits in 64 bits (at most
 * 2^63 with `negative`).
 */
export function bigintOf(negative: boolean, head: number, tail: number): bigint {
  // In 16- and 32-bit parts, each sum exact in a double. The parts are split
  // with Math.floor of a division by a power of two (both exact): `%` on
  // doubles is a call to fmod in V8's compiled code, several times slower.
  const headHigh = Math.floor(head / TWO_16)
  const headLow = head - headHigh * TWO_16
  const upper = headHigh * 1e9 // < 2^21 * 10^9 < 2^51, in units of 2^16
  const upperHigh = Math.floor(upper / TWO_16)
  const sum = (upper - upperHigh * TWO_16) * TWO_16 + headLow * 1e9 + tail // < 2^32 + 2^46 + 2^50
  const sumHigh = Math.floor(sum / TWO_32)
  const low = sum - sumHigh * TWO_32
  const high = upperHigh + sumHigh
  if (!negative) {
    words[LOW] = low
    words[HIGH] = high
    return unsigned[0]!
  }
  // Two's complement of the magnitude (at most 2^63), read as a signed 64-bit integer.
  if (low === 0) {
    words[LOW] = 0
    words[HIGH] = high === 0 ? 0 : TWO_32 - high
  } else {
    words[LOW] = TWO_32 - low
    words[HIGH] = TWO_32 - 1 - high
  }
  return signed[0]!
}

/** The digits [from, end) as a number (at most 15 of them: exact). */
function digitsValue(b: Uint8Array, from: number, end: number): number {
  let value = 0
  for (let i = from; i < end; i++) value = value * 10 + (b[i]! - ZERO)
  return value
}
