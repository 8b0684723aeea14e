import fs from 'node:fs'
import path from 'node:path'
import { CompressionJobs } from './compression-jobs.js'
import { CompressionSweep, DEFAULT_COMPRESS_GRACE_MS } from './compression-sweep.js'
import { LogWriteError, LogWriterClosedError, LogWriterOptionsError, RecordError } from './errors.js'
import { FileNaming } from './file-naming.js'
import { chunkEncoder, type ChunkEncoder } from './formats.js'
import { LogTarget, type LogWriterStats } from './log-target.js'
import type { InfluxRecord } from './record.js'
import { RotatedNames } from './rotated-names.js'
import { endsTorn, TORN_MARKER } from './torn-line.js'
import { checkWriterOptions, DEFAULT_COMPRESS_CLOSE_WAIT_MS, DEFAULT_FLUSH_INTERVAL_MS, type LogWriterOptions } from './writer-options.js'
import { recordsInWritten } from './written-records.js'

export interface LogWriter {
  /**
   * Encodes and appends whole lines with one write() (O_APPEND); resolves once written (and fdatasync'ed with fsync = always).
   * Rejects with `RecordError` (nothing written) when a record is invalid, and with `LogWriteError` when the file cannot
   * be written: its `recordsWritten` says how many of the records, from the first on, are in the file as whole lines.
   */
  append(records: readonly InfluxRecord[]): Promise<void>
  /** Everything appended so far is written and fdatasync'ed, and pending compressions are done. */
  flush(): Promise<void>
  /** flush(), then closes the file. Safe to call twice. */
  close(): Promise<void>
  /** The file appended to now; undefined once closed. */
  readonly currentPath: string | undefined
  readonly stats: Readonly<LogWriterStats>
}

/** Writes in a row whose file was removed right after them before append() gives up (a compression removes a file once). */
const MAX_REMOVED_WRITES = 4

class FileLogWriter implements LogWriter {
  readonly stats: LogWriterStats = { records: 0, bytes: 0, writes: 0, syncs: 0, rotations: 0, compressed: 0 }
  private readonly target: LogTarget
  private readonly encoder: ChunkEncoder
  private readonly naming: FileNaming
  private readonly names: RotatedNames
  private readonly sweep: CompressionSweep | undefined
  /** File size right after our last write: anything else means another writer (CSV then repeats its header). */
  private expectedSize = -1
  private tailChecked = false
  private queue: Promise<unknown> = Promise.resolve()
  private timer: NodeJS.Timeout | undefined
  private backgroundError: unknown
  private closing: Promise<void> | undefined
  /** The file appended to last, for lines a compression gives back once closing. */
  private lastPath: string | undefined
  /** Compressions waiting for space to publish lines only they hold (see HeldLines), and a promise that ends once one does. */
  private holding = 0
  private held = waitingSignal()
  /** When compressions waiting for space give up: set by close(), which then resolves giveUpAtSet (waking them). */
  private giveUpAt = Infinity
  private readonly giveUpAtSet = waitingSignal()

  constructor(
    private readonly options: LogWriterOptions,
    directives: ReadonlySet<string>,
  ) {
    this.encoder = chunkEncoder(options.format)
    this.naming = new FileNaming(options.path, options.rotate, directives)
    this.names = new RotatedNames(options.path, options.rotate, directives)
    const jobs = new CompressionJobs()
    if (options.compressRotated === true && options.rotate.kind !== 'none') {
      this.sweep = new CompressionSweep({
        names: this.names,
        rotate: options.rotate,
        graceMs: options.compressGraceMs ?? DEFAULT_COMPRESS_GRACE_MS,
        jobs,
        held: {
          onWaiting: (error) => {
            this.backgroundError ??= error
            if (this.holding++ === 0) this.held.resolve()
          },
          onWaitEnd: (error) => {
            // The wait is over: its report no longer holds. Giving up then throws its own (where the lines went,
            // or that they are lost), which onError below must not find taken by this one.
            if (this.backgroundError === error) this.backgroundError = undefined
            if (--this.holding === 0) this.held = waitingSignal()
          },
          giveUpAt: () => this.giveUpAt,
          giveUpAtChanged: () => this.giveUpAtSet.promise,
          rescue: (bytes, file) => this.rescue(bytes, file),
        },
        nowMs: () => this.nowMs(),
        onCompressed: () => void this.stats.compressed++,
        onError: (error) => (this.backgroundError ??= error),
      })
    }
    this.target = new LogTarget(options, this.stats, jobs, this.sweep)
    this.target.onSwitch = () => {
      this.expectedSize = -1
      this.tailChecked = false
    }
  }

  get currentPath(): string | undefined {
    return this.target.path
  }

  async open(): Promise<void> {
    const now = this.nowMs()
    await this.target.select(this.naming.at(now), 0)
    // Rotated files left plain by earlier runs (stopped before they settled, or killed mid-compression).
    this.sweep?.request(this.names.dirsAround(now), this.target.path)
    if (this.options.fsync !== 'interval') return
    this.timer = setInterval(() => {
      if (this.target.dirty) this.enqueue(() => this.target.syncIfDirty()).catch((error: unknown) => (this.backgroundError ??= error))
    }, this.options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS)
    this.timer.unref()
  }

  append(records: readonly InfluxRecord[]): Promise<void> {
    if (this.closing !== undefined) return Promise.reject(new LogWriterClosedError('append() after close()'))
    if (!Array.isArray(records)) return Promise.reject(new RecordError(`append() takes an array of records, got ${typeof records}`))
    if (records.length === 0) return Promise.resolve()
    return this.enqueue(() => this.write(records))
  }

  async flush(): Promise<void> {
    if (this.closing !== undefined) throw new LogWriterClosedError('flush() after close()')
    await this.enqueue(() => this.target.syncIfDirty())
    await this.settle(false)
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer)
      this.sweep?.close()
      this.giveUpAt = Date.now() + (this.options.compressCloseWaitMs ?? DEFAULT_COMPRESS_CLOSE_WAIT_MS)
      this.giveUpAtSet.resolve()
      await this.enqueue(async () => {
        this.lastPath = this.target.path
        await this.target.closeHandle()
        this.target.path = undefined
      })
      await this.settle(true)
    })()
    return this.closing
  }

  /**
   * Waits for background compressions, then throws the first background error (interval fsync, compression).
   * While a compression waits for space (a full disk), only close() waits for it (until it gives up): flush() reports it once.
   */
  private async settle(closing: boolean): Promise<void> {
    const settled = this.target.settled()
    await (closing ? settled : Promise.race([settled, this.held.promise]))
    const error = this.backgroundError
    this.backgroundError = undefined
    if (error !== undefined) throw error
  }

  /**
   * Appends lines a compression gave back (see HeldLines) to the file appended to now (or last): not through the
   * queue (a write there may wait for that compression), as one O_APPEND write. Not for CSV: rows need their own
   * file's annotation block. Never creates a file (one beside its .gz would hide it).
   */
  private async rescue(bytes: Buffer, from: string): Promise<string | undefined> {
    const file = this.target.path ?? this.lastPath
    if (this.options.format === 'csv' || file === undefined || path.resolve(file) === path.resolve(from)) return undefined
    const handle = await fs.promises.open(file, fs.constants.O_RDWR | fs.constants.O_APPEND)
    try {
      const before = await handle.stat()
      const parts = [bytes]
      if (await endsTorn(handle, before.size)) parts.unshift(Buffer.from(`${TORN_MARKER}\n`))
      if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) parts.push(Buffer.from(`${TORN_MARKER}\n`))
      const text = Buffer.concat(parts)
      const { bytesWritten } = await handle.write(text)
      if (bytesWritten !== text.length) throw new Error(`only ${bytesWritten} of ${text.length} bytes were written`)
      await handle.datasync()
      return (await handle.stat()).nlink === 0 ? undefined : file
    } finally {
      await handle.close()
    }
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op)
    this.queue = run.catch(() => undefined)
    return run
  }

  private nowMs(): number {
    const date = (this.options.now ?? (() => new Date()))()
    const ms = date instanceof Date ? date.getTime() : NaN
    if (Number.isNaN(ms)) throw new LogWriterOptionsError(`LogWriterOptions.now() must return a valid Date, got ${String(date)}`, 'now')
    return ms
  }

  private async write(records: readonly InfluxRecord[]): Promise<void> {
    const target = this.target
    // A file removed under us right after our write (a compression by another process that found it settled in
    // that instant) may not hold our lines: they are written again to the file chosen now (at worst twice, never lost).
    let written = 0
    try {
      const base = this.naming.at(this.nowMs())
      if (base !== target.base) await target.select(base, 0)
      for (let attempt = 1; ; attempt++) {
        written = 0
        await this.writeOnce(records)
        written = records.length
        if (this.options.fsync === 'always') await target.syncIfDirty()
        if (target.stat().nlink !== 0) return
        // The lines may be only in the removed file: none counts as written (a caller that appends them again
        // makes at worst a duplicate), also when opening the next file fails.
        written = 0
        if (attempt === MAX_REMOVED_WRITES) {
          throw new LogWriteError(
            `cannot append to ${target.path}: it was removed right after each of ${attempt} writes in a row (another process compressing or deleting the logfiles), so the records may be only in removed files`,
            target.path,
            { recordsWritten: 0 },
          )
        }
        // The next attempt's writeOnce() opens the file again (it finds this one removed).
      }
    } catch (error) {
      // A failure before the write (opening the next file) or after it (fsync): every record or none is in the file.
      if (!LogWriteError.isInstance(error) || error.recordsWritten !== undefined) throw error
      throw new LogWriteError(`${error.message} (${written} of the ${records.length} records were written whole before it failed)`, error.path, { cause: error.cause, recordsWritten: written })
    }
  }

  private async writeOnce(records: readonly InfluxRecord[]): Promise<void> {
    const target = this.target
    let stat = target.stat()
    if (stat.nlink === 0) {
      // Another process compressed and removed the file: start it again.
      await target.select(target.base, target.counter, true)
      stat = target.stat()
    }
    if (stat.size !== this.expectedSize) this.encoder.reset()
    let buffer = this.encoder.encode(records)
    const rotate = this.options.rotate
    if (rotate.kind === 'size' && stat.size > 0 && stat.size + buffer.length > rotate.maxBytes) {
      await target.select(target.base, target.counter + 1, false, buffer.length)
      stat = target.stat()
      this.encoder.reset()
      buffer = this.encoder.encode(records)
    }
    let marker = 0
    if (!this.tailChecked) {
      if (await endsTorn(target.handle!, stat.size)) {
        marker = Buffer.byteLength(`${TORN_MARKER}\n`)
        buffer = Buffer.concat([Buffer.from(`${TORN_MARKER}\n`), buffer])
      }
      this.tailChecked = true
    }
    try {
      await target.writeAll(buffer)
    } catch (error) {
      this.tailChecked = false
      this.expectedSize = -1
      this.encoder.reset()
      const written = recordsInWritten(this.options.format, buffer, marker, (error as { written: number }).written)
      const { message, cause } = error as Error
      throw new LogWriteError(`${message} (${written} of the ${records.length} records were written whole before it failed; the rest are not in the file)`, target.path, { cause, recordsWritten: written })
    }
    this.expectedSize = stat.size + buffer.length
    this.stats.records += records.length
    this.stats.bytes += buffer.length
    this.stats.writes++
  }
}

/** A promise and its resolve(). */
function waitingSignal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((done) => (resolve = done))
  return { promise, resolve }
}

/**
 * Opens (creating directories and the file as needed) a logfile writer. Several
 * processes may append to the same files: each append is one O_APPEND write of
 * whole lines. Throws `LogWriterOptionsError` naming a bad option.
 */
export async function openLogWriter(options: LogWriterOptions): Promise<LogWriter> {
  const directives = checkWriterOptions(options)
  const writer = new FileLogWriter(options, directives)
  await writer.open()
  return writer
}
