import fs from 'node:fs'
import { LogfileError, LogReadError } from './errors.js'
import { formatFromPath, lineDecoder, type LineDecoder } from './formats.js'
import { lineBatches, lineText, type LineBatch } from './line-source.js'
import type { InfluxRecord } from './record.js'
import { READING_STOPPED, type BadLine, type ReadItem, type ReadItemIterator, type ReadStats } from './read-types.js'
import type { PlausibleCheck, ResolvedReadOptions } from './read-time-bounds.js'
import { TORN_MARKER, TORN_REASON } from './torn-line.js'
import { ReadingStopped } from './reading-stopped.js'
import { transcodeByShape } from './jsonl-to-lp.js'
import { encodeLineProtocol } from './lp-encode.js'
import { TranscodedItem } from './transcoded-item.js'
import { byteFilter, type ByteFilter, type ByteFilterOptions } from './jsonl-bytes-to-lp.js'
import { plausibleDigits } from './plausible-digits.js'
import { RunBuilder, type LineProtocolRun } from './line-protocol-run.js'
import { recordOfLine } from './jsonl-bytes-to-record.js'

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

/**
 * The items of one file, counting into `stats` and reporting bad lines to
 * `report`. Lines are read a chunk at a time and decoded one by one as items are
 * asked for (so bad lines are reported and counted in file order, between the
 * items around them); only the step to the next chunk is asynchronous.
 */
export class FileItems implements ReadItemIterator {
  private decoder: LineDecoder | undefined
  private readonly measurements: Set<string> | undefined
  private readonly startOffset: number
  private transcode = false
  /** JSONL read into records: lines of a known shape are decoded from the bytes read (jsonl-bytes-to-record.ts). */
  private recordsFromBytes = false
  private batches: AsyncGenerator<LineBatch> | undefined
  private batch: LineBatch | undefined
  private index = 0
  private lastLine = 0
  private done = false
  private reading: Promise<unknown> | undefined
  /** An error met by ready(): the next next() reports it, as it would have. */
  private failure: { error: unknown } | undefined
  /** The filters for the byte path, times as text (made once; undefined when none). */
  private readonly byteOptions: ByteFilterOptions
  private readonly byteFilter: ByteFilter | undefined
  private runs: RunBuilder | undefined
  /** The `plausible` option: a record outside it is a bad line. */
  private readonly plausible: PlausibleCheck | undefined

  constructor(
    private readonly file: string,
    private readonly options: ResolvedReadOptions,
    private readonly stats: ReadStats,
    private readonly report: (bad: BadLine) => void,
  ) {
    this.measurements = options.measurements === undefined ? undefined : new Set(options.measurements)
    this.startOffset = options.startOffset ?? 0
    const { since, until, plausible } = options
    this.plausible = plausible
    this.byteOptions = {
      measurements: this.measurements,
      since: since?.toString(),
      until: until?.toString(),
      plausible: plausible === undefined ? undefined : plausibleDigits(plausible.sinceText, plausible.untilText),
    }
    this.byteFilter = byteFilter(this.byteOptions)
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<ReadItem>> {
    // A call made while the next chunk is being read waits for it (calls are answered in order).
    if (this.reading !== undefined) return this.reading.then(() => this.next())
    if (this.failure !== undefined) {
      const { error } = this.failure
      this.failure = undefined
      return Promise.resolve(this.stopped(error))
    }
    if (this.batch !== undefined) {
      let item: ReadItem | undefined
      try {
        item = this.take(this.batch)
      } catch (error) {
        return Promise.resolve(this.stopped(error))
      }
      if (item !== undefined) return Promise.resolve({ value: item, done: false })
    }
    const reading = this.nextBatch().finally(() => (this.reading = undefined))
    this.reading = reading
    return reading
  }

  ready(): ReadItem | undefined {
    if (this.reading !== undefined || this.failure !== undefined || this.batch === undefined) return undefined
    try {
      return this.take(this.batch)
    } catch (error) {
      this.failure = { error }
      return undefined
    }
  }

  /**
   * The next points of the chunk already read as one run of line protocol, when
   * they can be transcoded from its bytes (JSONL with `lineProtocol`, lines of
   * a shape read before, ASCII), and (with `before`) earlier than that time;
   * undefined when the next item must come from ready() or next(). Counts and
   * order are as item by item.
   */
  readyRun(before?: bigint): LineProtocolRun | undefined {
    const batch = this.batch
    if (!this.transcode || this.reading !== undefined || this.failure !== undefined || batch === undefined || batch.body === undefined) return undefined
    const runs = (this.runs ??= new RunBuilder(this.file, this.options.floatsAsWritten === true))
    const filter = before !== undefined ? byteFilter({ ...this.byteOptions, before: before.toString() }) : this.byteFilter
    const next = runs.fill(batch, this.index, this.startOffset, filter)
    if (next > this.index) {
      this.index = next
      this.lastLine = batch.first + next - 1
      this.stats.records += runs.count
      this.stats.filtered += runs.filtered
    }
    return runs.count === 0 ? undefined : runs.run()
  }

  /**
   * When the chunk at hand is used up (ready() gives undefined), reads the next
   * one without taking an item from it, so that its first points can come from
   * readyRun() too; true when it did. False when next() must go on instead: at
   * the end, after an error (which next() reports), or while a read is under way.
   */
  nextChunk(): Promise<boolean> {
    if (this.reading !== undefined || this.failure !== undefined || this.done || (this.batch !== undefined && this.index < this.batch.ends.length)) return Promise.resolve(false)
    const reading = this.readBatch()
      .catch((error: unknown) => {
        if (LogReadError.isInstance(error)) throw error
        this.failure = { error }
        return false
      })
      .finally(() => (this.reading = undefined))
    this.reading = reading
    return reading
  }

  async return(): Promise<IteratorResult<ReadItem>> {
    this.failure = undefined
    this.finish()
    await this.batches?.return(undefined)
    return { value: undefined, done: true }
  }

  private async nextBatch(): Promise<IteratorResult<ReadItem>> {
    try {
      while (await this.readBatch()) {
        const item = this.take(this.batch!)
        if (item !== undefined) return { value: item, done: false }
      }
      return { value: undefined, done: true }
    } catch (error) {
      if (LogReadError.isInstance(error)) throw error
      return this.stopped(error)
    }
  }

  /** Reads the next batch (opening the file first); false at the end. A LogReadError (the file cannot be read at all) ends the reading. */
  private async readBatch(): Promise<boolean> {
    try {
      if (this.done) return false
      if (this.batches === undefined) {
        const format = this.options.format ?? formatFromPath(this.file)
        if (format === undefined) throw new LogReadError(`cannot tell the format of ${this.file} from its extension (.jsonl, .csv, .lp, optionally .gz); pass options.format`, this.file)
        this.decoder = lineDecoder(format)
        this.transcode = format === 'jsonl' && this.options.lineProtocol === true
        this.recordsFromBytes = format === 'jsonl' && !this.transcode
        this.stats.files++
        this.batches = batchesOf(this.file, this.options.maxLineBytes)
      }
      const next = await this.batches.next()
      if (next.done === true) {
        this.finish()
        return false
      }
      this.batch = next.value
      this.index = 0
      return true
    } catch (error) {
      if (LogReadError.isInstance(error)) this.finish()
      throw error
    }
  }

  /** The data itself is broken (corrupt or truncated gzip, I/O error): report it, keep what was read. */
  private stopped(error: unknown): IteratorResult<ReadItem> {
    this.finish()
    void this.batches?.return(undefined)
    this.bad(error instanceof ReadingStopped ? error.line : this.lastLine + 1, `${READING_STOPPED}${(error as Error).message}`, '')
    return { value: undefined, done: true }
  }

  private finish(): void {
    this.done = true
    this.batch = undefined
  }

  private bad(line: number, reason: string, text: string, column?: number): void {
    this.stats.badLines++
    this.report({ file: this.file, line, ...(column === undefined ? {} : { column }), reason, text: text.length > 4096 ? `${text.slice(0, 4093)}...` : text })
  }

  /**
   * True (and counted as filtered) when the reader's filters leave this point
   * out; else counted as read. `timed.timestamp` is read only for a time
   * filter (a transcoded item makes its bigint when asked).
   */
  private filteredOut(measurement: string, timed: { readonly timestamp: bigint }): boolean {
    const { since, until } = this.options
    if ((this.measurements !== undefined && !this.measurements.has(measurement)) || (since !== undefined && timed.timestamp < since) || (until !== undefined && timed.timestamp >= until)) {
      this.stats.filtered++
      return true
    }
    this.stats.records++
    return false
  }

  /** The next item of the batch (reporting the bad lines and counting the filtered records before it), or undefined once the batch is used up. */
  private take(batch: LineBatch): ReadItem | undefined {
    const { ends, problems, first } = batch
    while (this.index < ends.length) {
      const i = this.index++
      const line = first + i
      const end = ends[i]!
      const skip = end <= this.startOffset
      this.lastLine = line
      if (this.recordsFromBytes && !skip) {
        // (A torn line never matches a shape: each ends in `}}`, the torn marker does not.)
        const record = recordOfLine(batch, i)
        if (record !== undefined) {
          if (this.plausible?.outside(record.timestamp) === true) {
            this.bad(line, this.plausible.reason(record.timestamp), lineText(batch, i))
            continue
          }
          if (this.filteredOut(record.measurement, record)) continue
          return { record, file: this.file, line, endOffset: end }
        }
      }
      const text = lineText(batch, i)
      const problem = problems?.get(i) ?? (text.endsWith(TORN_MARKER) ? TORN_REASON : undefined)
      if (problem !== undefined) {
        if (!skip) this.bad(line, problem, text)
        continue
      }
      if (this.transcode && !skip) {
        const transcoded = transcodeByShape(text)
        if (transcoded !== undefined) {
          if (this.plausible?.outsideText(transcoded.time) === true) {
            this.bad(line, this.plausible.reason(transcoded.time), text)
            continue
          }
          const item = new TranscodedItem(this.file, line, end, transcoded.lineProtocol, text, transcoded.time)
          if (this.filteredOut(transcoded.measurement, item)) continue
          return item
        }
      }
      let record: InfluxRecord | undefined
      let lineProtocol: string | undefined
      try {
        record = this.decoder!.decode(text, line, skip)
        if (record !== undefined && this.options.lineProtocol === true) lineProtocol = encodeLineProtocol(record)
      } catch (error) {
        if (!LogfileError.isInstance(error)) throw error
        if (!skip) this.bad(line, error.message, text, (error as { column?: number }).column)
        continue
      }
      if (record === undefined) continue
      if (this.plausible?.outside(record.timestamp) === true) {
        this.bad(line, this.plausible.reason(record.timestamp), text)
        continue
      }
      if (this.filteredOut(record.measurement, record)) continue
      return lineProtocol === undefined ? { record, file: this.file, line, endOffset: end } : { record, file: this.file, line, endOffset: end, lineProtocol }
    }
    this.batch = undefined
    return undefined
  }
}

/** The items of one file (see `FileItems`); an unknown format or a file that cannot be opened rejects the first `next()` with `LogReadError`. */
export function fileItems(file: string, options: ResolvedReadOptions, stats: ReadStats, report: (bad: BadLine) => void): FileItems {
  return new FileItems(file, options, stats, report)
}

