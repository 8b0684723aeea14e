import fs from 'node:fs'
import path from 'node:path'
import type { EHTConfig } from '@eht-influx-client/config'

/** What waits in the spool for one server (or in the folder of a server no longer configured). */
export interface SpoolContents {
  server: string
  /** False for a server section with `enabled = false` (or one no longer configured). */
  enabled: boolean
  /** False for a folder of `[spool] dir` that matches no configured server (renamed or removed): nobody delivers it. */
  configured: boolean
  /** The folder, for one not configured. */
  folder?: string
  /**
   * Spool files: sealed ones and `.open` ones whose writer is gone (a crash);
   * a file a running writer is still appending to is not counted.
   */
  files: string[]
  /** How many of `files` a writer that is gone left `.open` (sealed and delivered by the next client or drain). */
  unsealedFiles: number
  bytes: number
  /** Points waiting (not counting those a drain already delivered, per the files' saved progress). */
  points: number
  /** Points of these files a drain already delivered (their saved progress): not sent again. */
  delivered: number
  /** Time of the oldest spooled point (ns); undefined when nothing is spooled. */
  oldest: bigint | undefined
  /** Unreadable lines (torn by a crash); they are skipped when the spool is delivered. */
  badLines: number
  /** Files that cannot be read, each with why (their points are not counted). */
  unreadable: string[]
}

/** Byte offset in `<file>.progress` (what a drain already delivered), if sound for a file of `size` bytes; else 0. */
async function savedProgress(file: string, size: number): Promise<number> {
  try {
    const { offset } = JSON.parse(await fs.promises.readFile(`${file}.progress`, 'utf8')) as { offset?: unknown }
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 && offset <= size) return offset
  } catch {
    // none, or unreadable: the drain starts at the beginning too
  }
  return 0
}

/** Lines (points: one a line) in the first `end` bytes of `file`. */
async function linesBefore(file: string, end: number): Promise<number> {
  if (end === 0) return 0
  let lines = 0
  for await (const chunk of fs.createReadStream(file, { start: 0, end: end - 1 }) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++
  }
  return lines
}

const errorCode = (error: unknown): unknown => (error as { code?: unknown }).code

/**
 * Lists the spool of each server (the writer's `listSpool`, with the `.open`
 * files of writers that are gone) and reads every file through the logfile
 * reader, from its saved progress on, to count its points and find the oldest.
 * `unconfigured`: also the folders of servers no longer configured.
 * `onBytes` is called with the bytes read so far (for a progress display).
 */
export async function scanSpool(
  config: EHTConfig,
  servers: readonly string[],
  onBytes?: (bytes: number, points: number) => void,
  options: { unconfigured?: boolean } = {},
): Promise<SpoolContents[]> {
  const [writer, { readLogFile }] = await Promise.all([import('@eht-influx-client/writer'), import('@eht-influx-client/logfile')])
  const files = await writer.listSpool(config, { servers, unsealed: true })
  const others = options.unconfigured === true ? await writer.listUnconfiguredSpool(config) : []
  const entry = (server: string, configured: boolean): SpoolContents => ({
    server,
    enabled: configured && config.servers.find((s) => s.name === server)?.enabled === true,
    configured,
    ...(configured ? {} : { folder: path.join(config.spool.dir, server) }),
    files: [],
    unsealedFiles: 0,
    bytes: 0,
    points: 0,
    delivered: 0,
    oldest: undefined,
    badLines: 0,
    unreadable: [],
  })
  const result: SpoolContents[] = servers.map((server) => entry(server, true))
  for (const folder of [...new Set(others.map((f) => f.server))]) result.push(entry(folder, false))
  let bytesBefore = 0
  let points = 0
  for (const spooled of [...files, ...others]) {
    const found = others.includes(spooled) ? result.find((r) => !r.configured && r.server === spooled.server)! : result.find((r) => r.configured && r.server === spooled.server)!
    let readBytes = 0
    try {
      const start = spooled.unsealed === true ? 0 : await savedProgress(spooled.file, spooled.bytes)
      const before = await linesBefore(spooled.file, start)
      const reader = readLogFile(spooled.file, { format: 'lp', ...(start === 0 ? {} : { startOffset: start }), onBadLine: () => (found.badLines += 1) })
      for await (const item of reader) {
        found.points += 1
        points += 1
        readBytes = item.endOffset
        if (found.oldest === undefined || item.record.timestamp < found.oldest) found.oldest = item.record.timestamp
        if (points % 10_000 === 0) onBytes?.(bytesBefore + readBytes, points)
      }
      found.delivered += before
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause
      // delivered and deleted by a running writer since it was listed
      if (errorCode(error) === 'ENOENT' || errorCode(cause) === 'ENOENT') {
        bytesBefore += spooled.bytes
        continue
      }
      if (errorCode(error) !== 'READ_FAILED' && typeof errorCode(error) !== 'string') throw error
      found.unreadable.push(`cannot read spool file ${spooled.file}: ${(cause as Error | undefined)?.message ?? (error as Error).message}`)
    }
    found.files.push(spooled.file)
    found.bytes += spooled.bytes
    if (spooled.unsealed === true) found.unsealedFiles += 1
    bytesBefore += spooled.bytes
    onBytes?.(bytesBefore, points)
  }
  return result
}
