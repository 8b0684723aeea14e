import { ACCEPTED, deliverBatch, REJECTED, UNSENT, type BatchResult } from './deliver-batch.js'
import { DeliveryFailedError, ServerRefusedError, SpoolFullError } from './errors.js'
import { recordRejected, retryHooks, type ServerContext } from './server-context.js'
import { describeServer } from './server-label.js'
import { Stopper } from './sleep.js'
import type { Ticket } from './ticket.js'

type Entry = { lines: readonly string[]; offset: number; ticket: Ticket | undefined } | { marker: () => void }
/** Which call's ticket owns how many consecutive lines of a batch. */
type Span = [Ticket | undefined, number]

/**
 * One server's outbox: a bounded in-memory queue (max_buffer_lines; beyond it
 * points go to the spool), sent in batches (batch_size, batch_bytes,
 * flush_interval) one request at a time, with the retry policy. When a batch
 * cannot be delivered the server is marked down: its points and everything
 * after them go to the spool until the spool drainer gets through again.
 */
export class Outbox {
  private entries: Entry[] = []
  private head = 0
  private queuedBytes = 0
  private firstQueuedAt = 0
  private markers = 0
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
  ) {
    this.running = this.pump()
  }

  /** Queues lines (never waits); with a ticket, settles it as they are delivered, spooled or rejected. */
  enqueue(lines: readonly string[], ticket?: Ticket): void {
    if (lines.length === 0) return
    const { stats, server } = this.ctx
    stats.written += lines.length
    const room = Math.max(0, server.maxBufferLines - stats.queued)
    const kept = room >= lines.length ? lines : lines.slice(0, room)
    if (kept.length > 0) {
      const wasEmpty = stats.queued === 0
      this.entries.push({ lines: kept, offset: 0, ticket })
      stats.queued += kept.length
      for (const line of kept) this.queuedBytes += line.length + 1
      if (wasEmpty) this.firstQueuedAt = Date.now()
      if (wasEmpty || stats.queued >= server.batchSize || this.queuedBytes >= server.batchBytes) this.wakeUp?.()
    }
    if (kept.length < lines.length) {
      const overflow = lines.slice(kept.length)
      void this.spoolLines(overflow, `more than max_buffer_lines = ${server.maxBufferLines} points waiting in memory`, [[ticket, overflow.length]])
    }
  }

  /**
   * Resolves when everything queued before it is accepted, rejected or
   * spooled. `hurry`: retries are cut short and failing points spooled at once.
   */
  async flush(hurry = false): Promise<void> {
    if (hurry && this.hurrying++ === 0) this.hurry.stop()
    try {
      await new Promise<void>((resolve) => {
        this.entries.push({ marker: resolve })
        this.markers++
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

  private peek(): Entry | undefined {
    return this.entries[this.head]
  }

  private pop(): void {
    this.entries[this.head++] = undefined as unknown as Entry
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head)
      this.head = 0
    }
  }

  private ready(): boolean {
    const { stats, server } = this.ctx
    if (this.closing || this.markers > 0 || stats.queued >= server.batchSize || this.queuedBytes >= server.batchBytes) return true
    return stats.queued > 0 && Date.now() - this.firstQueuedAt >= server.flushIntervalMs
  }

  private waitForWork(): Promise<void> {
    if (this.ready()) return Promise.resolve()
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const done = () => {
        clearTimeout(timer)
        this.wakeUp = undefined
        resolve()
      }
      // Points only in memory keep the process alive until they are sent (the timer is not unref'ed).
      if (this.ctx.stats.queued > 0) timer = setTimeout(done, Math.max(0, this.firstQueuedAt + this.ctx.server.flushIntervalMs - Date.now()))
      this.wakeUp = done
    })
  }

  private async pump(): Promise<void> {
    for (;;) {
      await this.waitForWork()
      const entry = this.peek()
      if (entry === undefined) {
        if (this.closing) return
        continue
      }
      if ('marker' in entry) {
        this.pop()
        this.markers--
        await this.ctx.spool.idle()
        entry.marker()
        continue
      }
      const [lines, spans] = this.take()
      await this.process(lines, spans)
    }
  }

  /** Up to batch_size lines / batch_bytes from the head of the queue, stopping at a flush marker. */
  private take(): [string[], Span[]] {
    const { server, stats } = this.ctx
    const lines: string[] = []
    const spans: Span[] = []
    let bytes = 0
    for (let entry = this.peek(); entry !== undefined && !('marker' in entry); entry = this.peek()) {
      if (lines.length >= server.batchSize || (lines.length > 0 && bytes >= server.batchBytes)) break
      const start = lines.length
      while (entry.offset < entry.lines.length && lines.length < server.batchSize && (lines.length === 0 || bytes < server.batchBytes)) {
        const line = entry.lines[entry.offset++]!
        lines.push(line)
        bytes += line.length + 1
      }
      spans.push([entry.ticket, lines.length - start])
      if (entry.offset === entry.lines.length) this.pop()
    }
    stats.queued -= lines.length
    this.queuedBytes -= bytes
    if (stats.queued === 0) this.queuedBytes = 0
    return [lines, spans]
  }

  private async process(lines: string[], spans: Span[]): Promise<void> {
    if (this.down !== undefined) return this.spoolLines(lines, `${describeServer(this.ctx.server)} is down (${this.down})`, spans)
    const result = await deliverBatch(this.ctx.sender, this.ctx.policy, lines, this.hurry, retryHooks(this.ctx))
    const { stats, hub, server } = this.ctx
    stats.delivered += result.accepted
    if (result.accepted > 0) hub.delivered({ server: server.name, points: result.accepted, fromSpool: false })
    await recordRejected(this.ctx, lines, result)
    this.settleSpans(spans, result)
    if (result.unsent === 0) return
    const reason = result.reason ?? 'not delivered'
    this.markDown(reason, result)
    const unsent = lines.filter((_, i) => result.status[i] === UNSENT)
    await this.spoolLines(unsent, reason, this.unsentSpans(spans, result))
  }

  private markDown(reason: string, result: BatchResult): void {
    const { server, hub } = this.ctx
    const label = describeServer(server)
    const error =
      result.refusedStatus !== undefined
        ? new ServerRefusedError(`${label} refused the write (${reason}); check the token/credentials and the bucket; points are kept in the spool`, server.name, result.refusedStatus)
        : new DeliveryFailedError(`${label}: ${reason}; points are kept in the spool and sent when it answers again`, server.name)
    hub.error({ server: server.name, points: result.unsent, reason, error })
    this.down ??= reason
  }

  /** Settles each call's accepted and rejected lines of a sent batch. */
  private settleSpans(spans: Span[], result: BatchResult): void {
    let i = 0
    for (const [ticket, count] of spans) {
      let accepted = 0
      let rejected = 0
      for (const end = i + count; i < end; i++) {
        if (result.status[i] === ACCEPTED) accepted++
        else if (result.status[i] === REJECTED) rejected++
      }
      if (ticket === undefined) continue
      ticket.settle('accepted', accepted)
      ticket.settle('rejected', rejected, result.rejected[0]?.message)
    }
  }

  private unsentSpans(spans: Span[], result: BatchResult): Span[] {
    let i = 0
    return spans.map(([ticket, count]) => {
      let unsent = 0
      for (const end = i + count; i < end; i++) if (result.status[i] === UNSENT) unsent++
      return [ticket, unsent]
    })
  }

  /** Spools lines, settling their tickets as spooled, or as dropped when the spool cannot take them. */
  private async spoolLines(lines: readonly string[], reason: string, spans: Span[]): Promise<void> {
    const { spool, stats, hub, server } = this.ctx
    try {
      await spool.append(lines)
    } catch (error) {
      const full = error instanceof SpoolFullError ? error : new SpoolFullError(String(error), server.name, { cause: error })
      stats.dropped += lines.length
      hub.error({ server: server.name, points: lines.length, reason: full.message, error: full })
      for (const [ticket, count] of spans) ticket?.settle('dropped', count, full.message)
      return
    }
    stats.spooled += lines.length
    hub.spooled({ server: server.name, points: lines.length, reason })
    for (const [ticket, count] of spans) ticket?.settle('spooled', count, reason)
    this.onSpool()
  }
}
