import type { EHTConfig } from '@eht-influx-client/config'
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

/** The writer's `DropCause`: `spool-full` (max_size reached, or the disk full) or `spool-unwritable` (a file in its place, permissions, EMFILE...). */
export interface DropCause {
  reason: string
  message: string
}

/**
 * Why points were dropped, short: `spool full ([spool] max_size ... used)`,
 * `spool full: ENOSPC: ...` or `spool not writable: ENOTDIR: ...`, from the
 * writer's drop cause (its message says the rest); neutral when unknown.
 */
export function describeDropCause(cause: DropCause | undefined): string {
  if (cause === undefined) return 'neither delivered nor spooled'
  // `cannot write the spool in <dir>: <system error>; 50 points for server "x" are only in the logfile`
  const system = /^cannot write the spool (?:in .*?|of server ".*?"): (.*?); \d+ (?:of \d+ )?points\b/s.exec(cause.message)?.[1]
  if (cause.reason === 'spool-unwritable') return `spool not writable: ${system ?? cause.message}`
  const limit = /^spool is full \((.*?)\):/s.exec(cause.message)?.[1]
  return limit !== undefined ? `spool full (${limit})` : system !== undefined ? `spool full: ${system}` : 'spool full'
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
