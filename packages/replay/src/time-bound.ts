import { dateToNs, parseRfc3339 } from '@eht-influx-client/logfile'
import { ReplayOptionsError } from './errors.js'

/** A point in time: integer nanoseconds since the epoch, a Date, or RFC 3339 text (`2024-04-06T01:09:09.204824064Z`). */
export type TimeBound = bigint | Date | string

/** `value` as integer ns, or undefined; throws ReplayOptionsError naming `key` for anything else (a number would lose ns). */
export function toNs(value: TimeBound | undefined, key: string): bigint | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'bigint') return value
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ReplayOptionsError(`${key} is an invalid Date`, key)
    return dateToNs(value)
  }
  if (typeof value === 'string') {
    try {
      return parseRfc3339(value)
    } catch (error) {
      throw new ReplayOptionsError(`${key} ${JSON.stringify(value)} is not an RFC 3339 time such as 2024-04-06T01:09:09Z: ${(error as Error).message}`, key, { cause: error })
    }
  }
  throw new ReplayOptionsError(`${key} must be a bigint of nanoseconds, a Date or an RFC 3339 string, got ${typeof value} (a number cannot hold ns exactly)`, key)
}

/** Checks since < until when both are given. */
export function checkRange(since: bigint | undefined, until: bigint | undefined): void {
  if (since !== undefined && until !== undefined && since >= until) {
    throw new ReplayOptionsError(`since (${since} ns) must be before until (${until} ns)`, 'until')
  }
}
