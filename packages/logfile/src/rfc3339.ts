import { TimeError } from './errors.js'
import { checkTimestampRange, floorDiv } from './time.js'

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/
const NS_PER_S = 1_000_000_000n

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** The date of a day count since 1970-01-01 (civil_from_days). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1)
}

function fractionToNs(digits: string): bigint {
  if (digits.length <= 9) return BigInt(digits.padEnd(9, '0'))
  // More than nanosecond precision: round half up on the tenth digit.
  return BigInt(digits.slice(0, 9)) + (digits.charCodeAt(9) >= 0x35 ? 1n : 0n)
}

/**
 * RFC 3339 / ISO 8601 date-time text to nanoseconds: any fraction length (beyond
 * 9 digits rounded to the nearest ns), `Z` or an offset (`+01:00`, `+0100`, `+01`).
 */
export function parseRfc3339(text: string): bigint {
  const m = typeof text === 'string' ? RFC3339.exec(text) : null
  if (m === null) throw new TimeError(`not an RFC 3339 time: ${JSON.stringify(text)} (expected e.g. 2021-04-06T01:09:09.204824064Z)`)
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const bad = (what: string) => new TimeError(`${what} in RFC 3339 time ${JSON.stringify(text)}`)
  if (month < 1 || month > 12) throw bad(`month ${month} is not 1 to 12`)
  if (day < 1 || day > daysInMonth(year, month)) throw bad(`day ${day} does not exist in ${year}-${m[2]}`)
  if (hour > 23) throw bad(`hour ${hour} is not 0 to 23`)
  if (minute > 59) throw bad(`minute ${minute} is not 0 to 59`)
  if (second > 59) throw bad(`second ${second} is not 0 to 59 (leap seconds cannot be represented)`)
  let offsetSeconds = 0
  if (m[8] === undefined) {
    const oh = Number(m[10])
    const om = Number(m[11] ?? '0')
    if (oh > 23 || om > 59) throw bad(`offset ${m[9]}${m[10]}:${m[11] ?? '00'} is not a valid UTC offset`)
    offsetSeconds = (m[9] === '-' ? -1 : 1) * (oh * 3600 + om * 60)
  }
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds
  const ns = BigInt(seconds) * NS_PER_S + (m[7] === undefined ? 0n : fractionToNs(m[7]))
  return checkTimestampRange(ns, `RFC 3339 time ${JSON.stringify(text)}`)
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0')

/** Nanoseconds to RFC 3339 in UTC, with the fraction trimmed of trailing zeros (Go's RFC3339Nano, as InfluxDB prints it). */
export function formatRfc3339(ns: bigint): string {
  if (typeof ns !== 'bigint') throw new TimeError(`expected a bigint of nanoseconds, got ${typeof ns}`)
  const seconds = floorDiv(ns, NS_PER_S)
  const fraction = ns - seconds * NS_PER_S
  const days = Number(floorDiv(seconds, 86400n))
  const secondOfDay = Number(seconds - BigInt(days) * 86400n)
  const { year, month, day } = civilFromDays(days)
  if (year < 0 || year > 9999) throw new TimeError(`${ns} ns is in year ${year}, which RFC 3339 cannot write`)
  const time = `${pad(Math.floor(secondOfDay / 3600))}:${pad(Math.floor(secondOfDay / 60) % 60)}:${pad(secondOfDay % 60)}`
  const frac = fraction === 0n ? '' : `.${fraction.toString().padStart(9, '0').replace(/0+$/, '')}`
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${time}${frac}Z`
}
