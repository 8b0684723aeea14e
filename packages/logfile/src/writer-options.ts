import path from 'node:path'
import { LogWriterOptionsError } from './errors.js'
import { formatFromPath } from './formats.js'
import { LOG_FORMATS, type LogFormat } from './record.js'
import { patternDirectives } from './strftime.js'

export type RotateOption = { kind: 'none' } | { kind: 'hourly' } | { kind: 'daily' } | { kind: 'size'; maxBytes: number }
export type FsyncMode = 'always' | 'interval' | 'never'

export interface LogWriterOptions {
  /** File path; may hold strftime directives %Y %m %d %H %M %S (UTC), e.g. `/var/log/eht/Kp-%Y%m%d.jsonl`. */
  path: string
  format: LogFormat
  rotate: RotateOption
  /** `always`: each append is fdatasync'ed before it resolves; `interval`: every `flushIntervalMs`; `never`: only on flush()/close(). */
  fsync: FsyncMode
  /** How often `fsync: 'interval'` syncs, in milliseconds (default 1000, as the config's `flush_interval`); unused by the other modes. */
  flushIntervalMs?: number
  /**
   * Gzip each rotated file (`name.jsonl` -> `name.jsonl.gz`) once it has settled: no writer
   * would choose it any more (its period is over; with size rotation, a later numbered file
   * exists) and nobody has written to it for `compressGraceMs`.
   */
  compressRotated?: boolean
  /** How long a rotated file must go unwritten before `compressRotated` compresses it, in milliseconds (default 60000). */
  compressGraceMs?: number
  /**
   * How long `close()` keeps trying to publish lines that a compression holds because the disk is full
   * (see the README), in milliseconds (default 30000); then they are appended to the writer's last file.
   */
  compressCloseWaitMs?: number
  /** The clock used for rotation (for tests); default `() => new Date()`. */
  now?: () => Date
}

/** `compressCloseWaitMs` when it is left out: close() waits that long for space before it gives up. */
export const DEFAULT_COMPRESS_CLOSE_WAIT_MS = 30_000

/** `flushIntervalMs` when it is left out: one second, the config's default `flush_interval`. */
export const DEFAULT_FLUSH_INTERVAL_MS = 1000

const REQUIRED: Readonly<Record<string, readonly string[]>> = { daily: ['Y', 'm', 'd'], hourly: ['Y', 'm', 'd', 'H'] }

function fail(key: string, message: string): never {
  throw new LogWriterOptionsError(`LogWriterOptions.${key} ${message}`, key)
}

/** Checks every option and returns the directives the path uses. Throws `LogWriterOptionsError` naming the key. */
export function checkWriterOptions(options: LogWriterOptions): Set<string> {
  if (typeof options !== 'object' || options === null) throw new LogWriterOptionsError('LogWriterOptions must be an object', '')
  const { path: pattern, format, rotate, fsync, flushIntervalMs, compressRotated, compressGraceMs, compressCloseWaitMs, now } = options
  if (typeof pattern !== 'string' || pattern.trim() === '') fail('path', `must be a non-empty file path, got ${JSON.stringify(pattern)}`)
  if (!LOG_FORMATS.includes(format)) fail('format', `must be one of ${LOG_FORMATS.join(', ')}, got ${JSON.stringify(format)}`)
  const directives = patternDirectives(pattern)
  const implied = formatFromPath(pattern)
  if (pattern.endsWith('.gz')) fail('path', `must name the plain file (${JSON.stringify(pattern)} ends in .gz); use compressRotated to gzip old files`)
  if (implied !== undefined && implied !== format) fail('path', `has the extension of ${implied} files (${path.extname(pattern)}) but format is ${format}`)
  if (typeof rotate !== 'object' || rotate === null) fail('rotate', 'must be { kind: "none" | "hourly" | "daily" } or { kind: "size", maxBytes }')
  if (!['none', 'hourly', 'daily', 'size'].includes(rotate.kind)) fail('rotate.kind', `must be none, hourly, daily or size, got ${JSON.stringify(rotate.kind)}`)
  const missing = (REQUIRED[rotate.kind] ?? []).filter((d) => !directives.has(d))
  if (missing.length > 0) fail('path', `must contain ${missing.map((d) => `%${d}`).join(', ')} for ${rotate.kind} rotation, or the file name would never change (got ${JSON.stringify(pattern)})`)
  if (rotate.kind === 'size' && (!Number.isSafeInteger(rotate.maxBytes) || rotate.maxBytes <= 0)) fail('rotate.maxBytes', `must be a positive integer of bytes, got ${String(rotate.maxBytes)}`)
  if (!['always', 'interval', 'never'].includes(fsync)) fail('fsync', `must be always, interval or never, got ${JSON.stringify(fsync)}`)
  if (flushIntervalMs !== undefined && (typeof flushIntervalMs !== 'number' || !Number.isFinite(flushIntervalMs) || flushIntervalMs < 0)) fail('flushIntervalMs', `must be a finite number of milliseconds >= 0, got ${String(flushIntervalMs)}`)
  if (fsync === 'interval' && flushIntervalMs !== undefined && flushIntervalMs <= 0) fail('flushIntervalMs', 'must be above 0 when fsync is interval')
  if (compressRotated !== undefined && typeof compressRotated !== 'boolean') fail('compressRotated', `must be a boolean, got ${typeof compressRotated}`)
  if (compressGraceMs !== undefined && (typeof compressGraceMs !== 'number' || !Number.isFinite(compressGraceMs) || compressGraceMs < 0)) fail('compressGraceMs', `must be a finite number of milliseconds >= 0, got ${String(compressGraceMs)}`)
  if (compressCloseWaitMs !== undefined && (typeof compressCloseWaitMs !== 'number' || !Number.isFinite(compressCloseWaitMs) || compressCloseWaitMs < 0)) fail('compressCloseWaitMs', `must be a finite number of milliseconds >= 0, got ${String(compressCloseWaitMs)}`)
  if (now !== undefined && typeof now !== 'function') fail('now', `must be a function returning a Date, got ${typeof now}`)
  return directives
}
