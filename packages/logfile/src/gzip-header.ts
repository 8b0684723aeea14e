import fs from 'node:fs'

/** Bytes of gzip's header that tell gzip data from other bytes: ID1, ID2, CM, FLG (RFC 1952). */
export const GZIP_HEADER_BYTES = 4

/**
 * Whether `bytes` start a gzip member: ID1 ID2 = `1f 8b`, CM = 8 (deflate, the only method
 * defined) and FLG's reserved bits (0xe0) clear, as gunzip checks them. Two bytes alone are
 * not enough: a text file may well start with `1f 8b` (byte 0x1f is a control character, but
 * `1f 8b` is not only gzip's), and read as gzip it would lose every line.
 */
export function startsWithGzipHeader(bytes: Uint8Array): boolean {
  return bytes.length >= GZIP_HEADER_BYTES && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 8 && (bytes[3]! & 0xe0) === 0
}

/**
 * Whether the file at `file` holds gzip data, by its first 4 bytes (not its name: see
 * `isGzipPath`): false for a shorter file or other content. A file that cannot be opened
 * or read (missing, a directory, no permission) rejects with fs's error (`ENOENT`...).
 */
export async function isGzipFile(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r')
  try {
    const head = Buffer.alloc(GZIP_HEADER_BYTES)
    let got = 0
    // A read may return fewer bytes than asked for (a pipe, a FUSE file) before the end.
    while (got < GZIP_HEADER_BYTES) {
      const { bytesRead } = await handle.read(head, got, GZIP_HEADER_BYTES - got, got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    return startsWithGzipHeader(head.subarray(0, got))
  } finally {
    await handle.close()
  }
}
