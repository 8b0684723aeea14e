import fs from 'node:fs'
import { LogfileError, LogReadError } from './errors.js'
import { formatFromPath, lineDecoder } from './formats.js'
import { lineBatches, type LineBatch } from './line-source.js'
import type { InfluxRecord, LogFormat } from './record.js'
import { TORN_MARKER, TORN_REASON } from './torn-line.js'

export interface ReadItem {
  record: InfluxRecord
  file: string
  /** 1-based line number. */
  line: number
  /** Byte offset just after this line in the (decompressed) file: pass it as `startOffset` to resume after it. */
  endOffset: number
}

export interface BadLine {
  file: string
  line: number
  /** LP and JSONL: 1-based character position; CSV: 1-based cell number. */
  column?: number
  reason: string
  /** The line (at most 4096 characters of it). */
  text: string
}

export interface ReadOptions {
  /** Default: from the extension (`.jsonl`, `.csv`, `.lp`), `.gz` stripped. */
  format?: LogFormat
  /** Only records at or after this time (ns). */
  since?: bigint
  /** Only records before this time (ns, exclusive). */
  until?: bigint
  /** Only these measurements. */
  measurements?: readonly string[]
  /** Single file only: skip the lines ending at or before this byte offset (CSV annotation rows are still honoured). */
  startOffset?: number
  /** Called for each bad line, which is then skipped; default: the first 20 go to stderr (console.warn). */
  onBadLine?: (bad: BadLine) => void
  /** Longer lines are reported and skipped (default 16 MiB), so memory stays bounded. */
  maxLineBytes?: number
}

export interface ReadStats {
  files: number
  records: number
  badLines: number
  /** Records left out by since / until / measurements. */
  filtered: number
}

/** Read results as an async iterable, plus counts that grow as it is read. */
export interface LogReader extends AsyncIterable<ReadItem> {
  readonly stats: ReadStats
}

const SHOWN_BY_DEFAULT = 20

export function defaultBadLineReporter(): (bad: BadLine) => void {
  let seen = 0
  return (bad) => {
    seen++
    if (seen <= SHOWN_BY_DEFAULT) console.warn(`${bad.file}:${bad.line}${bad.column === undefined ? '' : `:${bad.column}`}: bad line skipped: ${bad.reason}`)
    if (seen === SHOWN_BY_DEFAULT) console.warn('further bad lines are skipped without a message; pass onBadLine to see them all')
  }
}

export const newReadStats = (): ReadStats => ({ files: 0, records: 0, badLines: 0, filtered: 0 })

async function* batchesOf(file: string, maxLineBytes: number | undefined): AsyncGenerator<LineBatch> {
  try {
    yield* lineBatches(file, { maxLineBytes })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall !== 'open') throw error
    // A file listed a moment ago may have been compressed since.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !file.endsWith('.gz') && fs.existsSync(`${file}.gz`)) {
      yield* lineBatches(`${file}.gz`, { maxLineBytes })
      return
    }
    throw new LogReadError(`cannot read ${file}: ${(error as Error).message}`, file, { cause: error })
  }
}

/** The items of one file, counting into `stats` and reporting bad lines to `report`. */
export async function* fileItems(file: string, options: ReadOptions, stats: ReadStats, report: (bad: BadLine) => void): AsyncGenerator<ReadItem> {
  const format = options.format ?? formatFromPath(file)
  if (format === undefined) throw new LogReadError(`cannot tell the format of ${file} from its extension (.jsonl, .csv, .lp, optionally .gz); pass options.format`, file)
  const decoder = lineDecoder(format)
  const { since, until, startOffset = 0 } = options
  const measurements = options.measurements === undefined ? undefined : new Set(options.measurements)
  const bad = (line: number, reason: string, text: string, column?: number) => {
    stats.badLines++
    report({ file, line, ...(column === undefined ? {} : { column }), reason, text: text.length > 4096 ? `${text.slice(0, 4093)}...` : text })
  }
  stats.files++
  let lastLine = 0
  try {
    for await (const batch of batchesOf(file, options.maxLineBytes)) {
      const { texts, ends, problems, first } = batch
      for (let i = 0; i < texts.length; i++) {
        const text = texts[i]!
        const line = first + i
        const skip = ends[i]! <= startOffset
        lastLine = line
        const problem = problems?.get(i) ?? (text.endsWith(TORN_MARKER) ? TORN_REASON : undefined)
        if (problem !== undefined) {
          if (!skip) bad(line, problem, text)
          continue
        }
        let record: InfluxRecord | undefined
        try {
          record = decoder.decode(text, line, skip)
        } catch (error) {
          if (!LogfileError.isInstance(error)) throw error
          if (!skip) bad(line, error.message, text, (error as { column?: number }).column)
          continue
        }
        if (record === undefined) continue
        const t = record.timestamp
        if ((since !== undefined && t < since) || (until !== undefined && t >= until) || (measurements !== undefined && !measurements.has(record.measurement))) {
          stats.filtered++
          continue
        }
        stats.records++
        yield { record, file, line, endOffset: ends[i]! }
      }
    }
  } catch (error) {
    if (LogReadError.isInstance(error)) throw error
    // The data itself is broken (corrupt or truncated gzip, I/O error): report it, keep what was read.
    bad(lastLine + 1, `reading stopped: ${(error as Error).message}`, '')
  }
}

/**
 * Streams the records of one logfile (plain or `.gz`). Bad lines are reported
 * with file, line and reason, counted in `stats.badLines`, and skipped. A last
 * line without a newline is reported too (it may be cut short). Throws
 * `LogReadError` when the file cannot be opened or its format is unknown.
 */
export function readLogFile(file: string, options: ReadOptions = {}): LogReader {
  const stats = newReadStats()
  const report = options.onBadLine ?? defaultBadLineReporter()
  return { stats, [Symbol.asyncIterator]: () => fileItems(file, options, stats, report) }
}
