import { UsageError } from './errors.js'

type Logfile = Pick<typeof import('@eht-influx-client/logfile'), 'parseRfc3339'>
type Config = Pick<typeof import('@eht-influx-client/config'), 'parseDuration'>

const EXPECTED = 'an RFC 3339 time (2025-04-06T01:09:09Z, or with .204824064 and an offset), a date (2025-04-06, midnight UTC), integer nanoseconds since 1970, or a duration ago (30m, 6h, 7d)'

/**
 * The value of --since / --until as integer ns: RFC 3339 text, a date, an
 * integer of ns, or a duration before `nowMs`. UsageError naming the option
 * for anything else. Never goes through a float: ns are kept exactly.
 */
export function parseTimeOption(text: string, option: string, nowMs: number, libs: { logfile: Logfile; config: Config }): bigint {
  const value = text.trim()
  if (/^-?\d+$/.test(value)) return BigInt(value)
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    try {
      return libs.logfile.parseRfc3339(`${value}T00:00:00Z`)
    } catch (error) {
      // "month 13 is not 1 to 12 in RFC 3339 time "2025-13-01T00:00:00Z"": the time part is ours, not the user's
      const reason = (error as Error).message.replace(/ in RFC 3339 time ".*"$/, '')
      throw new UsageError(`${option} ${JSON.stringify(text)} is not a date: ${reason}; expected ${EXPECTED}`, { cause: error })
    }
  }
  if (/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(value)) {
    try {
      return (BigInt(nowMs) - BigInt(libs.config.parseDuration(value))) * 1_000_000n
    } catch (error) {
      throw new UsageError(`${option} ${JSON.stringify(text)}: ${(error as Error).message}`, { cause: error })
    }
  }
  try {
    return libs.logfile.parseRfc3339(value)
  } catch (error) {
    // A time in RFC 3339 form that cannot be one (outside InfluxDB's range, day 30 of February) says why; other text is not one at all.
    const message = (error as Error).message
    if (message.startsWith('not an RFC 3339 time')) throw new UsageError(`${option} ${JSON.stringify(text)} is not a time; expected ${EXPECTED}`, { cause: error })
    const reason = message.replace(/^RFC 3339 time ".*" (is )?/, '').replace(/ in RFC 3339 time ".*"$/, '')
    throw new UsageError(`${option} ${JSON.stringify(text)} cannot be used: ${reason}`, { cause: error })
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
