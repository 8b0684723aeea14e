import type { ServerConfig } from '@eht-influx-client/config'
import type { BatchHooks, BatchResult } from './deliver-batch.js'
import { PointsRejectedError, type DropCause } from './errors.js'
import { ErrorsFileAppendError, type ErrorsFile } from './errors-file.js'
import type { EventHub } from './events.js'
import type { HttpSender } from './http-sender.js'
import type { RetryPolicy } from './retry-policy.js'
import type { ServerSpool } from './spool.js'

/** Counters of one server, for `stats()`. */
export interface ServerStats {
  /** Points handed to this server's outbox. */
  written: number
  /** Points of `written` the server accepted. */
  delivered: number
  /** Spooled points the server accepted later (drain). */
  drained: number
  /** Retries made (each a repeated request). */
  retried: number
  /** Points put in the spool. */
  spooled: number
  /** Points the server rejected for good (in the errors file). */
  rejected: number
  /** Points neither delivered nor spooled (spool full or not writable): only in the logfile. */
  dropped: number
  /** Why points were last dropped (absent while none was). */
  dropCause?: DropCause
  /** Points waiting in memory now. */
  queued: number
}

/** What the outbox and the spool drainer of one server share. */
export interface ServerContext {
  server: ServerConfig
  sender: HttpSender
  policy: RetryPolicy
  spool: ServerSpool
  errorsFile: ErrorsFile
  hub: EventHub
  stats: ServerStats
}

export const newStats = (): ServerStats => ({ written: 0, delivered: 0, drained: 0, retried: 0, spooled: 0, rejected: 0, dropped: 0, queued: 0 })

/** Hooks that count and report retries of `ctx`'s server. */
export function retryHooks(ctx: ServerContext, unrefSleeps = false): BatchHooks {
  return {
    unrefSleeps,
    onRetry: (info) => {
      ctx.stats.retried++
      ctx.hub.retry({ server: ctx.server.name, points: info.lines, retry: info.retry, delayMs: info.delayMs, reason: info.message })
    },
  }
}

/** Writes the rejected points of a batch to the errors file and reports them. */
export async function recordRejected(ctx: ServerContext, lines: readonly string[], result: BatchResult): Promise<void> {
  if (result.rejected.length === 0) return
  const name = ctx.server.name
  ctx.stats.rejected += result.rejected.length
  const first = result.rejected[0]!
  const where = ctx.errorsFile.path
  try {
    await ctx.errorsFile.append(result.rejected.map((r) => ({ server: name, status: r.status, message: r.message, line: lines[r.index]! })))
  } catch (error) {
    const message = `server "${name}" rejected ${result.rejected.length} points (${first.message}) and the errors file ${where} could not be written (${describeCause(error)}); ${notWritten(error, result.rejected.length)}`
    ctx.hub.error({ server: name, points: result.rejected.length, reason: message, error: new PointsRejectedError(message, name, first.status, { cause: error }) })
    return
  }
  const message = `server "${name}" rejected ${result.rejected.length} points for good (${first.message}); they are in ${where}`
  ctx.hub.error({ server: name, points: result.rejected.length, reason: first.message, error: new PointsRejectedError(message, name, first.status) })
}

function describeCause(error: unknown): string {
  const cause = error instanceof ErrorsFileAppendError ? error.cause : error
  return (cause as Error)?.message ?? String(cause)
}

/** Where the rejected points are after a failed append: some may be in the errors file whole (a disk that filled up part-way). */
function notWritten(error: unknown, count: number): string {
  const written = error instanceof ErrorsFileAppendError ? error.written : 0
  if (written === 0) return 'they are in the logfile'
  return `the first ${written} of them are in it, the other ${count - written} only in the logfile`
}
