import { UsageError } from './errors.js'

type Config = Pick<typeof import('@eht-influx-client/config'), 'parseSize'>

/** Most points and/or bytes per second (replay's RateLimit). */
export interface RateLimitOption {
  pointsPerSecond?: number
  bytesPerSecond?: number
}

/**
 * `--rate-limit`: `5000/s` (points), `1MB/s` (bytes of line protocol; KB, MB,
 * GB are powers of 1024), or both: `5000/s,1MB/s`. UsageError for anything else.
 */
export function parseRateLimit(text: string, config: Config): RateLimitOption {
  const limit: RateLimitOption = {}
  const bad = (why: string) => new UsageError(`--rate-limit ${JSON.stringify(text)}: ${why}; expected points and/or bytes per second, e.g. 5000/s, 1MB/s or 5000/s,1MB/s`)
  const parts = text.trim().split(/\s*,\s*|(?<=\/s)\s+/i).filter((p) => p !== '')
  if (parts.length === 0) throw bad('empty')
  for (const part of parts) {
    const match = /^(.+?)\s*\/s$/i.exec(part)
    if (match === null) throw bad(`"${part}" does not end in /s`)
    const amount = match[1]!.replace(/\s*(points?|pts)$/i, '')
    if (/^\d+(\.\d+)?$/.test(amount)) {
      if (limit.pointsPerSecond !== undefined) throw bad('two point rates')
      limit.pointsPerSecond = Number(amount)
    } else {
      let bytes: number
      try {
        bytes = config.parseSize(amount)
      } catch {
        throw bad(`"${amount}" is neither a number of points nor a size`)
      }
      if (limit.bytesPerSecond !== undefined) throw bad('two byte rates')
      limit.bytesPerSecond = bytes
    }
  }
  if (limit.pointsPerSecond === 0 || limit.bytesPerSecond === 0) throw bad('a rate must be above 0')
  return limit
}
