import fs from 'node:fs'

/** The decompressed size of a gzip file from its trailer (ISIZE: the size modulo 2^32), at least its compressed size. */
async function gzipSize(file: string, compressed: number): Promise<number> {
  if (compressed < 18) return compressed
  const handle = await fs.promises.open(file, 'r')
  try {
    const trailer = Buffer.alloc(4)
    await handle.read(trailer, 0, 4, compressed - 4)
    let size = trailer.readUInt32LE(0)
    // Files above 4 GiB wrap around; a text log compresses at least about 2:1, never below its compressed size.
    while (size < compressed) size += 2 ** 32
    return size
  } finally {
    await handle.close()
  }
}

/** Total bytes to read from `files` (decompressed sizes for .gz); a file that vanished counts 0. */
export async function inputBytes(files: readonly string[]): Promise<number> {
  let total = 0
  for (const file of files) {
    const stat = await fs.promises.stat(file).catch(() => undefined)
    if (stat === undefined) continue
    total += file.endsWith('.gz') ? await gzipSize(file, stat.size) : stat.size
  }
  return total
}
