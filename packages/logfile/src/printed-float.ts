// Whether a float's JSON text is exactly what String(Number(text)) prints,
// decided with one parse and a little exact arithmetic instead of printing the
// number again: printing a 16- or 17-digit double (V8's shortest round-trip
// conversion) costs about three times as much as parsing it, and most floats a
// station logs (sensor readings, Math.sin-like values) have 16 or 17 digits.
//
// JS prints a double x > 0 as the decimal s * 10^(n - k) with k digits
// (ECMAScript Number::toString): k as small as possible such that the decimal
// parses back to x; among those, the one closest to x. Then a layout that
// depends only on k and n. So a text with k significant digits D and decimal
// exponent q (its value d = D * 10^q) is what JS prints for x = Number(text) if
// and only if
//   (a) its layout is the one JS uses for k and n = q + k, with no trailing zero
//       in D;
//   (b) no decimal of fewer digits parses to x; and
//   (c) no other decimal of k digits is closer to x than d.
// For k <= 15, (b) and (c) always hold: two decimals of at most 15 significant
// digits never parse to the same double (DBL_DIG). For k = 16 or 17 they are
// checked in units of the last digit, y = x * 10^-q, computed in double-double
// arithmetic (error below 1e-13 of a unit): (c) holds when |D - y| < 1/2, and
// (b) when both k-1 digit decimals next to y, the multiples of ten around D,
// lie farther from y than half a unit in the last place of x (such a decimal
// would parse to x). Whatever is within a small margin of a bound, or outside
// the ranges where the reasoning above is simple (a power of two, whose
// rounding interval is lopsided; magnitudes beyond 1e+/-250; a text within
// 1e-7 of a power of ten), returns false, and the caller prints the number to
// compare, as before. False therefore means "not known to be printed as JS
// prints it", never "certainly not". A plain float (no exponent) of at most 15
// digits needs no parse at all: its layout alone decides (isShortPrintedFloat).

import { isDigit, LOWER_E, MINUS, NINE, PLUS, POINT, ZERO } from './number-chars.js'
import { powerOfTen, SPLIT } from './power-of-ten.js'

/** Slack for rounding in the double-double arithmetic, in units of the last digit (the error is below 1e-13). */
const MARGIN = 1e-6
/**
 * |x| outside [MIN_MAGNITUDE, MAX_MAGNITUDE]: not decided here. This keeps every
 * intermediate a normal double, and 10^-q within powerOfTen()'s range (-235 to 266).
 */
const MIN_MAGNITUDE = 1e-250
const MAX_MAGNITUDE = 1e250

const bits = new Float64Array(1)
const words = new Uint32Array(bits.buffer)
/** Index of the word holding the sign, the exponent and the top of the mantissa. */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
const LOW = 1 - HIGH

/** The significant digits readLayout() read: the first nine in `high`, the rest in `low`. */
let high = 0
let low = 0
let lowDigits = 0
let lastDigit = 0

/** Set by readLayout(): n as in s * 10^(n - k), and whether the text is in exponent form. */
let n = 0
let exponential = false

/**
 * k, the number of significant digits, when `text[from, end)` is laid out as
 * JS prints a number of k digits (condition (a)); -1 when it is not. Reads the
 * digits into high / low and sets n and exponential. It does not read "0".
 * One loop, with its state in locals: passes through a helper and module
 * variables cost about half as much again.
 */
function readLayout(text: string, from: number, end: number): number {
  let h = 0
  let l = 0
  let lDigits = 0
  let last = 0
  exponential = false
  let i = text.charCodeAt(from) === MINUS ? from + 1 : from
  // 0.000ddd: the zeros after the point are not significant (n = -zeros).
  const belowOne = i < end && text.charCodeAt(i) === ZERO
  let point = -1
  let zeros = 0
  if (belowOne) {
    if (text.charCodeAt(i + 1) !== POINT) return -1
    point = i + 1
    i += 2
    const zerosFrom = i
    while (i < end && text.charCodeAt(i) === ZERO) i++
    zeros = i - zerosFrom
  }
  // The significant digits, and a point among them (one only).
  const first = i
  let c = 0
  for (; i < end; i++) {
    c = text.charCodeAt(i)
    if (c === POINT && point < 0) {
      point = i
      continue
    }
    const digit = c - ZERO
    if (digit < 0 || digit > 9) break
    if (h < 100_000_000) h = h * 10 + digit
    else {
      l = l * 10 + digit
      lDigits++
    }
    last = digit
  }
  high = h
  low = l
  lowDigits = lDigits
  lastDigit = last
  if (belowOne) {
    n = -zeros
    if (n <= -6 || i !== end || i === first || last === 0) return -1
    return end - first
  }
  const integerDigits = (point < 0 ? i : point) - first
  const fraction = point < 0 ? 0 : i - point - 1
  // No digit before the point, none after it, or a fraction ending in 0.
  if (integerDigits === 0 || (point >= 0 && (fraction === 0 || last === 0))) return -1
  if (i === end) {
    if (integerDigits > 21) return -1
    n = integerDigits
    if (point >= 0) return integerDigits + fraction // d.ddd
    // An integer of at most 21 digits; its trailing zeros are not significant (nor part of D).
    let lastAt = end - 1
    while (text.charCodeAt(lastAt) === ZERO) lastAt--
    const k = lastAt - first + 1
    if (k >= 16 && k < integerDigits) {
      // low holds the digits after the ninth, zeros included (at most 12 digits: exact).
      const trailing = integerDigits - k
      low /= 10 ** trailing
      lowDigits -= trailing
      lastDigit = low % 10
    }
    return k
  }
  // d[.ddd]e+m or d[.ddd]e-m: one digit before the point, an exponent JS would use.
  if (integerDigits !== 1 || c !== LOWER_E) return -1
  const sign = text.charCodeAt(i + 1)
  if (sign !== PLUS && sign !== MINUS) return -1
  i += 2
  const exponentFrom = i
  if (text.charCodeAt(i) === ZERO) return -1
  let exponent = 0
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - ZERO
    if (digit < 0 || digit > 9) break
    exponent = exponent * 10 + digit
  }
  if (i !== end || i === exponentFrom || i - exponentFrom > 3) return -1
  n = sign === PLUS ? 1 + exponent : 1 - exponent
  if (n > -6 && n <= 21) return -1
  exponential = true
  return 1 + fraction
}

/** `text[from, end)` is "0" (JS prints -0 as "0" too, so "-0" is not). */
const isZero = (text: string, from: number, end: number): boolean => end === from + 1 && text.charCodeAt(from) === ZERO

/** Conditions (b) and (c) for the k digits readLayout() just read, x being their value. */
function decided(k: number, value: number): boolean {
  const magnitude = Math.abs(value)
  if (!(magnitude >= MIN_MAGNITUDE && magnitude <= MAX_MAGNITUDE) || k > 17) return false
  return k <= 15 || closestAndShortest(k, n - k, value)
}

/**
 * True when `text[from, end)` is certainly what `String(value)` prints, where
 * `value` is `Number(text.slice(from, end))`; false when it is not, or when
 * that is not decided here (see the top of this file).
 */
export function isPrintedAs(text: string, from: number, end: number, value: number): boolean {
  const k = readLayout(text, from, end)
  return k > 0 && decided(k, value)
}

/**
 * True when `text[from, end)` is a plain float (no exponent) of at most 15
 * significant digits exactly as JS prints it, found by its characters alone,
 * without parsing it: plain layouts hold numbers from 1e-6 to 1e21, where any
 * decimal of at most 15 digits is the only one of its length or shorter that
 * gives its double, so (b) and (c) hold.
 */
export function isShortPrintedFloat(text: string, from: number, end: number): boolean {
  if (isZero(text, from, end)) return true
  const k = readLayout(text, from, end)
  return k > 0 && k <= 15 && !exponential
}

/**
 * True when `text[from, end)` (its characters are `slice`, sliced here when
 * not given) is certainly what String(Number(slice)) prints: a plain float of
 * at most 15 digits by its characters alone, any other with one parse and the
 * check above. The layout is read once for both.
 */
export function isPrintedFloat(text: string, from: number, end: number, slice?: string): boolean {
  if (isZero(text, from, end)) return true
  const k = readLayout(text, from, end)
  if (k <= 0) return false
  if (k <= 15 && !exponential) return true
  // Most texts are decided without parsing them: with the double computed from their digits, once proven to be the one they parse to.
  if (n >= MIN_N && n <= MAX_N && (k <= 15 || (k <= 17 && closestAndShortest(k, n - k, nearestValue(n - k), true)))) return true
  return decided(k, Number(slice ?? text.slice(from, end)))
}

/**
 * Texts with n from MIN_N to MAX_N lie between 1e-249 and 1e249, inside
 * [MIN_MAGNITUDE, MAX_MAGNITUDE] whatever their digits.
 */
const MIN_N = -248
const MAX_N = 249

/**
 * The double nearest to D * 10^q for the 16 or 17 digits just read, computed
 * from them (D * 10^q in double-double, rounded once): off only where D * 10^q
 * lies next to a tie between two doubles, which closestAndShortest(..., true) rejects.
 */
function nearestValue(q: number): number {
  const p = powerOfTen(q)
  const ph = p[0]!
  const upperScaled = high * LOW_SCALE[lowDigits]!
  const c = SPLIT * upperScaled
  const upper = c - (c - upperScaled)
  const lower = upperScaled - upper
  const product = upperScaled * ph
  const productError = upper * p[2]! - product + upper * p[3]! + lower * p[2]! + lower * p[3]!
  return product + (productError + upperScaled * p[1]! + low * ph + low * p[1]!)
}

/** 10^7 and 10^8, by how many digits `low` holds. */
const LOW_SCALE = [0, 0, 0, 0, 0, 0, 0, 1e7, 1e8]

/**
 * Conditions (b) and (c) for the k = 16 or 17 digits just read (high, low), the
 * text's value being D * 10^q, and `value` the double it parses to. With
 * `proveValue`, `value` is only a candidate (nearestValue()): it must also lie
 * within half a unit in its last place of D * 10^q (so it is the double the
 * text parses to), else false.
 */
function closestAndShortest(k: number, q: number, value: number, proveValue = false): boolean {
  // Within 1e-7 of a power of ten, neighbouring decimals may have another number of digits.
  const top = Math.floor(high / 10)
  if (top === 10_000_000 || top === 99_999_999) return false
  const x = Math.abs(value)
  bits[0] = x
  const exponentBits = words[HIGH]! >>> 20
  // A power of two: its rounding interval is narrower below than above.
  // (Both words read every time: a branch first taken after V8 optimized the code would throw that code away.)
  if (((words[HIGH]! & 0xfffff) | words[LOW]!) === 0) return false
  const p = powerOfTen(-q)
  const ph = p[0]!
  const pl = p[1]!
  const phUpper = p[2]!
  const phLower = p[3]!
  // y = x * 10^-q: the product with ph exactly (Dekker), plus x * pl.
  const c = SPLIT * x
  const xUpper = c - (c - x)
  const xLower = x - xUpper
  const product = x * ph
  const productError = xUpper * phUpper - product + xUpper * phLower + xLower * phUpper + xLower * phLower
  const yLow = productError + x * pl
  // r = D - y, D = high * 10^lowDigits + low: high's part is exact (high * 5^8 < 2^53) and within
  // a factor of two of product (so their difference is exact); the rest is small.
  const r = high * LOW_SCALE[lowDigits]! - product + low - yLow
  // (c): D is the nearest integer to y.
  if (!(Math.abs(r) < 0.5 - MARGIN)) return false
  // (b): half a unit in the last place of x is 2^(exponentBits - 1076), in units of the last digit.
  words[HIGH] = (exponentBits - 53) << 20
  words[LOW] = 0
  const halfUnit = bits[0]! * ph
  // x is the double nearest to D * 10^q when it lies closer than half a unit in its last place.
  if (proveValue && !(Math.abs(r) < halfUnit * (1 - 1e-9) - MARGIN)) return false
  const halfUlp = halfUnit * (1 + 1e-9) + MARGIN
  // y lies t above the multiple of ten below D (t in (0.5, 9.5), as D does not end in 0) and 10 - t below the next.
  const t = lastDigit - r
  return t > halfUlp && 10 - t > halfUlp
}

/**
 * Texts that take every branch of isPrintedFloat(), run through it once at
 * load. V8 optimizes a function, and the compiled JSONL transcoders it is
 * inlined into, from what the calls so far did; a branch no call has taken has
 * no type feedback, and the first text to reach it later throws the optimized
 * code away ("insufficient type feedback"), the transcoder's with it, which
 * then runs unoptimized until compiled again. In a replay of 1 M lines of
 * 16-17 digit floats a few texts near a power of ten or two did that, at a
 * cost of a second compile of the transcoder (about 40 ms) and the lines read
 * meanwhile. V8 keeps feedback only from about the eighth call of a function
 * on, hence the rounds. The results are not used: isPrintedFloat is pure.
 */
const BRANCHES = ['0', '-1.5', '0.000123', '1.50', '1e+21', '1e-7', '8.414709848078964e-8', '1.0000000000000002', '4503599627370496', '0.10000000000000000555', '1e-300']
for (let round = 0; round < 12; round++) for (const text of BRANCHES) isPrintedFloat(text, 0, text.length)
