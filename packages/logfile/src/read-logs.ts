import { LogReadError } from './errors.js'
import { listLogFiles } from './list-log-files.js'
import { MinHeap } from './min-heap.js'
import { itemTime } from './transcoded-item.js'
import { defaultBadLineReporter } from './bad-line-reporter.js'
import { fileItems } from './file-items.js'
import { newReadStats, type BadLine, type LogReader, type ReadItem, type ReadItemIterator, type ReadOptions, type ReadStats } from './read-types.js'

interface Cursor {
  order: number
  items: AsyncIterator<ReadItem>
  item: ReadItem
  /** The item's timestamp (without decoding a transcoded item). */
  time: bigint
}

interface Pending {
  order: number
  file: string
  first: bigint | undefined
}

/** The timestamp of the first readable record of a file (no filters, nothing reported), or undefined. */
async function firstTimestamp(file: string, options: ReadOptions): Promise<bigint | undefined> {
  const quiet: ReadOptions = { format: options.format, maxLineBytes: options.maxLineBytes }
  for await (const item of fileItems(file, quiet, newReadStats(), () => {})) return item.record.timestamp
  return undefined
}

const earlier = (a: Cursor, b: Cursor) => a.time < b.time || (a.time === b.time && a.order < b.order)

/** Files merged by timestamp (see readLogs). */
async function* merged(files: readonly string[], options: ReadOptions, stats: ReadStats, report: (bad: BadLine) => void): AsyncGenerator<ReadItem> {
  // Files in the order of their first record; a file is opened only once the
  // records read so far reach its start, so rotated files are read one at a time.
  const pending: Pending[] = []
  for (const [order, file] of files.entries()) pending.push({ order, file, first: await firstTimestamp(file, options) })
  pending.sort((a, b) => (a.first === b.first ? a.order - b.order : a.first === undefined ? -1 : b.first === undefined ? 1 : a.first < b.first ? -1 : 1))
  const active = new MinHeap<Cursor>(earlier)
  const cursors: AsyncIterator<ReadItem>[] = []
  try {
    let next = 0
    for (;;) {
      while (next < pending.length && (active.size === 0 || pending[next]!.first === undefined || pending[next]!.first! <= active.peek()!.time)) {
        const { order, file } = pending[next++]!
        const items = fileItems(file, options, stats, report)
        cursors.push(items)
        const first = await items.next()
        if (!first.done) active.push({ order, items, item: first.value, time: itemTime(first.value) })
      }
      const cursor = active.pop()
      if (cursor === undefined) return
      yield cursor.item
      const following = await cursor.items.next()
      if (!following.done) {
        cursor.item = following.value
        cursor.time = itemTime(following.value)
        active.push(cursor)
      }
    }
  } finally {
    await Promise.all(cursors.map((c) => c.return?.()))
  }
}

/**
 * Streams the records of files, directories and globs (plain or `.gz`) in time
 * order across files: files are merged by timestamp, records inside one file
 * keep their file order. Filters and bad-line reporting as in `readLogFile`.
 */
export function readLogs(inputs: string | readonly string[], options: ReadOptions = {}): LogReader {
  const stats = newReadStats()
  const report = options.onBadLine ?? defaultBadLineReporter()
  return { stats, [Symbol.asyncIterator]: () => new LogsItems(inputs, options, stats, report) }
}

/** Lists the files on the first next(); one file is read directly (no generator step per record), several are merged. */
class LogsItems implements ReadItemIterator {
  private items: AsyncIterator<ReadItem> | undefined
  /** The one file's items (several files are merged item by item: nothing is at hand without a promise). */
  private single: ReadItemIterator | undefined
  private closed = false

  constructor(
    private readonly inputs: string | readonly string[],
    private readonly options: ReadOptions,
    private readonly stats: ReadStats,
    private readonly report: (bad: BadLine) => void,
  ) {}

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<ReadItem>> {
    return this.items === undefined ? this.start() : this.items.next()
  }

  ready(): ReadItem | undefined {
    return this.single?.ready()
  }

  async return(): Promise<IteratorResult<ReadItem>> {
    this.closed = true
    await this.items?.return?.()
    return { value: undefined, done: true }
  }

  private async start(): Promise<IteratorResult<ReadItem>> {
    if (this.closed) return { value: undefined, done: true }
    const files = await listLogFiles(this.inputs)
    if (this.options.startOffset !== undefined && files.length > 1) throw new LogReadError(`startOffset applies to one file, but ${files.length} files match`, undefined)
    if (files.length === 0) this.items = { next: async () => ({ value: undefined, done: true }) }
    else if (files.length === 1) this.items = this.single = fileItems(files[0]!, this.options, this.stats, this.report)
    else this.items = merged(files, this.options, this.stats, this.report)
    return this.items.next()
  }
}
