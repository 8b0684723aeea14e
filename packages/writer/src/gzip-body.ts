import zlib from 'node:zlib'
import { isLoopbackUrl } from './loopback.js'

/** Bodies up to this many bytes go as they are (as with the official client). */
export const GZIP_THRESHOLD = 1000

/**
 * The gzip level for a server: for one on this host (nothing crosses a network
 * unless it is a tunnel) level 1, about 5x less CPU than zlib's default for
 * about 20% more bytes; elsewhere zlib's default (6), as the official client.
 */
export function gzipLevel(url: string): number {
  return isLoopbackUrl(url) ? 1 : zlib.constants.Z_DEFAULT_COMPRESSION
}

/** A request body as UTF-8, gzipped at `level` (in the thread pool) when above the threshold. */
export function gzipBody(body: string | Buffer, level: number): Promise<{ bytes: Buffer; gzipped: boolean }> {
  const raw = typeof body === 'string' ? Buffer.from(body) : body
  if (raw.length <= GZIP_THRESHOLD) return Promise.resolve({ bytes: raw, gzipped: false })
  return new Promise((resolve, reject) => {
    zlib.gzip(raw, { level }, (error, zipped) => (error === null ? resolve({ bytes: zipped, gzipped: true }) : reject(error)))
  })
}
