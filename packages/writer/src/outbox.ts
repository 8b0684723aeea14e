import { deliverBatch, UNSENT, type BatchResult } from './deliver-batch.js'
import { DeliveryFailedError, ServerRefusedError, SpoolFullError } from './errors.js'
import { recordRejected, retryHooks, type ServerContext } from './server-context.js'
import { refusalAdvice } from './http-sender.js'
import { describeServer } from './server-label.js'
import { Stopper } from './sleep.js'
import type { JoinedLines } from './joined-lines.js'
import { setLongTimeout, type LongTimer } from './long-timer.js'
import { monotonicMs } from './monotonic-clock.js'
import { LineQueue, settleSent, unsentSpans, type Span } from './line-queue.js'
import type { Ticket } from './ticket.js'

/** Batches of one server sent at the same time (the server and the link work in parallel). */
const MAX_IN_FLIGHT = 4

/**
 * One server's outbox: a bounded in-memory queue (max_buffer_lines; beyond it
 * points go to the spool), sent in batches (batch_size, batch_bytes,
 * flush_interval) up to MAX_IN_FLIGHT requests at a time, with the retry
 * policy. When a batch cannot be delivered the server is marked down: its
 * points and everything after them go to the spool until the spool drainer
 * gets through again (without a drainer, each batch is tried on its own).
 */
export class Outbox {
  private readonly queue = new LineQueue()
  private inFlight = 0
  private wakeUp: (() => void) | undefined
  private closing = false
  private hurry = new Stopper()
  private hurrying = 0
  private readonly running: Promise<void>
  /** Why the server is considered down (undefined: up). */
  down: string | undefined

  constructor(
    private readonly ctx: ServerContext,
    private readonly onSpool: () => void,
    /** A spool drainer runs and will mark the server up again: only then may it be marked down. */
    private readonly drained: boolean,
  ) {
    this.running = this.pump()
  }

  /**
   * Queues lines without waiting for the server; with a ticket, settles it as
   * they are delivered, spooled or rejected. Resolves at once, or, when the
   * memory buffer is full, once the overflow is in the spool (disk only).
   */
  enqueue(lines: JoinedLines, ticket?: Ticket): Promise<void> {
    if (lines.count === 0) return Promise.resolve()
    const { stats, server } = this.ctx
    stats.written += lines.count
    // While the server is down, memory holds one batch more at most: the rest is safer (and cheaper) in the spool.
    // A batch being retried does not count: a passing fault (a 503, a reset) must not push points to disk,
    // or a short-lived script would leave them in the spool until its next run.
    const failing = this.down !== undefined
    const limit = failing ? Math.min(server.maxBufferLines, server.batchSize) : server.maxBufferLines
    const room = Math.max(0, limit - stats.queued)
    const kept = room >= lines.count ? lines : lines.slice(0, room)
    if (kept.count > 0) {
      const wasEmpty = this.queue.lines === 0
      this.queue.push(kept, ticket)
      stats.queued += kept.count
      if (wasEmpty || this.queue.lines >= server.batchSize || this.queue.bytes >= server.batchBytes) this.wakeUp?.()
    }
    if (kept.count === lines.count) return Promise.resolve()
    const overflow = lines.slice(kept.count, lines.count)
    const why = failing
      ? `${describeServer(server)} is down (${this.down}): points beyond one batch wait in the spool, not in memory`
      : `more than max_buffer_lines = ${server.maxBufferLines} points waiting in memory`
    return this.spoolLines(overflow, why, [[ticket, overflow.count]]).then(() => undefined)
  }

  /**
   * Resolves when everything queued before it is accepted, rejected or
   * spooled. `hurry`: retries are cut short and failing points spooled at once.
   */
  async flush(hurry = false): Promise<void> {
    // Closing: the sending loop takes no new marker once its queue is empty. It ends only when everything
    // queued (before this call too) is delivered, rejected or spooled, which is what a flush waits for.
    if (this.closing) return this.running
    if (hurry && this.hurrying++ === 0) this.hurry.stop()
    try {
      await new Promise<void>((resolve) => {
        this.queue.pushMarker(resolve)
        this.wakeUp?.()
      })
    } finally {
      if (hurry && --this.hurrying === 0) this.hurry = new Stopper()
    }
  }

  /** Flushes in a hurry, then stops the sending loop. */
  async close(): Promise<void> {
    await this.flush(true)
    this.closing = true
    this.hurry.stop()
    this.wakeUp?.()
    await this.running
  }

  /** The spool drainer got everything through: send again. */
  markUp(): void {
    this.down = undefined
  }

  /** A batch should go now: full, old enough, flushed or closing. */
  private batchReady(): boolean {
    const { server } = this.ctx
    const q = this.queue
    if (this.closing || q.markers > 0 || q.lines >= server.batchSize || q.bytes >= server.batchBytes) return true
    return q.lines > 0 && monotonicMs() - q.since >= server.flushIntervalMs
  }

  /** Until wakeUp() (new lines, a flush, a batch done) or, with lines waiting, their flush interval. */
  private waitForSignal(): Promise<void> {
    return new Promise((resolve) => {
      let timer: LongTimer | undefined
      const done = () => {
        timer?.clear()
        this.wakeUp = undefined
        resolve()
      }
      // Points only in memory keep the process alive until they are sent (the timer is not unref'ed).
      if (this.queue.lines > 0) timer = setLongTimeout(done, this.queue.since + this.ctx.server.flushIntervalMs - monotonicMs())
      this.wakeUp = done
    })
  }

  /** Starts up to MAX_IN_FLIGHT batches; a flush marker waits until every batch before it is done. */
  private async pump(): Promise<void> {
    for (;;) {
      const head = this.queue.headKind()
      if (head === 'marker' && this.inFlight === 0) {
        const marker = this.queue.popMarker()
        await this.ctx.spool.idle()
        marker()
        continue
      }
      if (head === 'lines' && this.inFlight < MAX_IN_FLIGHT && this.batchReady()) {
        const [lines, spans] = this.queue.take(this.ctx.server.batchSize, this.ctx.server.batchBytes)
        this.ctx.stats.queued -= lines.count
        this.inFlight++
        this.process(lines, spans)
          .catch((error: unknown) => this.reportBug(error, lines.count))
          .finally(() => {
            this.inFlight--
            this.wakeUp?.()
          })
        continue
      }
      if (head === 'empty' && this.closing && this.inFlight === 0) return
      await this.waitForSignal()
    }
  }

  private async process(lines: JoinedLines, spans: Span[]): Promise<void> {
    if (this.down !== undefined) {
      await this.spoolLines(lines, `${describeServer(this.ctx.server)} is down (${this.down})`, spans)
      return
    }
    const { stats, hub, server } = this.ctx
    let result: BatchResult
    try {
      result = await deliverBatch(this.ctx.sender, this.ctx.policy, lines, this.hurry, retryHooks(this.ctx))
    } catch (error) {
      // Should never happen; if it does, the points are kept and their calls answered, not left hanging.
      result = this.internalError(error, lines.count)
    }
    stats.delivered += result.accepted
    if (result.accepted > 0) hub.delivered({ server: server.name, points: result.accepted, fromSpool: false })
    await recordRejected(this.ctx, result.rejected.length === 0 ? [] : lines.lines(), result)
    settleSent(spans, result)
    if (result.unsent === 0) return
    const reason = result.reason ?? 'not delivered'
    // Down before the spool write: batches in flight meanwhile go to the spool too, not to the server.
    if (this.drained) this.down ??= reason
    const unsent = result.unsent === lines.count ? lines : lines.filter((i) => result.status[i] === UNSENT)
    const failure = await this.spoolLines(unsent, reason, unsentSpans(spans, result.status))
    this.reportUndelivered(reason, result, failure)
  }

  /** Says why the points were not delivered, and, once the spool write is done, where they are. */
  private reportUndelivered(reason: string, result: BatchResult, failure: SpoolFullError | undefined): void {
    const { server, hub } = this.ctx
    const label = describeServer(server)
    const where = keptWhere(result.unsent, failure)
    const error =
      result.refused
        ? new ServerRefusedError(
            result.refusedStatus === undefined
              ? `${reason}; ${where ?? 'points are kept in the spool'}`
              : `${label} refused the write (${reason}); ${refusalAdvice(result.refusedStatus)}; ${where ?? 'points are kept in the spool'}`,
            server.name,
            result.refusedStatus,
          )
        : new DeliveryFailedError(`${label}: ${reason}; ${where ?? 'points are kept in the spool and sent when it answers again'}`, server.name)
    hub.error({ server: server.name, points: result.unsent, reason, error })
  }

  /** A batch whose sending threw: every line unsent (so reported, spooled, and its tickets settled). */
  private internalError(error: unknown, count: number): BatchResult {
    const reason = `internal error while sending ${count} points (a bug: please report it): ${(error as Error)?.message ?? String(error)}`
    const status = new Uint8Array(count).fill(UNSENT)
    return { status, accepted: 0, rejected: [], unsent: count, reason, refused: false, refusedStatus: undefined }
  }

  /** Should never happen: reported loudly rather than lost in an unhandled rejection. */
  private reportBug(error: unknown, points: number): void {
    const { server, hub } = this.ctx
    const message = `internal error while delivering ${points} points to server "${server.name}": ${(error as Error)?.stack ?? String(error)}; they are in the logfile`
    hub.error({ server: server.name, points, reason: message, error: new DeliveryFailedError(message, server.name, { cause: error }) })
  }

  /**
   * Spools lines, settling their tickets as spooled, or as dropped when the
   * spool cannot take them (all, or the ones after those that fit): then
   * returns why, after reporting the drop with its cause.
   */
  private async spoolLines(lines: JoinedLines, reason: string, spans: Span[]): Promise<SpoolFullError | undefined> {
    const { spool, stats, hub, server } = this.ctx
    let failure: SpoolFullError | undefined
    try {
      await spool.append(lines)
    } catch (error) {
      failure = SpoolFullError.isInstance(error)
        ? error
        : new SpoolFullError(`cannot write the spool of server "${server.name}": ${(error as Error)?.message ?? String(error)}; ${lines.count} points are only in the logfile`, server.name, {
            cause: error,
            reason: 'spool-unwritable',
            detail: (error as Error)?.message ?? String(error),
          })
    }
    const kept = failure === undefined ? lines.count : Math.min(failure.spooled, lines.count)
    const dropCause = failure === undefined ? undefined : { reason: failure.reason, message: failure.message, detail: failure.detail }
    if (kept > 0) {
      stats.spooled += kept
      hub.spooled({ server: server.name, points: kept, reason })
    }
    if (failure !== undefined) {
      stats.dropped += lines.count - kept
      stats.dropCause = dropCause
      hub.error({ server: server.name, points: lines.count - kept, reason: failure.message, error: failure })
    }
    // The spool kept the first `kept` lines: the spans (in line order) settle as spooled up to there, then as dropped.
    let spooledLeft = kept
    for (const [ticket, count] of spans) {
      const spooled = Math.min(spooledLeft, count)
      spooledLeft -= spooled
      if (ticket === undefined) continue
      if (spooled < count) ticket.outcome.dropCause = dropCause
      ticket.settle('spooled', spooled, reason)
      ticket.settle('dropped', count - spooled, failure?.message)
    }
    if (kept > 0) this.onSpool()
    return failure
  }
}

/**
 * Where `points` that were not delivered are, when the spool did not keep
 * them all (undefined when it did): said only once the spool write is done.
 */
function keptWhere(points: number, failure: SpoolFullError | undefined): string | undefined {
  if (failure === undefined) return undefined
  const why = failure.reason === 'spool-full' ? 'the spool is full' : 'the spool cannot be written'
  const kept = Math.min(failure.spooled, points)
  if (kept === 0) return `${why}: the points are only in the logfile`
  return `${why}: ${kept} points are kept in the spool, the other ${points - kept} are only in the logfile`
}
