import { defaultBadLineReporter } from './bad-line-reporter.js'
import { fileItems } from './file-items.js'
import { newReadStats, type LogReader, type ReadOptions } from './read-types.js'
import { resolveReadOptions } from './read-time-bounds.js'

/**
 * Streams the records of one logfile (plain or `.gz`). Bad lines are reported
 * with file, line and reason, counted in `stats.badLines`, and skipped. A last
 * line without a newline is reported too (it may be cut short). Throws
 * `LogReadError` when the file cannot be opened or its format is unknown. A
 * `since`, `until` or `plausible` that is not a time throws a TypeError or
 * RangeError here, at the call.
 */
export function readLogFile(file: string, options: ReadOptions = {}): LogReader {
  const resolved = resolveReadOptions(options)
  const stats = newReadStats()
  const report = options.onBadLine ?? defaultBadLineReporter()
  return { stats, [Symbol.asyncIterator]: () => fileItems(file, resolved, stats, report) }
}
