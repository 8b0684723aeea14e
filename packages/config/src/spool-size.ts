import { formatLocation } from './errors.js'
import type { Locations } from './locations.js'
import type { ServerConfig } from './types.js'
import { formatSize } from './units.js'

// A failed batch (up to batch_bytes) goes to the spool: with a smaller max_size even an empty spool
// cannot keep a full one; the writer spools the lines that fit, and the rest is only in the logfile.
// A warning, not an error: small batches still fit, and a tiny spool (or 0) may be meant.

/** The warning for a `[spool] max_size` below the batch_bytes of an enabled server; undefined when one batch fits. */
export function spoolSizeWarning(maxSizeBytes: number, servers: readonly ServerConfig[], locations: Locations): string | undefined {
  const largest = servers.filter((s) => s.enabled).sort((a, b) => b.batchBytes - a.batchBytes)[0]
  if (largest === undefined || maxSizeBytes >= largest.batchBytes) return undefined
  const batch = formatSize(largest.batchBytes)
  return `${formatLocation(locations.at('spool', 'max_size'))}: ${formatSize(maxSizeBytes)} is smaller than batch_bytes (${batch}) of server ${largest.name}: the spool cannot keep even one full batch, so while a server is unreachable the part of a batch that does not fit is only in the logfile (replay it from there); set max_size to at least ${batch} (the default is 10GB)`
}
