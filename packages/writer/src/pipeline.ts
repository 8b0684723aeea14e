import type { InfluxRecord, LogWriter } from '@eht-influx-client/logfile'
import type { Delivery } from './delivery.js'
import { LogfileWriteError } from './errors.js'
import { JoinedLines } from './joined-lines.js'
import type { ServerOutcome } from './ticket.js'

/**
 * What a failed append of `count` points says. The logfile's LogWriteError
 * tells how many of them, from the first on, it wrote whole before it failed
 * (a disk that filled up mid-write): those are in the logfile, the others not.
 */
function appendFailure(error: unknown, count: number, hasServers: boolean): string {
  const cause = (error as Error)?.message ?? String(error)
  const reported = (error as { recordsWritten?: unknown } | undefined)?.recordsWritten
  const written = typeof reported === 'number' ? Math.max(0, Math.min(count, reported)) : 0
  const missing = count - written
  const start = `the logfile could not be written (${cause}); `
  if (written === count) {
    // Written, then a later step failed (fsync): in the file, perhaps not on disk.
    return `${start}these ${count} points were written to it before it failed, but may not be on disk${hasServers ? '; they were also handed to the servers (delivered, or kept in the spool)' : ''}`
  }
  if (hasServers) {
    const which = written === 0 ? `these ${count} points are not in it` : `the first ${written} of these ${count} points were written to it; the other ${missing} are not in it`
    return `${start}${which}, but were still handed to the servers (delivered, or kept in the spool)`
  }
  const which = written === 0 ? `these ${count} points are kept nowhere` : `the first ${written} of these ${count} points were written to it; the other ${missing} are kept nowhere`
  return `${start}no server is configured, so ${which}: write them again once the logfile can be written`
}

/**
 * Logfile first, then the servers: each call's records are appended to the
 * logfile in call order, and only then its lines are queued for the servers.
 * A failing logfile does not stop delivery (the points would otherwise exist
 * nowhere); it is reported and the call's promise rejects.
 */
export class Pipeline {
  private tail: Promise<unknown> = Promise.resolve()
  private closing: Promise<void> | undefined

  /** False with no server configured: line protocol need not be made. */
  readonly hasServers: boolean

  constructor(
    readonly logWriter: LogWriter,
    readonly delivery: Delivery,
  ) {
    this.hasServers = delivery.servers.length > 0
  }

  /** Resolves once logged and queued (or spooled when a server's buffer is full); track: once every server accepted or spooled them. */
  submit(records: readonly InfluxRecord[], points: JoinedLines, track: boolean): Promise<Record<string, ServerOutcome> | undefined> {
    const lines = this.hasServers ? points : JoinedLines.EMPTY
    const count = records.length
    const logged = this.tail.then(() => this.logWriter.append(records))
    const handed = logged.then(
      () => this.delivery.queue(lines, track),
      async (error: unknown) => {
        await this.delivery.queue(lines, false).queued
        const message = appendFailure(error, count, this.hasServers)
        const failure = new LogfileWriteError(message, { cause: error })
        this.delivery.events.error({ server: undefined, points: count, reason: message, error: failure })
        throw failure
      },
    )
    // The next call waits until this one is logged and queued, never for the servers.
    const queued = handed.then((h) => h.queued)
    this.tail = queued.then(
      () => undefined,
      () => undefined,
    )
    return track ? handed.then((h) => h.outcome) : queued.then(() => undefined)
  }

  /** Resolves when every call so far is logged and queued. */
  settled(): Promise<void> {
    return this.tail.then(() => undefined)
  }

  /**
   * Everything so far in the logfile (fsynced) and accepted or spooled by every
   * server. During or after close(): when the close is done (it logs and
   * delivers or spools everything; the logfile then takes no flush).
   */
  async flush(hurry = false): Promise<void> {
    if (this.closing !== undefined) return this.closing
    await this.settled()
    if (this.closing !== undefined) return this.closing
    // Both, always: a logfile that cannot be flushed (a failed compression of a rotated
    // file, a failed fsync) must not keep the points from the servers.
    const [logged, delivered] = await Promise.allSettled([this.logWriter.flush(), this.delivery.flush({ hurry })])
    if (logged.status === 'rejected') throw this.logfileFailure('flushed', logged.reason)
    if (delivered.status === 'rejected') throw delivered.reason
  }

  /** Waits for the calls so far to be logged and queued, closes the delivery (sent or spooled), then the logfile. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.settled()
      await this.delivery.close()
      try {
        await this.logWriter.close()
      } catch (error) {
        throw this.logfileFailure('closed', error)
      }
    })()
    return this.closing
  }

  /**
   * The logfile's own error as a LogfileWriteError. A failed flush is also reported
   * like a failed append (onError, stderr): a station script may not look at what
   * flush() rejects with. A failed close only rejects (the reporting is closed by then).
   */
  private logfileFailure(step: 'flushed' | 'closed', error: unknown): LogfileWriteError {
    const cause = (error as Error)?.message ?? String(error)
    const servers = step === 'flushed' ? 'the servers were flushed all the same: every point written so far is accepted or spooled' : 'the servers were closed all the same: every point written is accepted or spooled'
    const message = `the logfile could not be ${step} (${cause})${this.hasServers ? `; ${servers}` : ''}`
    const failure = new LogfileWriteError(message, { cause: error })
    if (step === 'flushed') this.delivery.events.error({ server: undefined, points: 0, reason: message, error: failure })
    return failure
  }
}
