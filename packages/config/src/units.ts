import { InvalidValueError } from './errors.js'

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** Written into error messages and the JSON Schema descriptions. */
export const DURATION_EXPECTED = 'a duration: a number with ms, s, m, h or d, such as 10s, 1.5m or 500ms'
/**
 * The longest duration a key of the file that reaches a timer may hold: 2^31-1 ms, about 24.8 days.
 * Node.js timers (setTimeout, socket timeouts) cannot wait longer: a longer delay fires after 1 ms
 * instead. A key only compared (max_retry_time, `untimed` in keys.ts) has no such bound.
 * `parseDuration` itself has no such bound (the cli reads `--since 30d` with it).
 */
export const MAX_DURATION_MS = 2 ** 31 - 1
export const MAX_DURATION_TEXT = `at most ${MAX_DURATION_MS}ms (about 24.8 days, the longest a Node.js timer can wait)`
export const SIZE_EXPECTED = 'a size: a number with B, KB, MB or GB (powers of 1024), such as 100MB'

/** JSON Schema patterns for trimmed values (the unit is required; a bare 0 is allowed). */
export const DURATION_PATTERN = '^(0+(\\.0+)?|[0-9]+(\\.[0-9]+)? ?(ms|s|m|h|d))$'
export const SIZE_PATTERN = '^(0+(\\.0+)?|[0-9]+(\\.[0-9]+)? ?([bB]|[kKmMgG][bB]))$'

function scaled(text: string, pattern: RegExp, units: Record<string, number>): number | undefined {
  const match = pattern.exec(text)
  if (match === null) return undefined
  if (match[2] === undefined) return Number(match[1]) === 0 ? 0 : undefined
  return exactScaled(match[1]!, units[match[2]!.toLowerCase()]!)
}

/**
 * `digits` (such as `1.1`) times `unit`, computed on the decimal text as integers: in floating
 * point 1.1 * 3600000 is 3960000.0000000005 and 0.7 * 86400000 is 60479999.99999999, and a
 * valid duration would be refused as not whole milliseconds.
 */
function exactScaled(digits: string, unit: number): number | undefined {
  const [whole, fraction = ''] = digits.split('.')
  const scale = 10n ** BigInt(fraction.length)
  const product = BigInt(whole! + fraction) * BigInt(unit)
  // Durations are whole milliseconds and sizes whole bytes: never round silently.
  if (product % scale !== 0n) return undefined
  const value = product / scale
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined
}

/** Milliseconds, or undefined when `text` is not a duration. */
export function tryParseDuration(text: string): number | undefined {
  return scaled(text, /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)?\s*$/, DURATION_UNITS)
}

/** Bytes, or undefined when `text` is not a size. */
export function tryParseSize(text: string): number | undefined {
  return scaled(text, /^\s*([0-9]+(?:\.[0-9]+)?)\s*([bB]|[kKmMgG][bB])?\s*$/, SIZE_UNITS)
}

/** `'10s'` -> 10000, `'1.5m'` -> 90000, `'0'` -> 0. Throws InvalidValueError for anything else (a unit is required). */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text)
  if (ms === undefined) throw new InvalidValueError(`not a duration: ${JSON.stringify(text)}; expected ${DURATION_EXPECTED}, in whole milliseconds`)
  return ms
}

/** `'100MB'` -> 104857600, `'1.5KB'` -> 1536, `'0'` -> 0. Throws InvalidValueError for anything else (a unit is required). */
export function parseSize(text: string): number {
  const bytes = tryParseSize(text)
  if (bytes === undefined) throw new InvalidValueError(`not a size: ${JSON.stringify(text)}; expected ${SIZE_EXPECTED}, in whole bytes`)
  return bytes
}

function largestExact(value: number, units: [string, number][]): string {
  if (value === 0) return '0'
  const [name, size] = units.find(([, size]) => value % size === 0)!
  return `${value / size}${name}`
}

/** The shortest exact form: 90000 -> `'90s'`, 3600000 -> `'1h'`. */
export function formatDuration(ms: number): string {
  return largestExact(ms, [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]])
}

/** The shortest exact form: 1048576 -> `'1MB'`, 1536 -> `'1536B'`. */
export function formatSize(bytes: number): string {
  return largestExact(bytes, [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024], ['B', 1]])
}
