// The `plausible` check on a timestamp's digits as the byte transcoders hold
// them (decimal, no leading zeros, no -0), made for the code compiled per
// JSONL shape (jsonl-bytes-to-lp-code.ts): in the usual case it decides by the
// first digit and the count of digits alone, which the compiled code has at
// hand once it has read the time, so a line costs no call and no scan.
import { MINUS, ZERO } from './number-chars.js'

/** Decimal integers as the transcoder checked them (no leading zeros, no -0): sign, then length, then digits. */
export function compareTime(b: Uint8Array, from: number, to: number, bound: string): number {
  const negative = b[from] === MINUS
  if (negative !== (bound.charCodeAt(0) === MINUS)) return negative ? -1 : 1
  const sign = negative ? -1 : 1
  if (to - from !== bound.length) return to - from < bound.length ? -sign : sign
  for (let i = 0; i < bound.length; i++) {
    const d = b[from + i]! - bound.charCodeAt(i)
    if (d !== 0) return d < 0 ? -sign : sign
  }
  return 0
}

/**
 * The plausible times [since, until) as decimal text, and what decides most
 * times at once: a positive time (first digit above 0) of `n` digits, the
 * first `d`, is inside when (n > sinceDigits or n = sinceDigits and d >
 * sinceFirst) and (n < untilDigits or n = untilDigits and d < untilFirst).
 * Any other time is compared in full (outsideDigits()).
 */
export interface PlausibleDigits {
  readonly since: string
  readonly until: string
  readonly sinceDigits: number
  readonly sinceFirst: number
  readonly untilDigits: number
  readonly untilFirst: number
}

export function plausibleDigits(since: string, until: string): PlausibleDigits {
  // A negative since is below every positive time: any count of digits is above it.
  const sinceNegative = since.charCodeAt(0) === MINUS
  // A negative or zero until is above no positive time: no count of digits is below it.
  const untilPositive = until.charCodeAt(0) > ZERO
  return {
    since,
    until,
    sinceDigits: sinceNegative ? 0 : since.length,
    sinceFirst: sinceNegative ? 0 : since.charCodeAt(0),
    untilDigits: untilPositive ? until.length : 0,
    untilFirst: untilPositive ? until.charCodeAt(0) : 0,
  }
}

/** True when the time [from, to) of `b` is outside `p`: compared in full. */
export function outsideDigits(b: Uint8Array, from: number, to: number, p: PlausibleDigits): boolean {
  return compareTime(b, from, to, p.since) < 0 || compareTime(b, from, to, p.until) >= 0
}
