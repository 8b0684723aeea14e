import { encodeLineProtocol, readLogs, STATION_TIMES, type BadLine, type ReadOptions } from '@eht-influx-client/logfile'
import type { LinePrinter } from './dry-run-output.js'
import type { ProgressMeter, ReadCounter } from './progress.js'
import type { ServerFeed } from './server-feed.js'

export interface PipelineSetup {
  files: readonly string[]
  /** The reader's options (filters, format), without onBadLine. */
  read: Omit<ReadOptions, 'onBadLine'>
  /** Each bad line this reader meets (every reader meets those of a file in the order of their numbers). */
  onBadLine: (bad: BadLine) => void
  /** The one server this pipeline feeds; undefined for a dry run. */
  feed: ServerFeed | undefined
  /** A dry run's printer. */
  printer: LinePrinter | undefined
  meter: ProgressMeter
  /** True once the replay must stop (signal, or another pipeline failed). */
  stopping: () => boolean
}

/**
 * One reading of the input for one server (or a dry run's printer), with a
 * reader of its own: a server whose window is full, or that is being retried,
 * holds up only its own pipeline, never another server's. Each reader reads
 * 1 MiB at a time, so memory stays flat per server.
 */
export class ReadPipeline {
  /** What this reader has read; its `stats`, the reader's counts (read, filtered), once it is open. */
  readonly counter: ReadCounter
  /** The whole input was read. */
  exhausted = false
  /** Stopped before the end: by `stopping()`, or because its server stopped taking points. */
  stoppedEarly = false

  constructor(private readonly setup: PipelineSetup) {
    this.counter = setup.meter.counter()
  }

  async run(): Promise<void> {
    const { files, feed, printer, meter, stopping } = this.setup
    const counter = this.counter
    const onBadLine = (bad: BadLine) => {
      feed?.passBadLine(bad.file, bad.line)
      this.setup.onBadLine(bad)
    }
    // lineProtocol: JSONL lines of a known shape are transcoded without building a record; floatsAsWritten:
    // a float is sent as the logfile writes it (a server parses it to the same double) without checking it is JS's text.
    // plausible: a timestamp outside the station times, 1990-2100, as the writer checks them, is a bad line (its
    // reason names the unit it looks like: seconds, ms or us written where ns belong), not a point stored in 1970;
    // checked on its digits, runs included.
    const reader = readLogs(files, { ...this.setup.read, lineProtocol: true, floatsAsWritten: true, plausible: STATION_TIMES, onBadLine })
    counter.stats = reader.stats
    // The items of a chunk already read come from ready() without a promise each; next() is awaited only between chunks.
    const items = reader[Symbol.asyncIterator]()
    let closed = false
    // Something takes the points: the server's feed, or a dry run's printer.
    const taking = printer !== undefined || feed !== undefined
    try {
      for (;;) {
        // Points transcoded straight from the bytes read come as runs: one string for many points. A dry run
        // prints them as they would be sent (the same runs, so the same text).
        const run = taking ? items.readyRun() : undefined
        if (run !== undefined) {
          counter.read(run.file, run.endOffsets[run.count - 1]!, run.count)
          if (printer !== undefined) {
            const wait = printer.printRun(run)
            if (wait !== undefined) await wait
            meter.sent(run.count)
          }
          if (feed !== undefined) {
            const wait = feed.addRun(run)
            if (wait !== undefined) await wait
          }
          if (stopping() || feed?.stopped === true) {
            this.stoppedEarly = true
            break
          }
          continue
        }
        let item = items.ready()
        // The next chunk read without taking an item from it: its first points come as a run too.
        if (item === undefined && taking && (await items.nextChunk())) continue
        if (item === undefined) {
          const next = await items.next()
          if (next.done === true) {
            closed = this.exhausted = true
            break
          }
          item = next.value
        }
        counter.read(item.file, item.endOffset)
        if (printer !== undefined) {
          const wait = printer.print(item.lineProtocol ?? encodeLineProtocol(item.record))
          if (wait !== undefined) await wait
          meter.sent(1)
        }
        if (feed !== undefined && !feed.skips(item.file, item.endOffset)) {
          const wait = feed.add(item.lineProtocol ?? encodeLineProtocol(item.record), item.file, item.endOffset, item.line)
          if (wait !== undefined) await wait
        }
        if (stopping() || feed?.stopped === true) {
          this.stoppedEarly = true
          break
        }
      }
      // As a for-await loop does when left early: the reader closes its file.
      if (!closed) {
        closed = true
        await items.return?.()
      }
      await printer?.flush()
      await feed?.finish()
    } finally {
      if (!closed) await items.return?.().catch(() => undefined)
    }
  }
}
