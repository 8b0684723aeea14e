import type { EHTConfig } from '@eht-influx-client/config'
import type { DropCause } from '@eht-influx-client/writer'
import { formatCount } from './format.js'
import { PROGRAM_NAME } from './output.js'

/** What became of some points at one server (write, replay). */
export interface ServerCounts {
  delivered: number
  spooled: number
  rejected: number
  dropped: number
  /** replay: points the checkpoint says the server has already. */
  alreadyDone?: number
  /** replay: why the server got no more points. */
  stopped?: string | undefined
  /** Why points were dropped (the writer's last drop), when the library says. */
  dropCause?: DropCause | undefined
}

/**
 * Why points were dropped, short, from the writer's drop cause:
 * `spool full ([spool] max_size 1048576 bytes, 1048000 used)`, `spool full
 * (ENOSPC: ...)` or `spool not writable: ENOTDIR: ...` (its message says the
 * rest); neutral when unknown.
 */
export function describeDropCause(cause: DropCause | undefined): string {
  if (cause === undefined) return 'neither delivered nor spooled'
  return cause.reason === 'spool-unwritable' ? `spool not writable: ${cause.detail}` : `spool full (${cause.detail})`
}

/** True when some points did not reach the server (spooled, rejected, dropped, or it stopped taking them). */
export function notDelivered(counts: ServerCounts): boolean {
  return counts.spooled + counts.rejected + counts.dropped > 0 || counts.stopped !== undefined
}

/** `server cloud: 18 delivered, 2 spooled in /spool ('... spool drain' delivers them), 1 rejected (in errors.jsonl)` */
export function describeServerCounts(name: string, counts: ServerCounts, config: Pick<EHTConfig, 'spool' | 'errors'>): string {
  const parts = [`${formatCount(counts.delivered)} delivered`]
  if ((counts.alreadyDone ?? 0) > 0) parts.push(`${formatCount(counts.alreadyDone!)} already delivered (checkpoint)`)
  if (counts.spooled > 0) parts.push(`${formatCount(counts.spooled)} spooled in ${config.spool.dir} ('${PROGRAM_NAME} spool drain' delivers them)`)
  if (counts.rejected > 0) parts.push(`${formatCount(counts.rejected)} rejected (in ${config.errors.errorsFile})`)
  if (counts.dropped > 0) parts.push(`${formatCount(counts.dropped)} dropped (${describeDropCause(counts.dropCause)}: only in the logfile; replay it)`)
  if (counts.stopped !== undefined) parts.push(`stopped: ${counts.stopped}`)
  return `server ${name}: ${parts.join(', ')}`
}
