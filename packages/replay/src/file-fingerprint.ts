import { createHash } from 'node:crypto'
import fs from 'node:fs'
import zlib from 'node:zlib'
import { readAsGzip } from './gzip-input.js'

/**
 * What a checkpoint keeps of the content it was taken on, so that a file
 * replaced or rewritten at the same path (external logrotate with
 * copytruncate, an export written over an old one) is not skipped for its
 * first `offset` bytes. Hashes of the content, not the inode: a rotated file
 * compressed since (`x.jsonl` -> `x.jsonl.gz`) has the same content and
 * keeps its checkpoint. Gzip is told as the reader tells it (readAsGzip: by
 * name or content), so offsets and hashes are of the content the reader read.
 */
export interface Fingerprint {
  /** How many leading bytes `head` covers: min(offset, HEAD_BYTES) when taken. */
  headBytes: number
  /** Hash of the first `headBytes` bytes of the (decompressed) content. */
  head: string
  /** Plain files with offset > HEAD_BYTES: hash of the TAIL_BYTES bytes before the offset (catches a rewrite with the same start). */
  tail?: string
}

export const HEAD_BYTES = 4096
export const TAIL_BYTES = 256

const hash = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 32)

/** Up to `length` bytes of `handle` from `position` (fewer at the end of the file). */
async function readAt(handle: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  let got = 0
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, position + got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  return buffer.subarray(0, got)
}

/** The first `length` bytes of an open .gz file's content (fewer when it is shorter, or broken before). */
async function gunzipHead(handle: fs.promises.FileHandle, length: number): Promise<Buffer> {
  // The handle stays open (closed by the caller), so that the content hashed is that of the file checked.
  const source = handle.createReadStream({ start: 0, highWaterMark: 16 * 1024, autoClose: false })
  const gunzip = zlib.createGunzip()
  source.on('error', (error) => gunzip.destroy(error))
  source.pipe(gunzip)
  const chunks: Buffer[] = []
  let got = 0
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      chunks.push(chunk)
      got += chunk.length
      if (got >= length) break
    }
  } catch {
    // Broken data: the content is what came before it (as the reader reads it).
  } finally {
    source.destroy()
    gunzip.destroy()
  }
  return Buffer.concat(chunks).subarray(0, length)
}

/**
 * Which file a path named when it was read: device and inode. Within one
 * replay, a path whose identity is not the one noted when its reading began
 * was replaced (renamed over) since: the offsets read belong to the old file.
 */
export interface FileIdentity {
  dev: number
  ino: number
}

/** The identity of the file at `file` now; undefined when there is none (gone, unreadable). */
export async function identityOf(file: string): Promise<FileIdentity | undefined> {
  try {
    const { dev, ino } = await fs.promises.stat(file)
    return { dev, ino }
  } catch {
    return undefined
  }
}

/**
 * The fingerprint of `file` for a checkpoint at `offset`, or undefined when
 * the file cannot vouch for that checkpoint: it does not hold `offset` bytes
 * (any more), or it is not the file `read` (the identity noted when its
 * reading began): the path was replaced since, and its content is not the
 * content read. `knownHead`, a head of HEAD_BYTES taken earlier in this
 * replay, is reused (only the tail is read).
 */
export async function fingerprintOf(file: string, offset: number, knownHead?: Fingerprint, read?: FileIdentity): Promise<Fingerprint | undefined> {
  const headBytes = Math.min(offset, HEAD_BYTES)
  const reuse = knownHead !== undefined && knownHead.headBytes === headBytes
  // One handle for the identity check and the hashes: what is hashed is the file checked.
  const handle = await fs.promises.open(file, 'r')
  try {
    const stat = await handle.stat()
    if (read !== undefined && (stat.dev !== read.dev || stat.ino !== read.ino)) return undefined
    if (await readAsGzip(file)) {
      if (reuse) return { headBytes, head: knownHead.head }
      const head = await gunzipHead(handle, headBytes)
      return head.length < headBytes ? undefined : { headBytes, head: hash(head) }
    }
    if (stat.size < offset) return undefined
    const head = reuse ? knownHead.head : hash(await readAt(handle, 0, headBytes))
    if (offset <= HEAD_BYTES) return { headBytes, head }
    const tailBytes = Math.min(offset, TAIL_BYTES)
    return { headBytes, head, tail: hash(await readAt(handle, offset - tailBytes, tailBytes)) }
  } finally {
    await handle.close()
  }
}

/**
 * Why a checkpoint at `offset` with `print` (undefined: a checkpoint from
 * before fingerprints) does not belong to `file` as it is now; undefined when
 * it does, or when the file cannot be read (the reader reports that). A plain
 * file shorter than the offset was truncated or replaced.
 */
export async function fingerprintMismatch(file: string, offset: number, print: Partial<Fingerprint>): Promise<string | undefined> {
  try {
    const handle = await fs.promises.open(file, 'r')
    try {
      if (await readAsGzip(file)) {
        if (print.head === undefined || print.headBytes === undefined) return undefined
        const head = await gunzipHead(handle, print.headBytes)
        return head.length === print.headBytes && hash(head) === print.head ? undefined : `its first ${print.headBytes} bytes (decompressed) are not those checkpointed`
      }
      const size = (await handle.stat()).size
      if (size < offset) return `the checkpoint's offset ${offset} is past the file's end (${size} bytes)`
      if (print.head === undefined || print.headBytes === undefined) return undefined
      const head = await readAt(handle, 0, print.headBytes)
      if (head.length !== print.headBytes || hash(head) !== print.head) return `its first ${print.headBytes} bytes are not those checkpointed`
      if (print.tail === undefined) return undefined
      const tailBytes = Math.min(offset, TAIL_BYTES)
      if (hash(await readAt(handle, offset - tailBytes, tailBytes)) !== print.tail) return `the ${tailBytes} bytes before the checkpoint's offset ${offset} are not those checkpointed`
      return undefined
    } finally {
      await handle.close()
    }
  } catch {
    return undefined
  }
}
