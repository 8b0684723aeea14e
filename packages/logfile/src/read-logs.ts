import { LogReadError } from './errors.js'
import { listLogFiles } from './list-log-files.js'
import { MergedItems } from './merged-items.js'
import { defaultBadLineReporter } from './bad-line-reporter.js'
import { fileItems } from './file-items.js'
import type { LineProtocolRun } from './line-protocol-run.js'
import { newReadStats, type BadLine, type LogReader, type ReadItem, type ReadItemIterator, type ReadOptions, type ReadStats } from './read-types.js'
import { resolveReadOptions, type ResolvedReadOptions } from './read-time-bounds.js'

/**
 * Streams the records of files, directories and globs (plain or `.gz`) in time
 * order across files: files are merged by timestamp, records inside one file
 * keep their file order. Filters and bad-line reporting as in `readLogFile`.
 */
export function readLogs(inputs: string | readonly string[], options: ReadOptions = {}): LogReader {
  const resolved = resolveReadOptions(options)
  const stats = newReadStats()
  const report = options.onBadLine ?? defaultBadLineReporter()
  return { stats, [Symbol.asyncIterator]: () => new LogsItems(inputs, resolved, stats, report) }
}

/** Lists the files on the first next(); one file is read directly (no generator step per record), several are merged. */
class LogsItems implements ReadItemIterator {
  private items: AsyncIterator<ReadItem> | undefined
  /** The one file's items. */
  private single: ReadItemIterator | undefined
  /** Several files' items, merged (item by item, or in runs while one file is open). */
  private several: MergedItems | undefined
  private closed = false
  private opening: Promise<void> | undefined

  constructor(
    private readonly inputs: string | readonly string[],
    private readonly options: ResolvedReadOptions,
    private readonly stats: ReadStats,
    private readonly report: (bad: BadLine) => void,
  ) {}

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<ReadItem>> {
    return this.items === undefined ? this.open().then(() => this.items!.next()) : this.items.next()
  }

  ready(): ReadItem | undefined {
    return this.single?.ready()
  }

  readyRun(): LineProtocolRun | undefined {
    return this.single?.readyRun() ?? this.several?.readyRun()
  }

  async nextChunk(): Promise<boolean> {
    if (this.items === undefined) await this.open()
    return this.single?.nextChunk() ?? false
  }

  async return(): Promise<IteratorResult<ReadItem>> {
    this.closed = true
    await this.items?.return?.()
    return { value: undefined, done: true }
  }

  /** Lists the files and opens the one, or merges the several (once, however many calls wait for it). */
  private open(): Promise<void> {
    return (this.opening ??= this.listAndOpen())
  }

  private async listAndOpen(): Promise<void> {
    if (this.closed) {
      this.items = { next: async () => ({ value: undefined, done: true }) }
      return
    }
    const files = await listLogFiles(this.inputs)
    if (this.options.startOffset !== undefined && files.length > 1) throw new LogReadError(`startOffset applies to one file, but ${files.length} files match`, undefined)
    if (files.length === 0) this.items = { next: async () => ({ value: undefined, done: true }) }
    else if (files.length === 1) this.items = this.single = fileItems(files[0]!, this.options, this.stats, this.report)
    else this.items = this.several = new MergedItems(files, this.options, this.stats, this.report)
  }
}
