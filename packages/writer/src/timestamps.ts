import { dateToNs, parseRfc3339, STATION_TIMES, TIME_UNIT_NAMES, unitThatFits } from '@eht-influx-client/logfile'

/** The unit of `number` timestamps (and of line-protocol timestamps given to writeRecord). */
export type TimestampUnit = 's' | 'ms' | 'us' | 'ns'

/** Any value a timestamp may be given as. */
export type TimestampInput = bigint | string | number | Date

const DIGITS: Readonly<Record<TimestampUnit, number>> = { s: 9, ms: 6, us: 3, ns: 0 }
/** Plausible station data: 1990-01-01 to 2100-01-01 (UTC), in ns (logfile's STATION_TIMES). */
export const PLAUSIBLE_MIN_NS = STATION_TIMES.since
export const PLAUSIBLE_MAX_NS = STATION_TIMES.until

/** A timestamp problem; the caller adds the row and column. */
export class TimestampProblem extends Error {}

/** `1617672549.204824` (as String() prints the number) scaled by 10^digits, exactly; undefined if it is not a plain decimal. */
function scaleDecimal(text: string, digits: number): bigint | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text)
  if (match === null) return undefined
  const fraction = match[3] ?? ''
  if (fraction.length > digits) return undefined
  const scaled = BigInt(match[2]! + fraction.padEnd(digits, '0'))
  return match[1] === '-' ? -scaled : scaled
}

/** Multiplies integer `value` in `unit` to ns. */
export function scaleToNs(value: bigint, unit: TimestampUnit): bigint {
  return value * 10n ** BigInt(DIGITS[unit])
}

/** Which other unit would make `raw` (a whole number in `given`, not plausible in it) a plausible time, as advice. */
function hint(raw: bigint, given: TimestampUnit, isNumber: boolean): string {
  const unit = unitThatFits(raw)
  if (unit === undefined || unit === given) return ''
  const advice = isNumber ? `set timestampUnit: '${unit}'` : `pass nanoseconds, or a number with timestampUnit: '${unit}'`
  return `; this looks like ${TIME_UNIT_NAMES[unit]}; ${advice}`
}

/** Throws a TimestampProblem for a time outside 1990-2100 (a wrong unit, most likely). */
export function checkPlausible(ns: bigint, shown: () => string, raw: bigint = ns, given: TimestampUnit = 'ns', isNumber = false): bigint {
  if (ns < PLAUSIBLE_MIN_NS || ns >= PLAUSIBLE_MAX_NS) {
    throw new TimestampProblem(`timestamp ${shown()} is outside 1990-2100${hint(raw, given, isNumber)}`)
  }
  return ns
}

function fromNumber(value: number, unit: TimestampUnit): bigint {
  if (!Number.isFinite(value)) throw new TimestampProblem(`timestamp is ${value}`)
  if (Number.isSafeInteger(value)) return scaleToNs(BigInt(value), unit)
  const exact = Math.abs(value) < Number.MAX_SAFE_INTEGER ? scaleDecimal(String(value), DIGITS[unit]) : undefined
  if (exact !== undefined) return exact
  if (Number.isInteger(value)) {
    throw new TimestampProblem(`timestamp ${value} is a number above 2^53, which has already lost digits; pass a bigint (e.g. 1617672549204824064n) or a decimal string`)
  }
  throw new TimestampProblem(`timestamp ${value} (${TIME_UNIT_NAMES[unit]}) is not a whole number of nanoseconds; pass a bigint or a string`)
}

/** Converts any accepted timestamp form to ns and checks it is in 1990-2100. */
export function toNs(value: unknown, unit: TimestampUnit): bigint {
  let ns: bigint
  switch (typeof value) {
    case 'bigint':
      ns = value
      break
    case 'number':
      ns = fromNumber(value, unit)
      break
    case 'string':
      if (/^-?\d+$/.test(value)) ns = BigInt(value)
      else {
        try {
          ns = parseRfc3339(value)
        } catch (error) {
          // A time in RFC 3339 form that names no usable time (beyond InfluxDB's range, day 30 of February) says
          // why; other text is neither form.
          const message = (error as Error).message
          if (!message.startsWith('not an RFC 3339 time')) throw new TimestampProblem(`timestamp ${JSON.stringify(value)} cannot be used: ${message}`)
          throw new TimestampProblem(`timestamp ${JSON.stringify(value)} is neither integer nanoseconds nor an RFC 3339 time (${message})`)
        }
      }
      break
    case 'undefined':
      throw new TimestampProblem('timestamp is missing')
    default:
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new TimestampProblem('timestamp is an invalid Date')
        ns = dateToNs(value)
      } else if (value === null) throw new TimestampProblem('timestamp is missing (null)')
      else throw new TimestampProblem(`timestamp must be a bigint, a string, a number or a Date, got ${typeof value}`)
  }
  if (ns >= PLAUSIBLE_MIN_NS && ns < PLAUSIBLE_MAX_NS) return ns
  if (typeof value === 'number') return checkPlausible(ns, () => `${value} (${TIME_UNIT_NAMES[unit]})`, BigInt(Math.trunc(value)), unit, true)
  return checkPlausible(ns, () => (typeof value === 'string' ? JSON.stringify(value) : value instanceof Date ? value.toISOString() : `${String(value)} (ns)`))
}
