import type { EHTConfig } from '@eht-influx-client/config'
import type { DrainOutcome, LineSink } from '@eht-influx-client/writer'
import { OutputError } from './errors.js'
import type { Interrupt } from './interrupt.js'
import { PROGRAM_NAME } from './output.js'

export interface DrainRequest {
  config: EHTConfig
  servers: readonly string[]
  interrupt: Interrupt
  /** Where the writer's report lines go (`[errors] stderr`). */
  stderr: LineSink
  /** Points delivered from the spool so far (all servers). */
  onDelivered(points: number): void
}

export interface DrainResult {
  servers: DrainOutcome[]
  interrupted: boolean
}

/**
 * One drain pass per server through the writer's own delivery path (outbox,
 * retry policy, errors file), as replay's `drainSpool` does, with progress
 * from its delivery events. Ctrl-C closes the delivery: retries are cut short
 * and the drainer stops; a spool file is deleted only once it was all taken.
 */
export async function drainSpool(request: DrainRequest): Promise<DrainResult> {
  const { openDelivery } = await import('@eht-influx-client/writer')
  let delivered = 0
  const delivery = await openDelivery(request.config, {
    servers: request.servers,
    drainSpool: false,
    stderr: request.stderr,
    onDelivered(event) {
      if (!event.fromSpool) return
      delivered += event.points
      request.onDelivered(delivered)
    },
  })
  const draining = delivery.drainSpool().catch((error: unknown) => {
    throw drainFailure(error, request.config.spool.dir)
  })
  let interrupted = false
  try {
    await request.interrupt.race(draining)
  } catch (error) {
    if (!request.interrupt.signal.aborted) throw error
    interrupted = true
  } finally {
    await delivery.close()
  }
  const servers = await draining
  return { servers, interrupted }
}

/**
 * A drain stopped by a file operation (a full disk, a permission), as the
 * OutputError the command reports: the writer's SpoolDrainError names the
 * server and spool file; a bare system error (ENOSPC, from an older writer) gets
 * the spool folder. Both say that the points stay. Anything else is left as it is.
 */
export function drainFailure(error: unknown, spoolDir: string): unknown {
  if (!(error instanceof Error)) return error
  const { code, syscall } = error as { code?: unknown; syscall?: unknown }
  const stays = `the spooled points stay in the spool ('${PROGRAM_NAME} spool drain' again delivers them once this is fixed)`
  if (code === 'SPOOL_DRAIN') return new OutputError(`${error.message.replace(/; its points stay in the spool.*$/, '')}; ${stays}`, { cause: error })
  if (typeof syscall === 'string' && typeof code === 'string') return new OutputError(`cannot drain the spool in ${spoolDir}: ${error.message}; ${stays}`, { cause: error })
  return error
}
