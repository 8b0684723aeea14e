import fs from 'node:fs'
import { readAsGzip } from './gzip-input.js'

/**
 * Deflate expands at most about 1032:1, so a gzip trailer claiming more is not
 * a trailer (a truncated file ends in compressed data: 25 bytes of a cut
 * .gz once claimed 2 986 724 088 bytes).
 */
const MAX_GZIP_RATIO = 1032

/**
 * The decompressed size of a gzip file from its trailer (ISIZE: the size
 * modulo 2^32), at least its compressed size; the compressed size when the
 * file does not start like gzip or the trailer cannot be right.
 */
async function gzipSize(file: string, compressed: number): Promise<number> {
  if (compressed < 18) return compressed
  const handle = await fs.promises.open(file, 'r')
  try {
    const head = Buffer.alloc(2)
    const trailer = Buffer.alloc(4)
    await handle.read(head, 0, 2, 0)
    await handle.read(trailer, 0, 4, compressed - 4)
    if (head[0] !== 0x1f || head[1] !== 0x8b) return compressed
    let size = trailer.readUInt32LE(0)
    // Files above 4 GiB wrap around. Gzip adds at most its 18 bytes of header and trailer and 5 bytes per
    // stored block of at most 64 KiB: a smaller size than that leaves can only be a wrapped one.
    const least = compressed - 18 - 5 * Math.ceil(compressed / 16384)
    while (size < least) size += 2 ** 32
    return size > compressed * MAX_GZIP_RATIO ? compressed : size
  } finally {
    await handle.close()
  }
}

/** Bytes to read from each of `files` (decompressed sizes for gzip files, by name or content as the reader tells them, estimated from the trailer); a file that vanished counts 0. */
export async function inputSizes(files: readonly string[]): Promise<number[]> {
  const sizes: number[] = []
  for (const file of files) {
    const stat = await fs.promises.stat(file).catch(() => undefined)
    sizes.push(stat === undefined ? 0 : (await readAsGzip(file)) ? await gzipSize(file, stat.size) : stat.size)
  }
  return sizes
}
