import { fileItems, type FileItems } from './file-items.js'
import type { LineProtocolRun } from './line-protocol-run.js'
import { MinHeap } from './min-heap.js'
import { newReadStats, type BadLine, type ReadItem, type ReadItemIterator, type ReadStats } from './read-types.js'
import type { ResolvedReadOptions } from './read-time-bounds.js'
import { itemTime } from './transcoded-item.js'

interface Cursor {
  order: number
  items: FileItems
  item: ReadItem
  /** The item's timestamp (without decoding a transcoded item). */
  time: bigint
}

interface Pending {
  order: number
  file: string
  first: bigint | undefined
}

/** The timestamp of the first readable (and plausible) record of a file (no filters, nothing reported), or undefined. */
async function firstTimestamp(file: string, options: ResolvedReadOptions): Promise<bigint | undefined> {
  const quiet: ResolvedReadOptions = { format: options.format, maxLineBytes: options.maxLineBytes, plausible: options.plausible }
  for await (const item of fileItems(file, quiet, newReadStats(), () => {})) return item.record.timestamp
  return undefined
}

const earlier = (a: Cursor, b: Cursor) => a.time < b.time || (a.time === b.time && a.order < b.order)

/**
 * The items of several files merged by timestamp (see readLogs). Files are
 * taken in the order of their first record, and a file is opened only once
 * the records read so far reach its start, so rotated files are read one at
 * a time; while only one file is open, its points may come as runs
 * (readyRun), up to the first record of the next file.
 */
export class MergedItems implements ReadItemIterator {
  private pending: Pending[] | undefined
  private nextPending = 0
  private readonly active = new MinHeap<Cursor>(earlier)
  private readonly opened: FileItems[] = []
  /** The cursor whose item was handed out last: read on before the next item is chosen. */
  private taken: Cursor | undefined
  private closed = false

  constructor(
    private readonly files: readonly string[],
    private readonly options: ResolvedReadOptions,
    private readonly stats: ReadStats,
    private readonly report: (bad: BadLine) => void,
  ) {}

  [Symbol.asyncIterator](): this {
    return this
  }

  async next(): Promise<IteratorResult<ReadItem>> {
    if (this.closed) return { value: undefined, done: true }
    const pending = (this.pending ??= await this.sortedFiles())
    if (this.taken !== undefined) {
      const cursor = this.taken
      this.taken = undefined
      await this.advance(cursor)
    }
    while (this.nextPending < pending.length) {
      const { order, file, first } = pending[this.nextPending]!
      const top = this.active.peek()
      if (top !== undefined && first !== undefined && first > top.time) break
      this.nextPending++
      const items = fileItems(file, this.options, this.stats, this.report)
      this.opened.push(items)
      const head = await items.next()
      if (head.done !== true) this.active.push({ order, items, item: head.value, time: itemTime(head.value) })
    }
    const cursor = this.active.pop()
    if (cursor === undefined) return { value: undefined, done: true }
    this.taken = cursor
    return { value: cursor.item, done: false }
  }

  /** Several files are read item by item (next()) between runs. */
  nextChunk(): Promise<boolean> {
    return Promise.resolve(false)
  }

  ready(): ReadItem | undefined {
    return undefined
  }

  readyRun(): LineProtocolRun | undefined {
    // Only while the file read last is the only one open, and before the next file's first record.
    const cursor = this.taken
    if (cursor === undefined || this.active.size > 0 || this.pending === undefined) return undefined
    const next = this.pending[this.nextPending]
    if (next !== undefined && next.first === undefined) return undefined
    return cursor.items.readyRun(next?.first)
  }

  async return(): Promise<IteratorResult<ReadItem>> {
    this.closed = true
    await Promise.all(this.opened.map((items) => items.return()))
    return { value: undefined, done: true }
  }

  private async advance(cursor: Cursor): Promise<void> {
    const item = cursor.items.ready()
    const following = item !== undefined ? { value: item, done: false } : await cursor.items.next()
    if (following.done === true) return
    cursor.item = following.value
    cursor.time = itemTime(following.value)
    this.active.push(cursor)
  }

  private async sortedFiles(): Promise<Pending[]> {
    const pending: Pending[] = []
    for (const [order, file] of this.files.entries()) pending.push({ order, file, first: await firstTimestamp(file, this.options) })
    return pending.sort((a, b) => (a.first === b.first ? a.order - b.order : a.first === undefined ? -1 : b.first === undefined ? 1 : a.first < b.first ? -1 : 1))
  }
}
