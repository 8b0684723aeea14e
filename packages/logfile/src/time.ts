import { TimeError } from './errors.js'
import { decimalToScaled } from './decimal.js'
import { TIMESTAMP_MAX, TIMESTAMP_MIN } from './record.js'

const NS_PER_MS = 1_000_000n
/** A wall clock further than this from the monotonic estimate was stepped: re-anchor. */
const MAX_DRIFT_NS = 2_000_000n

let anchorWallNs: bigint | undefined
let anchorMonoNs = 0n

function anchor(): void {
  // Wait for the millisecond to tick so the anchor sits on a millisecond boundary.
  const start = Date.now()
  let ms = Date.now()
  while (ms === start) ms = Date.now()
  anchorMonoNs = process.hrtime.bigint()
  anchorWallNs = BigInt(ms) * NS_PER_MS
}

/**
 * The wall clock in integer nanoseconds with sub-millisecond resolution: the
 * monotonic clock anchored to `Date.now()`, re-anchored when the wall clock is stepped.
 */
export function nowNs(): bigint {
  if (anchorWallNs === undefined) anchor()
  const ns = anchorWallNs! + (process.hrtime.bigint() - anchorMonoNs)
  const drift = ns - BigInt(Date.now()) * NS_PER_MS
  if (drift < -MAX_DRIFT_NS || drift > MAX_DRIFT_NS) {
    anchor()
    return anchorWallNs! + (process.hrtime.bigint() - anchorMonoNs)
  }
  return ns
}

export function checkTimestampRange(ns: bigint, what: string): bigint {
  if (ns < TIMESTAMP_MIN || ns > TIMESTAMP_MAX) throw new TimeError(`${what} is outside InfluxDB's time range (years 1677 to 2262)`)
  return ns
}

/**
 * Seconds since the epoch as a float (Python's `time.time()`) to nanoseconds.
 * The float is read as the shortest decimal that identifies it (what Python's
 * `repr` prints), so `1617672549.204824` gives exactly 1617672549204824000n
 * rather than the binary float's 1617672549204823970.
 */
export function secondsToNs(seconds: number): bigint {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new TimeError(`seconds must be a finite number, got ${String(seconds)}`)
  return checkTimestampRange(decimalToScaled(String(seconds), 9)!, `${seconds} s`)
}

/** A `Date` (millisecond resolution) to nanoseconds. */
export function dateToNs(date: Date): bigint {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TimeError(`expected a valid Date, got ${String(date)}`)
  return BigInt(date.getTime()) * NS_PER_MS
}

/** Floor division that rounds towards minus infinity, for negative timestamps. */
export function floorDiv(value: bigint, divisor: bigint): bigint {
  const q = value / divisor
  return value < 0n && q * divisor !== value ? q - 1n : q
}

/** Nanoseconds to a `Date`, rounding down to the millisecond (a Date holds no more). */
export function nsToDate(ns: bigint): Date {
  if (typeof ns !== 'bigint') throw new TimeError(`expected a bigint of nanoseconds, got ${typeof ns}`)
  return new Date(Number(floorDiv(ns, NS_PER_MS)))
}
