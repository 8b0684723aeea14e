import type { InfluxRecord } from '@eht-influx-client/logfile'
import type { Point } from '@influxdata/influxdb-client'
import { ClosedError, InvalidInputError } from './errors.js'
import type { DeliveryCallbacks, ErrorEvent } from './events.js'
import { LostWrites, pointsOfCall } from './lost-writes.js'
import type { Pipeline } from './pipeline.js'
import type { PointCollector } from './point-collector.js'
import { normalizeLines, normalizePoints } from './points.js'
import { callSafely } from './safe-call.js'
import type { ServerStats } from './server-context.js'
import type { ServerOutcome } from './ticket.js'
import type { TimestampUnit } from './timestamps.js'
import { collectRows, type CallOptions, type WriteMode, type WriteOptions } from './write-options.js'

/** Options of `client.writeApi()`; callbacks receive the events of the client's delivery while this WriteApi is open. */
export interface WriteApiOptions extends DeliveryCallbacks {
  /** Default: `[client] write_mode`. */
  writeMode?: WriteMode
  /** Unit of `number` timestamps and of line-protocol timestamps (default ns). */
  timestampUnit?: TimestampUnit
  /** Drop bad rows/points/lines (each reported) instead of rejecting the call (default false). */
  skipInvalid?: boolean
  /** Called for each dropped bad item when skipInvalid is on. */
  onInvalid?: (error: InvalidInputError) => void
}

export interface WriteResult {
  /** Points of the call written to the logfile and queued for the servers. */
  points: number
  /** Bad items dropped (skipInvalid only). */
  skipped: readonly InvalidInputError[]
  /** Synchronous mode: per server, what became of the points; undefined in asynchronous mode. */
  servers: Record<string, ServerOutcome> | undefined
}

/**
 * Writes points: validated at the call (bad input throws InvalidInputError
 * naming the row and column, before anything of the call is written), then
 * logfile first, then every server.
 */
export class WriteApi {
  private closing: Promise<void> | undefined
  private readonly pending = new Set<Promise<unknown>>()
  private readonly removeCallbacks: () => void
  /** Set once this WriteApi's callbacks are removed from the client's events (its close() is done). */
  private callbacksRemoved = false
  private readonly lost = new LostWrites((event) => this.reportLost(event))

  constructor(
    private readonly pipeline: Pipeline,
    private readonly options: Required<Pick<WriteApiOptions, 'writeMode' | 'timestampUnit' | 'skipInvalid'>> & WriteApiOptions,
    private readonly defaultTags: Readonly<Record<string, string>>,
    /** Called once close() is done (the client then forgets this WriteApi). */
    private readonly onClosed: (api: WriteApi) => void = () => {},
  ) {
    const { onDelivered, onRetry, onSpooled, onError } = options
    this.removeCallbacks = pipeline.delivery.on({ onDelivered, onRetry, onSpooled, onError })
  }

  /** Rows -> points. Asynchronous mode: resolves once logged; synchronous: once every server accepted or spooled them. */
  write(options: WriteOptions): Promise<WriteResult> {
    const closed = this.closedError()
    if (closed !== undefined) return this.lost.refuse(closed, pointsOfCall((options as Partial<WriteOptions> | undefined)?.record))
    const collector = collectRows(options, { ...this.pointOptions(options ?? {}), lines: this.pipeline.hasServers })
    return this.submit(collector, options.writeMode)
  }

  writePoint(point: Point | InfluxRecord, options: CallOptions = {}): Promise<WriteResult> {
    return this.writePoints([point], options)
  }

  writePoints(points: readonly (Point | InfluxRecord)[], options: CallOptions = {}): Promise<WriteResult> {
    const closed = this.closedError()
    if (closed !== undefined) return this.lost.refuse(closed, pointsOfCall(points))
    if (!Array.isArray(points)) throw new InvalidInputError(`writePoints() takes an array, got ${typeof points}`, undefined, undefined)
    return this.submit(normalizePoints(points, this.pointOptions(options)), options.writeMode)
  }

  /** One line of line protocol (timestamp in timestampUnit; none: now). */
  writeRecord(line: string, options: CallOptions = {}): Promise<WriteResult> {
    return this.writeRecords([line], options)
  }

  writeRecords(lines: readonly string[], options: CallOptions = {}): Promise<WriteResult> {
    const closed = this.closedError()
    if (closed !== undefined) return this.lost.refuse(closed, pointsOfCall(lines))
    if (!Array.isArray(lines)) throw new InvalidInputError(`writeRecords() takes an array of strings, got ${typeof lines}`, undefined, undefined)
    return this.submit(normalizeLines(lines, this.pointOptions(options)), options.writeMode)
  }

  /** Resolves when everything written so far is in the logfile and accepted by every server or spooled (waits through retries). */
  async flush(): Promise<void> {
    await this.pipeline.flush()
    await Promise.allSettled([...this.pending])
  }

  /** Stops accepting writes; resolves when all of this WriteApi's points are logged and accepted or spooled (a failing send is spooled, not retried). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.pipeline.flush(true)
      } finally {
        // Also when the flush failed (the logfile: close() rejects with its error): this WriteApi's
        // calls are still waited for, and its callbacks must not receive the client's later events.
        await Promise.allSettled([...this.pending])
        this.removeCallbacks()
        this.callbacksRemoved = true
        this.onClosed(this)
      }
    })()
    return this.closing
  }

  /** Counters per server (for the whole client). */
  stats(): Record<string, ServerStats> {
    return this.pipeline.delivery.stats()
  }

  private pointOptions(options: CallOptions) {
    return {
      timestampUnit: options.timestampUnit ?? this.options.timestampUnit,
      defaultTags: this.defaultTags,
      skipInvalid: options.skipInvalid ?? this.options.skipInvalid,
    }
  }

  /**
   * The ClosedError of a write after close(), returned as a rejected promise rather than thrown: a caller's
   * `.catch()` on the promise (a timer that keeps writing while a signal handler awaits close()) must see it.
   * It is marked handled (an unawaited one would end the process, in the middle of the close()), and its
   * points are reported as lost instead: see LostWrites.
   */
  private closedError(): ClosedError | undefined {
    if (this.closing !== undefined) return new ClosedError('write after close(): this WriteApi is closed; get a new one with client.writeApi()')
    if (this.pipeline.delivery.closed) return new ClosedError('write after client.close(): open a new client')
    return undefined
  }

  /** Lost points go where the client's errors go (onError, stderr), and to this WriteApi's own onError once it no longer gets those. */
  private reportLost(event: ErrorEvent): void {
    this.pipeline.delivery.events.error(event)
    if (this.callbacksRemoved) callSafely(this.options.onError, event)
  }

  private submit(collector: PointCollector, mode: WriteMode | undefined): Promise<WriteResult> {
    for (const skipped of collector.skipped) {
      // The call's good rows are logged and sent whatever the callback does (a throw, an async one that rejects).
      callSafely(this.options.onInvalid, skipped)
      this.pipeline.delivery.events.error({ server: undefined, points: 1, reason: skipped.message, error: skipped })
    }
    const sync = (mode ?? this.options.writeMode) === 'synchronous'
    // Only the counts are kept: the records and lines may go once logged and queued.
    const { count: points, skipped } = collector
    const result = this.pipeline.submit(collector.records, collector.joined(), sync).then((servers) => ({ points, skipped, servers }))
    this.pending.add(result)
    // An unawaited call must not crash the script with an unhandled rejection: the error was reported.
    result.then(
      () => this.pending.delete(result),
      () => this.pending.delete(result),
    )
    return result
  }
}
