import type { EHTConfig } from '@eht-influx-client/config'
import { listSpool, openDelivery, type DrainOutcome, type LineSink } from '@eht-influx-client/writer'
import { chooseServers } from './server-choice.js'

export interface DrainOptions {
  config: EHTConfig
  /** Names of the servers whose spool to deliver (disabled ones too when named); default every enabled server. */
  servers?: readonly string[]
  /** Where report lines go (default process.stderr), as `[errors] stderr` says. */
  stderr?: LineSink
}

export interface DrainSummary {
  /** One entry per server: files delivered (and deleted), files left, points delivered and rejected, why it stopped early. */
  servers: DrainOutcome[]
  /** Spool files still waiting afterwards (all servers drained). */
  remainingFiles: number
  durationMs: number
}

/**
 * Delivers each server's spooled points through the writer's own spool
 * drainer (same outbox, retry policy and errors file): a spool file is
 * deleted only once the server took all of it (accepted, or rejected into the
 * errors file). A file still being written by a running writer is left to it.
 */
export async function drainSpool(options: DrainOptions): Promise<DrainSummary> {
  const started = Date.now()
  const servers = chooseServers(options.config, options.servers).map((s) => s.name)
  const delivery = await openDelivery(options.config, { servers, drainSpool: false, ...(options.stderr === undefined ? {} : { stderr: options.stderr }) })
  let outcomes: DrainOutcome[]
  try {
    outcomes = await delivery.drainSpool()
  } finally {
    await delivery.close()
  }
  const remaining = await listSpool(options.config, { servers })
  return { servers: outcomes, remainingFiles: remaining.length, durationMs: Date.now() - started }
}
