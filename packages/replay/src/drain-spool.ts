import type { EHTConfig } from '@eht-influx-client/config'
import { listSpool, openDelivery, type DrainOutcome, type LineSink } from '@eht-influx-client/writer'
import { isSignal } from './abort.js'
import { ReplayOptionsError } from './errors.js'
import { chooseServers } from './server-choice.js'

export interface DrainOptions {
  config: EHTConfig
  /** Names of the servers whose spool to deliver (disabled ones too when named); default every enabled server. */
  servers?: readonly string[]
  /** Where report lines go (default process.stderr), as `[errors] stderr` says. */
  stderr?: LineSink
  /**
   * Stops the drain promptly: no new batch is sent, retry waits are cut short;
   * what the server took is saved in each file's progress, the rest stays in
   * the spool. It resolves (with `stoppedEarly`) like an interrupted replay.
   */
  signal?: AbortSignal
}

export interface DrainSummary {
  /** One entry per server: files delivered (and deleted), files left, points delivered and rejected, why it stopped early. */
  servers: DrainOutcome[]
  /** Spool files still waiting afterwards (all servers drained). */
  remainingFiles: number
  /** True when `signal` stopped the drain. */
  stoppedEarly: boolean
  durationMs: number
}

/**
 * Delivers each server's spooled points through the writer's own spool
 * drainer (same outbox, retry policy and errors file): a spool file is
 * deleted only once the server took all of it (accepted, or rejected into the
 * errors file). Each file's progress is saved beside it after every batch the
 * server took, so an interrupted drain (kill -9 included) goes on where it
 * stopped. A file still being written by a running writer (`.open`) is left
 * to it, and a file another drainer (a running writer's) is on is skipped.
 */
export async function drainSpool(options: DrainOptions): Promise<DrainSummary> {
  const started = performance.now()
  if (!isSignal(options.signal)) throw new ReplayOptionsError('signal must be an AbortSignal', 'signal')
  const servers = chooseServers(options.config, options.servers).map((s) => s.name)
  const { signal } = options
  const aborted = () => signal?.aborted === true
  let outcomes: DrainOutcome[] = servers.map((server) => ({ server, files: 0, remainingFiles: 0, delivered: 0, rejected: 0, badLines: 0, failed: 'aborted before it started' }))
  if (!aborted()) {
    const delivery = await openDelivery(options.config, { servers, drainSpool: false, ...(options.stderr === undefined ? {} : { stderr: options.stderr }) })
    // Closing the delivery stops its drainers after the batch in flight.
    const stop = () => void delivery.close()
    signal?.addEventListener('abort', stop, { once: true })
    try {
      if (!aborted()) outcomes = await delivery.drainSpool()
    } finally {
      signal?.removeEventListener('abort', stop)
      await delivery.close()
    }
  }
  const remaining = await listSpool(options.config, { servers })
  for (const o of outcomes) if (o.failed === 'aborted before it started') o.remainingFiles = remaining.filter((f) => f.server === o.server).length
  return { servers: outcomes, remainingFiles: remaining.length, stoppedEarly: aborted(), durationMs: Math.round(performance.now() - started) }
}
