import { LogWriterOptionsError } from './errors.js'

/** The strftime directives a logfile path may use (all in UTC). */
const DIRECTIVES = new Set(['Y', 'm', 'd', 'H', 'M', 'S', '%'])
const UNIT_OF: Readonly<Record<string, TimeUnit>> = { Y: 'year', m: 'month', d: 'day', H: 'hour', M: 'minute', S: 'second' }
const FINEST: readonly TimeUnit[] = ['second', 'minute', 'hour', 'day', 'month', 'year']

export type TimeUnit = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'

/** The directives used by a path pattern; throws for an unsupported one. */
export function patternDirectives(pattern: string): Set<string> {
  const used = new Set<string>()
  for (let i = pattern.indexOf('%'); i >= 0; i = pattern.indexOf('%', i + 2)) {
    const directive = pattern[i + 1] ?? ''
    if (!DIRECTIVES.has(directive)) {
      throw new LogWriterOptionsError(`path ${JSON.stringify(pattern)} uses %${directive} at index ${i}; supported: %Y %m %d %H %M %S and %% (UTC)`, 'path')
    }
    used.add(directive)
  }
  return used
}

/** The finest time unit a pattern names, i.e. how often its formatted name can change. */
export function finestUnit(directives: ReadonlySet<string>): TimeUnit | undefined {
  return FINEST.find((unit) => [...directives].some((d) => UNIT_OF[d] === unit))
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0')

/** Formats a path pattern in UTC. */
export function strftimeUtc(pattern: string, date: Date): string {
  return pattern.replace(/%([YmdHMS%])/g, (_, d: string) => {
    switch (d) {
      case 'Y':
        return pad(date.getUTCFullYear(), 4)
      case 'm':
        return pad(date.getUTCMonth() + 1)
      case 'd':
        return pad(date.getUTCDate())
      case 'H':
        return pad(date.getUTCHours())
      case 'M':
        return pad(date.getUTCMinutes())
      case 'S':
        return pad(date.getUTCSeconds())
      default:
        return '%'
    }
  })
}

/** The start (ms since the epoch) of the UTC unit holding `ms`. */
export function startOf(unit: TimeUnit, ms: number): number {
  const d = new Date(ms)
  switch (unit) {
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0)
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth())
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    default: {
      const size = unit === 'hour' ? 3_600_000 : unit === 'minute' ? 60_000 : 1000
      return Math.floor(ms / size) * size
    }
  }
}

/** The start of the next UTC unit after the one holding `ms`. */
export function nextStart(unit: TimeUnit, ms: number): number {
  const d = new Date(startOf(unit, ms))
  switch (unit) {
    case 'year':
      return Date.UTC(d.getUTCFullYear() + 1, 0)
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1)
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    default:
      return d.getTime() + (unit === 'hour' ? 3_600_000 : unit === 'minute' ? 60_000 : 1000)
  }
}
