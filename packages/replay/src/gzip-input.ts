import { isGzipFile, isGzipPath } from '@eht-influx-client/logfile'

/**
 * Whether the reader reads `file` as gzip, so that its offsets count
 * decompressed bytes: a name ending in `.gz` (in any case), or any other name
 * whose content starts with a gzip header (`influx_inspect export -compress`
 * to a plain name, a `.gz` renamed), as logfile's reader decides. By the name
 * alone, such a file's checkpoint (decompressed offsets) was checked against
 * its compressed size and dropped at every replay, so the whole file was sent
 * again, and its progress total was its compressed size. A file that cannot
 * be read is not gzip here (the reader reports it).
 */
export async function readAsGzip(file: string): Promise<boolean> {
  return isGzipPath(file) || (await isGzipFile(file).catch(() => false))
}
