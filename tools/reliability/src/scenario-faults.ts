import type { FaultAction, FaultLogEntry, FaultRequest, FaultScript } from '@eht-influx-client/test-support'

/** A proxy script that gives the write requests (those `isWrite` picks) the actions of `cycle` in turn; anything else passes. */
export function faultCycle(cycle: readonly FaultAction[], isWrite: (request: FaultRequest) => boolean): FaultScript {
  let n = 0
  return (request) => (isWrite(request) ? cycle[n++ % cycle.length]! : { kind: 'pass' })
}

export interface RetryAfterWait {
  index: number
  status: number
  retryAfterMs: number
  /** From the answer carrying Retry-After to the next request with the same body. */
  waitedMs: number
}

/**
 * For each answer that carried `Retry-After` (in seconds), how long the client
 * waited before sending the same body again. Throws if a body was never sent
 * again (it would have been lost).
 */
export function retryAfterWaits(log: readonly FaultLogEntry[]): RetryAfterWait[] {
  const waits: RetryAfterWait[] = []
  for (const entry of log) {
    if (entry.retryAfter === undefined || entry.status === undefined) continue
    const again = log.find((e) => e.index > entry.index && e.bodyHash === entry.bodyHash)
    if (again === undefined) throw new Error(`request ${entry.index} (${entry.status}, Retry-After ${entry.retryAfter}) was never sent again`)
    waits.push({ index: entry.index, status: entry.status, retryAfterMs: Number(entry.retryAfter) * 1000, waitedMs: again.at - entry.at })
  }
  return waits
}
