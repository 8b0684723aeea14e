import type { EHTConfig } from '@eht-influx-client/config'
import type { DrainOutcome, LineSink } from '@eht-influx-client/writer'
import type { Interrupt } from './interrupt.js'

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
  const draining = delivery.drainSpool()
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
