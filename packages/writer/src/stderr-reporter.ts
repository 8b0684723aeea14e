import type { ErrorsConfig } from '@eht-influx-client/config'
import { monotonicMs } from './monotonic-clock.js'
import type { DeliveryCallbacks, ErrorEvent, RetryEvent, SpooledEvent } from './events.js'
import { flushAtExit } from './exit-flush.js'
import { safeLineSink } from './safe-sink.js'

/** Where report lines go (process.stderr by default). */
export interface LineSink {
  write(text: string): unknown
}

interface Pending {
  retries: number
  spooled: number
  errors: number
  rejected: number
  last: string
}

const PREFIX = 'eht-influx-client:'
const who = (server: string | undefined) => (server === undefined ? 'client' : `server "${server}"`)

/**
 * `[errors] stderr`: `every` prints each retry, spool and error; `summary`
 * prints at most one line per server per minute (the first event at once, the
 * rest counted into the next line); `off` prints nothing.
 */
export class StderrReporter {
  private readonly pending = new Map<string, Pending>()
  private readonly lastPrinted = new Map<string, number>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  /** Never throws nor ends the process (a closed stderr: EPIPE); see safeLineSink. */
  private readonly sink: LineSink
  private closed = false
  /** After close(): prints what is held back if the process exits first (the timers do not keep it alive). */
  private cancelExit: (() => void) | undefined

  constructor(
    private readonly mode: ErrorsConfig['stderr'],
    sink: LineSink = process.stderr,
    private readonly intervalMs = 60_000,
    /** For intervals only: monotonic, so a step of the wall clock neither silences nor floods the summary. */
    private readonly now: () => number = monotonicMs,
  ) {
    this.sink = safeLineSink(sink)
  }

  /** The callbacks to register on the event hub. */
  callbacks(): DeliveryCallbacks {
    return {
      onRetry: (e) => this.report(e.server, 'retry', e.points, this.retryText(e)),
      onSpooled: (e) => this.report(e.server, 'spooled', e.points, this.spooledText(e)),
      onError: (e) => this.report(e.server, e.error.code === 'POINTS_REJECTED' ? 'rejected' : 'error', e.points, this.errorText(e)),
    }
  }

  private retryText(e: RetryEvent): string {
    return `${e.points} points: retry ${e.retry} in ${(e.delayMs / 1000).toFixed(1)} s (${e.reason})`
  }
  private spooledText(e: SpooledEvent): string {
    return `${e.points} points kept in the spool (${e.reason})`
  }
  private errorText(e: ErrorEvent): string {
    return `ERROR ${e.error.message}`
  }

  private report(server: string | undefined, kind: 'retry' | 'spooled' | 'error' | 'rejected', points: number, text: string): void {
    if (this.mode === 'off') return
    if (this.mode === 'every') {
      this.sink.write(`${PREFIX} ${who(server)}: ${text}\n`)
      return
    }
    const key = who(server)
    const last = this.lastPrinted.get(key)
    if (last === undefined || this.now() - last >= this.intervalMs) {
      this.lastPrinted.set(key, this.now())
      this.sink.write(`${PREFIX} ${key}: ${text}\n`)
      return
    }
    const p = this.pending.get(key) ?? { retries: 0, spooled: 0, errors: 0, rejected: 0, last: '' }
    if (kind === 'retry') p.retries++
    else if (kind === 'spooled') p.spooled += points
    else if (kind === 'rejected') p.rejected += points
    else p.errors++
    p.last = text
    this.pending.set(key, p)
    if (!this.timers.has(key)) {
      const timer = setTimeout(() => this.printSummary(key), Math.max(0, last + this.intervalMs - this.now()))
      timer.unref()
      this.timers.set(key, timer)
    }
    // Events after close() (points written after it, reported as lost): no closing line will come for them.
    if (this.closed && this.cancelExit === undefined) this.cancelExit = flushAtExit(() => this.printHeldBack())
  }

  private printSummary(key: string): void {
    this.timers.delete(key)
    if (this.timers.size === 0 && this.cancelExit !== undefined) {
      this.cancelExit()
      this.cancelExit = undefined
    }
    const p = this.pending.get(key)
    if (p === undefined) return
    this.pending.delete(key)
    this.lastPrinted.set(key, this.now())
    const parts = [
      p.retries > 0 ? `${p.retries} retries` : '',
      p.spooled > 0 ? `${p.spooled} points spooled` : '',
      p.rejected > 0 ? `${p.rejected} points rejected (see the errors file)` : '',
      p.errors > 0 ? `${p.errors} errors` : '',
    ].filter(Boolean)
    this.sink.write(`${PREFIX} ${key} since the last line: ${parts.join(', ')}; last: ${p.last}\n`)
  }

  /** Prints what is still held back (one closing line per server with news). */
  close(): void {
    this.closed = true
    this.printHeldBack()
  }

  private printHeldBack(): void {
    for (const [key, timer] of this.timers) {
      clearTimeout(timer)
      this.printSummary(key)
    }
  }
}
