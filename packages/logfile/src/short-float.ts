// A float's JSON text that is certainly what String(Number(text)) prints, found
// by looking at its characters only (no parse, no print: together they are most
// of the cost of turning a JSONL line into line protocol).
//
// Any decimal of at most 15 significant digits survives a round trip through a
// double (DBL_DIG), so two such decimals never give the same double: for one
// with no trailing zero after its point, no shorter decimal gives its double,
// and JS's shortest round-trip printing gives back exactly its digits. Of the
// layouts JS prints, only the plain ones count here: an integer of at most 21
// digits, `d.ddd`, and `0.ddd` with at most five zeros after the point (JS
// writes smaller numbers with an exponent). Everything else (an exponent, 16
// or 17 digits, -0, a leading zero, a trailing zero after the point) returns
// false and goes to the check of printed-float.ts (one parse, no printing),
// or, where that cannot decide, is parsed and printed.

import { isDigit, MINUS, POINT, ZERO } from './number-chars.js'

const MAX_DIGITS = 15
const MAX_INTEGER_DIGITS = 21
const MAX_LEADING_ZEROS = 5

/** True when `text[from, end)` is a float exactly as JS prints it, with at most 15 significant digits. */
export function isShortPrintedFloat(text: string, from: number, end: number): boolean {
  const negative = text.charCodeAt(from) === MINUS
  const intStart = negative ? from + 1 : from
  let i = intStart
  while (i < end && isDigit(text.charCodeAt(i))) i++
  const intDigits = i - intStart
  if (intDigits === 0 || intDigits > MAX_INTEGER_DIGITS) return false
  const zeroInteger = text.charCodeAt(intStart) === ZERO
  if (zeroInteger && intDigits > 1) return false
  if (i === end) {
    // An integer: "0" (not "-0", which JS prints as "0"), or digits whose trailing zeros are not significant.
    if (zeroInteger) return !negative
    let last = end
    while (text.charCodeAt(last - 1) === ZERO) last--
    return last - intStart <= MAX_DIGITS
  }
  if (text.charCodeAt(i) !== POINT) return false
  const fracStart = ++i
  while (i < end && isDigit(text.charCodeAt(i))) i++
  if (i !== end || i === fracStart || text.charCodeAt(end - 1) === ZERO) return false
  if (!zeroInteger) return intDigits + (end - fracStart) <= MAX_DIGITS
  let first = fracStart
  while (text.charCodeAt(first) === ZERO) first++
  return first - fracStart <= MAX_LEADING_ZEROS && end - first <= MAX_DIGITS
}
