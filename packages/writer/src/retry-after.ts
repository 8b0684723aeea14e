/**
 * The delay a `Retry-After` header asks for, in milliseconds. RFC 9110
 * (10.2.3) allows a number of SECONDS (`120`; `1.5` is read too) or an
 * HTTP-date, which is always GMT, in one of three forms (5.6.7):
 *
 * - IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`
 * - the obsolete RFC 850 form `Sunday, 06-Nov-94 08:49:37 GMT`
 * - the obsolete asctime form `Sun Nov  6 08:49:37 1994`
 *
 * Nothing else is read: not with Date.parse, which takes a date without a zone
 * (`2026-12-08T03:00:00`) in the machine's time zone, and makes a date of
 * almost any text with a number in it (`soon 2030`, `x 1`). A date in the past
 * gives 0; a missing or unreadable value gives undefined (the normal backoff).
 */
export function retryAfterMs(header: string | readonly string[] | undefined, now: number = Date.now()): number | undefined {
  const text = retryAfterText(header)
  if (text === undefined) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (/^\d+\.\d+$/.test(text)) return Math.round(Number(text) * 1000)
  const at = parseHttpDate(text, now)
  return at === undefined ? undefined : Math.max(0, at - now)
}

/** The header's (first) value, trimmed; undefined when there is none. */
export function retryAfterText(header: string | readonly string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header) as string | undefined
  return typeof value === 'string' ? value.trim() : undefined
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)'
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)'
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)'
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})'
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i')
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i')
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, 'i')

/** Milliseconds since the epoch of an HTTP-date in one of RFC 9110's three forms (all GMT), else undefined. */
export function parseHttpDate(text: string, now: number = Date.now()): number | undefined {
  let m = IMF_FIXDATE.exec(text)
  if (m !== null) return utc(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!)
  m = RFC850_DATE.exec(text)
  if (m !== null) return utc(fullYear(Number(m[3]), now), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!)
  m = ASCTIME_DATE.exec(text)
  if (m !== null) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!)
  return undefined
}

/**
 * A two-digit year of the RFC 850 form: RFC 9110 says to take one that appears
 * more than 50 years in the future as the most recent past year with those digits.
 */
function fullYear(twoDigits: number, now: number): number {
  const current = new Date(now).getUTCFullYear()
  let year = current - (current % 100) + twoDigits
  if (year > current + 50) year -= 100
  return year
}

/** The instant, or undefined for a day, hour, minute or second out of range (31 Feb, 25:00:00). */
function utc(year: number, monthName: string, day: number, hh: string, mm: string, ss: string): number | undefined {
  const month = MONTHS.indexOf(monthName.toLowerCase())
  const [h, min, s] = [Number(hh), Number(mm), Number(ss)]
  // A leap second (60) is allowed by the grammar; it reads as the next minute's start.
  if (day < 1 || h > 23 || min > 59 || s > 60) return undefined
  const midnight = new Date(0)
  midnight.setUTCFullYear(year, month, day) // not Date.UTC, which takes a year 0-99 as 1900-1999
  if (midnight.getUTCDate() !== day || midnight.getUTCMonth() !== month) return undefined
  return midnight.getTime() + ((h * 60 + min) * 60 + s) * 1000
}
