import type { EHTConfig } from '@eht-influx-client/config'

/** What waits in the spool for one server. */
export interface SpoolContents {
  server: string
  /** False for a server section with `enabled = false` (or one no longer configured). */
  enabled: boolean
  /** Sealed spool files (a file a running writer is still appending to is not counted). */
  files: string[]
  bytes: number
  points: number
  /** Time of the oldest spooled point (ns); undefined when nothing is spooled. */
  oldest: bigint | undefined
  /** Unreadable lines (torn by a crash); they are skipped when the spool is delivered. */
  badLines: number
}

/**
 * Lists the spool of each server (the writer's `listSpool`) and reads every
 * file through the logfile reader to count its points and find the oldest.
 * `onBytes` is called with the bytes read so far (for a progress display).
 */
export async function scanSpool(config: EHTConfig, servers: readonly string[], onBytes?: (bytes: number, points: number) => void): Promise<SpoolContents[]> {
  const [{ listSpool }, { readLogFile }] = await Promise.all([import('@eht-influx-client/writer'), import('@eht-influx-client/logfile')])
  const files = await listSpool(config, { servers })
  const result: SpoolContents[] = servers.map((server) => ({
    server,
    enabled: config.servers.find((s) => s.name === server)?.enabled === true,
    files: [],
    bytes: 0,
    points: 0,
    oldest: undefined,
    badLines: 0,
  }))
  let bytesBefore = 0
  let points = 0
  for (const spooled of files) {
    const entry = result.find((r) => r.server === spooled.server)!
    entry.files.push(spooled.file)
    entry.bytes += spooled.bytes
    let readBytes = 0
    const reader = readLogFile(spooled.file, { format: 'lp', onBadLine: () => (entry.badLines += 1) })
    try {
      for await (const item of reader) {
        entry.points += 1
        points += 1
        readBytes = item.endOffset
        if (entry.oldest === undefined || item.record.timestamp < entry.oldest) entry.oldest = item.record.timestamp
        if (points % 10_000 === 0) onBytes?.(bytesBefore + readBytes, points)
      }
    } catch (error) {
      // delivered and deleted by a running writer since it was listed
      if ((error as { code?: unknown }).code !== 'READ_FAILED') throw error
    }
    bytesBefore += spooled.bytes
    onBytes?.(bytesBefore, points)
  }
  return result
}
