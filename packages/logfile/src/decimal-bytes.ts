// Numbers from decimal text already checked as bytes (jsonl-byte-match.ts),
// without making a string to parse where exact arithmetic gives the same
// result: parsing a string (Number(), BigInt()) costs about 100 ns here, the
// arithmetic below a third of that or less.
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

/** The last bigint made by decimalBigInt() for the digits before its last nine, and those digits as a number. */
let lastHead = -1
let lastHeadValue = 0n

/**
 * The value of the decimal integer at bytes [from, end) (an optional minus,
 * then digits, as integerEnd() in jsonl-byte-match.ts checked them). Up to 15
 * digits from a number; longer ones, such as nanosecond timestamps, as
 * head * 10^9 + tail, with the head's bigint kept for the next call (times in a
 * logfile share their seconds with their neighbours).
 */
export function decimalBigInt(b: Uint8Array, from: number, end: number): bigint {
  const negative = b[from] === MINUS
  const start = negative ? from + 1 : from
  let value: bigint
  if (end - start <= EXACT_DIGITS) {
    value = BigInt(digitsValue(b, start, end))
  } else {
    const head = digitsValue(b, start, end - 9)
    if (head !== lastHead) {
      lastHeadValue = BigInt(head) * 1_000_000_000n
      lastHead = head
    }
    value = lastHeadValue + BigInt(digitsValue(b, end - 9, end))
  }
  return negative ? -value : value
}

/** The digits [from, end) as a number (at most 15 of them: exact). */
function digitsValue(b: Uint8Array, from: number, end: number): number {
  let value = 0
  for (let i = from; i < end; i++) value = value * 10 + (b[i]! - ZERO)
  return value
}
