import type { LineProtocolRun } from './line-protocol-run.js'
import type { InfluxRecord, LogFormat } from './record.js'

export interface ReadItem {
  record: InfluxRecord
  file: string
  /** 1-based line number. */
  line: number
  /** Byte offset just after this line in the (decompressed) file: pass it as `startOffset` to resume after it. */
  endOffset: number
  /** With the `lineProtocol` option: the record as line protocol (`encodeLineProtocol(record)`). */
  lineProtocol?: string
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

/**
 * How a bad line's reason starts when reading a file stopped part-way (broken
 * data: a corrupt or truncated `.gz`, an I/O error): the lines before it were
 * read, the rest of the file was not.
 */
export const READING_STOPPED = 'reading stopped: '

/** The readers' default `maxLineBytes`: 16 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024

/** A time for the reader's options: integer ns since the epoch, a Date, or RFC 3339 text (`2024-04-06T01:09:09.204824064Z`). */
export type TimeBound = bigint | Date | string

/** Reader option `plausible`: the times a record may have, `since` inclusive, `until` exclusive. */
export interface PlausibleTimes {
  since: TimeBound
  until: TimeBound
}

export interface ReadOptions {
  /** Default: from the extension (`.jsonl`, `.csv`, `.lp`), `.gz` stripped. */
  format?: LogFormat
  /** Only records at or after this time (a bigint of ns, a Date or RFC 3339 text; anything else throws a TypeError or RangeError). */
  since?: TimeBound
  /** Only records before this time (exclusive; as `since`). */
  until?: TimeBound
  /**
   * A record whose timestamp is outside [since, until) is a bad line, not a
   * record: reported (the reason says which unit it looks like, e.g. seconds
   * written where ns belong), counted in `stats.badLines`, skipped. Checked
   * before the filters. Times as for `since`.
   */
  plausible?: PlausibleTimes
  /** Only these measurements. */
  measurements?: readonly string[]
  /** Single file only: skip the lines ending at or before this byte offset (CSV annotation rows are still honoured). */
  startOffset?: number
  /** Called for each bad line, which is then skipped; default: the first 20 go to stderr (console.warn). */
  onBadLine?: (bad: BadLine) => void
  /** Lines of more bytes than this (the newline not counted) are reported and skipped, so memory stays bounded (default 16 MiB). */
  maxLineBytes?: number
  /**
   * Items also carry `lineProtocol`. JSONL lines of a shape seen before are
   * transcoded straight to line protocol, and their `record` is only decoded if
   * read (so it is cheapest not to read it).
   */
  lineProtocol?: boolean
  /**
   * With `lineProtocol`, for the runs of `readyRun()`: a JSONL float may be
   * copied into the line protocol as the line writes it (`1.50`, `1E5`,
   * `-0.0`) instead of as JS prints its number (`1.5`, `100000`, `0`), when it
   * is a JSON number of certainly finite value. Such a line decodes to the same
   * record (`decodeLineProtocol`), and a server parses the float to the same
   * double, but its text is not always `encodeLineProtocol(record)`. It saves
   * the check that a float is printed as JS prints it (about 0.15 µs for a
   * float of 16 or 17 digits). Items (`ready()`, `next()`) are unchanged.
   */
  floatsAsWritten?: boolean
}

export interface ReadStats {
  files: number
  records: number
  badLines: number
  /** Records left out by since / until / measurements. */
  filtered: number
}

/**
 * An iterator of read items that also hands out, without a promise, the items
 * of the chunk already read: a loop over many items calls `ready()` first and
 * `next()` only when it gives undefined. Order, counts and bad-line reports are
 * the same as with `next()` alone.
 */
export interface ReadItemIterator extends AsyncIterableIterator<ReadItem> {
  /** The next item when it is at hand; undefined when `next()` must be awaited (a chunk to read, or the end). */
  ready(): ReadItem | undefined
  /**
   * With `lineProtocol`: the next points of the chunk at hand as one run of line
   * protocol (`LineProtocolRun`), when they can be transcoded straight from the
   * bytes read; undefined when the next item must come from `ready()` or
   * `next()`. Mixing the three keeps order and counts.
   */
  readyRun(): LineProtocolRun | undefined
  /**
   * When the chunk at hand is used up (`ready()` gives undefined), reads the
   * next one without taking an item from it, so that its first points can come
   * from `readyRun()` too (`next()` would hand out the first as an item);
   * resolves true when it did. False when `next()` must go on instead: at the
   * end, after a read error (which `next()` reports), and always for several
   * files merged.
   */
  nextChunk(): Promise<boolean>
}

/** Read results as an async iterable, plus counts that grow as it is read. */
export interface LogReader extends AsyncIterable<ReadItem> {
  readonly stats: ReadStats
  [Symbol.asyncIterator](): ReadItemIterator
}

export const newReadStats = (): ReadStats => ({ files: 0, records: 0, badLines: 0, filtered: 0 })

