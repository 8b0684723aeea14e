import { formatRfc3339, parseRfc3339 } from './rfc3339.js'
import { dateToNs } from './time.js'
import { TIME_UNIT_NAMES, unitThatFits } from './station-times.js'
import type { PlausibleTimes, ReadOptions } from './read-types.js'

/** The reader's options with every time as integer ns (checked once, when the reader is made). */
export interface ResolvedReadOptions extends Omit<ReadOptions, 'since' | 'until' | 'plausible'> {
  since?: bigint
  until?: bigint
  plausible?: PlausibleCheck
}

/** `value` as ns, or undefined; a TypeError or RangeError naming `key` and the value for anything but a bigint, a valid Date or RFC 3339 text. */
function boundNs(value: unknown, key: string): bigint | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'bigint') return value
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError(`${key} is an invalid Date`)
    return dateToNs(value)
  }
  if (typeof value === 'string') {
    try {
      return parseRfc3339(value)
    } catch (error) {
      throw new RangeError(`${key} ${JSON.stringify(value)} is not an RFC 3339 time such as 2024-04-06T01:09:09Z: ${(error as Error).message}`, { cause: error })
    }
  }
  // A number would be read as ns by some and as seconds or ms by others, and above 2^53 it has lost digits.
  const shown = typeof value === 'number' ? `number ${value}` : value === null ? 'null' : typeof value
  throw new TypeError(`${key} must be a bigint of nanoseconds, a Date or an RFC 3339 string, got ${shown} (a number cannot hold ns exactly)`)
}

/** Checks and converts the time options of readLogs / readLogFile (at the call, not at the first read). */
export function resolveReadOptions(options: ReadOptions): ResolvedReadOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`)
  const { since, until, plausible, ...rest } = options
  const resolved: ResolvedReadOptions = rest
  const sinceNs = boundNs(since, 'since')
  const untilNs = boundNs(until, 'until')
  if (sinceNs !== undefined) resolved.since = sinceNs
  if (untilNs !== undefined) resolved.until = untilNs
  if (plausible !== undefined) resolved.plausible = plausibleCheck(plausible)
  return resolved
}

function plausibleCheck(option: PlausibleTimes): PlausibleCheck {
  if (typeof option !== 'object' || option === null) throw new TypeError(`plausible must be { since, until }, got ${option === null ? 'null' : typeof option}`)
  const since = boundNs(option.since, 'plausible.since')
  const until = boundNs(option.until, 'plausible.until')
  if (since === undefined || until === undefined) throw new TypeError(`plausible needs both since and until, got ${since === undefined ? 'no since' : 'no until'}`)
  if (since >= until) throw new RangeError(`plausible.since (${formatRfc3339(since)}) must be before plausible.until (${formatRfc3339(until)})`)
  return new PlausibleCheck(since, until)
}

const YEAR_START = /^(\d{4})-01-01T00:00:00Z$/

/** Decimal integers without leading zeros or -0 (as the readers check timestamps): sign, then length, then digits. */
export function compareDecimal(text: string, bound: string): number {
  const negative = text.charCodeAt(0) === 0x2d
  if (negative !== (bound.charCodeAt(0) === 0x2d)) return negative ? -1 : 1
  const sign = negative ? -1 : 1
  if (text.length !== bound.length) return text.length < bound.length ? -sign : sign
  return text === bound ? 0 : text < bound ? -sign : sign
}

/**
 * The reader option `plausible`: a record whose timestamp is outside
 * [since, until) is a bad line. Checked on the timestamp's digits where the
 * reader has no bigint (no allocation per line); the reason is made only for a
 * line that fails.
 */
export class PlausibleCheck {
  /** The bounds as decimal text, for the checks on digits. */
  readonly sinceText: string
  readonly untilText: string
  /** `1990-2100` for whole years, else the two RFC 3339 times. */
  private readonly label: string

  constructor(
    readonly since: bigint,
    readonly until: bigint,
  ) {
    this.sinceText = since.toString()
    this.untilText = until.toString()
    const from = YEAR_START.exec(formatRfc3339(since))
    const to = YEAR_START.exec(formatRfc3339(until))
    this.label = from !== null && to !== null ? `${from[1]}-${to[1]}` : `${formatRfc3339(since)} to ${formatRfc3339(until)}`
  }

  outside(ns: bigint): boolean {
    return ns < this.since || ns >= this.until
  }

  /** `time`: a decimal integer without leading zeros (as the transcoders check it). */
  outsideText(time: string): boolean {
    return compareDecimal(time, this.sinceText) < 0 || compareDecimal(time, this.untilText) >= 0
  }

  /** Why `time` (decimal ns) is a bad line, with the unit it looks like (the writer's wording). */
  reason(time: bigint | string): string {
    const ns = BigInt(time)
    // Never ns itself: the time is outside.
    const unit = unitThatFits(ns, this)
    return `timestamp ${ns} (ns) is outside ${this.label}${unit === undefined ? '' : `; this looks like ${TIME_UNIT_NAMES[unit]}`}`
  }
}
