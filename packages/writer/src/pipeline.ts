import type { InfluxRecord, LogWriter } from '@eht-influx-client/logfile'
import type { Delivery } from './delivery.js'
import { LogfileWriteError } from './errors.js'
import { JoinedLines } from './joined-lines.js'
import type { ServerOutcome } from './ticket.js'

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
        const cause = (error as Error)?.message ?? String(error)
        const message = this.hasServers
          ? `the logfile could not be written (${cause}); these ${count} points are not in it, but were still handed to the servers (delivered, or kept in the spool)`
          : `the logfile could not be written (${cause}); no server is configured, so these ${count} points are kept nowhere: write them again once the logfile can be written`
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
    await this.logWriter.flush()
    await this.delivery.flush({ hurry })
  }

  /** Waits for the calls so far to be logged and queued, closes the delivery (sent or spooled), then the logfile. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.settled()
      await this.delivery.close()
      await this.logWriter.close()
    })()
    return this.closing
  }
}
