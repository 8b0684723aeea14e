import { ClosedError } from './errors.js'
import type { ErrorEvent } from './events.js'
import { flushAtExit } from './exit-flush.js'

/** How many points a write call carried, counted without checking them (the call is refused anyway). */
export function pointsOfCall(items: unknown): number {
  if (Array.isArray(items)) return items.length
  if (typeof items !== 'object' || items === null) return 1
  // write()'s columns: { col: [...], ... }; a row object is one point.
  const columns = Object.values(items)
  const first = columns[0] as { length?: unknown } | undefined
  const isColumns = columns.length > 0 && columns.every((c) => Array.isArray(c) || (ArrayBuffer.isView(c) && !(c instanceof DataView)))
  return isColumns && typeof first?.length === 'number' ? first.length : 1
}

/**
 * The points of writes made after close(), reported as lost: a write after
 * close() returns a rejected promise (a caller that awaits it sees the
 * ClosedError), marked handled, since a fire-and-forget write from a timer
 * (`void api.writeRecord(...)` while a signal handler awaits close()) would
 * otherwise end the process in the middle of that close(), leaving the spool
 * unsealed. Those points are not silenced: they are counted, and reported as
 * one ErrorEvent per turn of the event loop (a loop of writes is one line on
 * stderr, not thousands): "N points written after close() were not stored".
 */
export class LostWrites {
  private points = 0
  private why = ''
  private cancelExit: () => void = () => {}

  constructor(private readonly report: (event: ErrorEvent) => void) {}

  /** Returns the rejected (and handled) promise of a refused call of `points` points. */
  refuse<T>(error: ClosedError, points: number): Promise<T> {
    if (this.points === 0) {
      setImmediate(this.flush)
      // A script that calls process.exit() right after its close() resolves exits before setImmediate.
      this.cancelExit = flushAtExit(this.flush)
    }
    this.points += points
    this.why = error.message
    const rejected = Promise.reject(error)
    rejected.catch(() => {})
    return rejected
  }

  private readonly flush = (): void => {
    this.cancelExit()
    const points = this.points
    this.points = 0
    if (points === 0) return
    const error = new ClosedError(`${points} points written after close() were not stored (${this.why})`)
    this.report({ server: undefined, points, reason: error.message, error })
  }
}
