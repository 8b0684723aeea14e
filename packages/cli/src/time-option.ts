import { UsageError } from './errors.js'

type Logfile = Pick<typeof import('@eht-influx-client/logfile'), 'parseRfc3339' | 'formatRfc3339' | 'STATION_TIMES' | 'NS_PER_UNIT' | 'TIME_UNIT_NAMES' | 'unitThatFits'>
type Config = Pick<typeof import('@eht-influx-client/config'), 'parseDuration'>

const EXPECTED = 'an RFC 3339 time (2025-04-06T01:09:09Z, or with .204824064 and an offset), a date (2025-04-06, midnight UTC), integer nanoseconds since 1970, or a duration ago (30m, 6h, 7d)'

/**
 * The value of --since / --until as integer ns: RFC 3339 text, a date, an
 * integer of ns, or a duration before `nowMs`. UsageError naming the option
 * for anything else. Never goes through a float: ns are kept exactly.
 */
export function parseTimeOption(text: string, option: string, nowMs: number, libs: { logfile: Logfile; config: Config }): bigint {
  const value = text.trim()
  if (/^-?\d+$/.test(value)) return integerNs(text, BigInt(value), option, libs.logfile)
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    let ns: bigint
    try {
      ns = libs.logfile.parseRfc3339(`${value}T00:00:00Z`)
    } catch (error) {
      if (/outside InfluxDB's time range/.test((error as Error).message)) throw outsideRange(text, option, error)
      // "month 13 is not 1 to 12 in RFC 3339 time "2025-13-01T00:00:00Z"": the time part is ours, not the user's
      const reason = (error as Error).message.replace(/ in RFC 3339 time ".*"$/, '')
      throw new UsageError(`${option} ${JSON.stringify(text)} is not a date: ${reason}; expected ${EXPECTED}`, { cause: error })
    }
    return inInfluxRange(text, ns, option, libs.logfile)
  }
  if (/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(value)) {
    let ns: bigint
    try {
      ns = (BigInt(nowMs) - BigInt(libs.config.parseDuration(value))) * 1_000_000n
    } catch (error) {
      throw new UsageError(`${option} ${JSON.stringify(text)}: ${(error as Error).message}`, { cause: error })
    }
    // 1000000d ago is the year -711: an export accepted it and failed only at its summary.
    return inInfluxRange(text, ns, option, libs.logfile)
  }
  try {
    return inInfluxRange(text, libs.logfile.parseRfc3339(value), option, libs.logfile)
  } catch (error) {
    if (error instanceof UsageError) throw error
    // A time in RFC 3339 form that cannot be one (outside InfluxDB's range, day 30 of February) says why; other text is not one at all.
    const message = (error as Error).message
    if (message.startsWith('not an RFC 3339 time')) throw new UsageError(`${option} ${JSON.stringify(text)} is not a time; expected ${EXPECTED}`, { cause: error })
    const reason = message.replace(/^RFC 3339 time ".*" (is )?/, '').replace(/ in RFC 3339 time ".*"$/, '')
    throw new UsageError(`${option} ${JSON.stringify(text)} cannot be used: ${reason}`, { cause: error })
  }
}

/**
 * An integer is nanoseconds, but an epoch in s, ms or us read as ns means 1970 and would
 * silently select (or drop) everything: refuse one whose ns reading is before 1990 while
 * another unit makes it a plausible date. An integer beyond InfluxDB's range is refused
 * here rather than after a whole export.
 */
function integerNs(text: string, ns: bigint, option: string, logfile: Logfile): bigint {
  const shown = `${option} ${JSON.stringify(text)}`
  const { since, until } = logfile.STATION_TIMES
  const plausible = (value: bigint) => value >= since && value < until
  if (ns >= 0n && ns < since) {
    // (never ns itself: it is before the station times)
    const unit = logfile.unitThatFits(ns)
    if (unit !== undefined) {
      const scaled = ns * logfile.NS_PER_UNIT[unit]
      const time = logfile.formatRfc3339(scaled)
      throw new UsageError(`${shown} looks like ${logfile.TIME_UNIT_NAMES[unit]} since 1970 (${time}), but an integer is read as nanoseconds (${logfile.formatRfc3339(ns)}); write ${time} or ${scaled}`)
    }
    // 20260329: a date without its dashes
    const date = /^(\d{4})(\d{2})(\d{2})$/.exec(text.trim())
    if (date !== null) {
      const dashed = `${date[1]}-${date[2]}-${date[3]}`
      const day = tryParse(logfile, `${dashed}T00:00:00Z`)
      if (day !== undefined && plausible(day)) throw new UsageError(`${shown} looks like the date ${dashed}, but an integer is read as nanoseconds (${logfile.formatRfc3339(ns)}); write ${dashed}`)
    }
  }
  return inInfluxRange(text, ns, option, logfile)
}

/**
 * `ns`, the value of `option` (as the user wrote it: `text`), once it is in InfluxDB's range, checked as
 * logfile checks an RFC 3339 time (a year RFC 3339 cannot write is far outside it); else a UsageError. Every
 * form goes through it (an integer, a date, a duration ago, an RFC 3339 time).
 */
function inInfluxRange(text: string, ns: bigint, option: string, logfile: Logfile): bigint {
  let formatted: string | undefined
  try {
    formatted = logfile.formatRfc3339(ns)
  } catch {}
  if (formatted === undefined || tryParse(logfile, formatted) !== ns) throw outsideRange(text, option)
  return ns
}

const outsideRange = (text: string, option: string, cause?: unknown) =>
  new UsageError(`${option} ${JSON.stringify(text)} cannot be used: outside InfluxDB's time range (years 1677 to 2262)`, cause === undefined ? {} : { cause })

function tryParse(logfile: Logfile, text: string): bigint | undefined {
  try {
    return logfile.parseRfc3339(text)
  } catch {
    return undefined
  }
}

/** --since and --until of a command, checked to be in order. */
export async function parseTimeRange(options: Record<string, unknown>, nowMs = Date.now()): Promise<{ since: bigint | undefined; until: bigint | undefined }> {
  if (options.since === undefined && options.until === undefined) return { since: undefined, until: undefined }
  const [logfile, config] = await Promise.all([import('@eht-influx-client/logfile'), import('@eht-influx-client/config')])
  const parse = (key: 'since' | 'until') => (typeof options[key] === 'string' ? parseTimeOption(options[key], `--${key}`, nowMs, { logfile, config }) : undefined)
  const since = parse('since')
  const until = parse('until')
  if (since !== undefined && until !== undefined && since >= until) throw new UsageError(`--since (${options.since}) must be before --until (${options.until})`)
  return { since, until }
}
