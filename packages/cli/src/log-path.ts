import fs from 'node:fs/promises'

/**
 * The logfile a writer just appended to: the most recently modified file that
 * matches the configured path pattern (its strftime fields as `*`, so rotated
 * and size-numbered names match too); undefined when there is none yet.
 */
export async function newestLogfile(pattern: string): Promise<string | undefined> {
  const { listLogFiles } = await import('@eht-influx-client/logfile')
  const glob = pattern.replace(/%[YmdHMS]/g, '*').replace(/%%/g, '%')
  const files = await listLogFiles(glob).catch(() => [] as string[])
  let newest: { file: string; mtimeMs: number } | undefined
  for (const file of files) {
    const stat = await fs.stat(file).catch(() => undefined)
    if (stat !== undefined && (newest === undefined || stat.mtimeMs >= newest.mtimeMs)) newest = { file, mtimeMs: stat.mtimeMs }
  }
  return newest?.file
}
