// The decompressed bytes of a .gz file, in chunks. A sound file streams through
// a Gunzip stream. But when that stream fails (a CRC error, trailing garbage) it
// drops the output it holds but has not handed out yet (up to a chunk, ~1 MiB of
// lines, all read correctly). So then the file is decompressed again from where
// the stream stopped, the compressed bytes written a piece at a time and every
// byte of output taken as it comes: all that was decompressed before the error is
// handed out first; then the error, saying where it is.
import type fs from 'node:fs'
import { pipeline, Readable } from 'node:stream'
import zlib from 'node:zlib'

/** Compressed bytes written at a time: what one write can decompress to stays bounded (deflate expands by at most ~1000x). */
const INPUT_BYTES = 16 * 1024

/**
 * Bytes that follow a complete gzip member and do not start another one. `gzip -d`
 * ignores them with a warning ("trailing garbage ignored"); the reader reports them
 * and keeps every line before them.
 */
export class GzipTrailingGarbageError extends Error {
  constructor(readonly offset: number) {
    super(`trailing garbage after the gzip data (compressed byte ${offset} on) ignored, as gzip -d does; every line before it was read`)
    this.name = 'GzipTrailingGarbageError'
  }
}

interface Failure {
  error: Error
  /** The compressed bytes of the write that failed. */
  from: number
  to: number
  /** Decompressed bytes in all. */
  produced: number
}

/**
 * One pass over the file: the output from decompressed byte `skip` on, and then the
 * failure, if any. From compressed byte `slowFrom` on the input is written one
 * byte at a time: zlib drops the output of the call that fails (the end of a
 * member followed by garbage, or a CRC error), and that call then holds one byte.
 */
async function* pass(handle: fs.promises.FileHandle, chunkSize: number, skip: number, slowFrom: number): AsyncGenerator<Buffer, Failure | undefined> {
  const gunzip = zlib.createGunzip({ chunkSize })
  const out: Buffer[] = []
  let failure: Error | undefined
  let ended = false
  let wake: (() => void) | undefined
  const progress = () => new Promise<void>((resolve) => (wake = resolve))
  const progressed = () => {
    const resolve = wake
    wake = undefined
    resolve?.()
  }
  gunzip.on('data', (chunk: Buffer) => out.push(chunk))
  gunzip.on('error', (error: Error) => {
    failure ??= error
    progressed()
  })
  gunzip.on('end', () => {
    ended = true
    progressed()
  })
  // A stream destroyed without 'end' or 'error' (or one that ended earlier) must not leave a wait open.
  gunzip.on('close', progressed)
  let fed = 0 // compressed bytes written so far
  let from = 0 // where the last write started
  let produced = 0
  function* take(): Generator<Buffer> {
    while (out.length > 0) {
      let chunk = out.shift()!
      produced += chunk.length
      if (produced <= skip) continue
      if (produced - chunk.length < skip) chunk = chunk.subarray(chunk.length - (produced - skip))
      yield chunk
    }
  }
  try {
    for (;;) {
      const size = fed >= slowFrom ? 1 : Math.min(INPUT_BYTES, slowFrom - fed)
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(size), 0, size, fed)
      if (bytesRead === 0) {
        // Not when zlib is done already ('end', 'error' or 'close' came before): nothing would wake the wait.
        if (!ended && failure === undefined && !gunzip.destroyed) {
          const done = progress()
          gunzip.end()
          await done
        }
        yield* take()
        break
      }
      const written = progress()
      gunzip.write(buffer.subarray(0, bytesRead), () => progressed())
      from = fed
      fed += bytesRead
      await written
      yield* take()
      if (failure !== undefined) break
    }
    yield* take()
    if (failure === undefined && !ended) failure = new Error('the gzip stream ended without its end')
    if (failure !== undefined) return { error: failure, from, to: fed, produced }
    return undefined
  } finally {
    gunzip.destroy()
  }
}

/**
 * A sound file is read the fast way: a Gunzip stream fed by a read stream, so
 * that zlib's thread decompresses the next chunk while this one is used (the
 * careful pass below, a write at a time, took 1.4 to 1.8 s of CPU for 1 M JSONL
 * lines against 1.2 to 1.3 s, and 1.4 to 1.8 s of wall time against 0.9 to 1.0
 * s). Only when that fails are the passes above run, from where it stopped.
 */
async function* streamed(handle: fs.promises.FileHandle, chunkSize: number, counted: { produced: number }): AsyncGenerator<Buffer> {
  const gunzip = zlib.createGunzip({ chunkSize })
  // Not handle.createReadStream(): a failing pipeline closes its handle, which the careful passes still need
  // (the caller closes it).
  async function* compressed(): AsyncGenerator<Buffer> {
    for (let position = 0; ; ) {
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(chunkSize), 0, chunkSize, position)
      if (bytesRead === 0) return
      position += bytesRead
      yield buffer.subarray(0, bytesRead)
    }
  }
  pipeline(Readable.from(compressed(), { objectMode: false }), gunzip, () => {})
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      counted.produced += chunk.length
      yield chunk
    }
  } finally {
    gunzip.destroy()
  }
}

export async function* gunzipChunks(handle: fs.promises.FileHandle, chunkSize: number): AsyncGenerator<Buffer> {
  const counted = { produced: 0 }
  try {
    yield* streamed(handle, chunkSize, counted)
    return
  } catch {
    // Corrupt, truncated or followed by garbage (or unreadable: the passes meet that again and throw it).
  }
  let failure = yield* pass(handle, chunkSize, counted.produced, Number.MAX_SAFE_INTEGER)
  if (failure === undefined) return
  // zlib dropped what the failed write decompressed: again up to that write, then its bytes one by one (once, on a broken file).
  if (failure.to - failure.from > 1) failure = (yield* pass(handle, chunkSize, failure.produced, failure.from)) ?? failure
  const { error, from, produced } = failure
  // A header check fails at the start of a member only: after output, a member ended and what follows is not gzip.
  // (zlib checks the two magic bytes together: the failed write held the second.)
  if ((error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' && produced > 0 && /header check/.test(error.message)) throw new GzipTrailingGarbageError(Math.max(0, from - 1))
  // A data or length check (CRC-32, ISIZE) is in the trailer of a member: it fails at its end and does not say
  // where the damage is. Every line of that member was handed out already, and any may be altered.
  if (/incorrect (data|length) check/.test(error.message)) {
    throw new Error(
      `corrupt gzip data (${error.message}): the check in the trailer of the gzip member at compressed byte ${from} failed, after ${produced} bytes decompressed; the lines read from that member before this error (all lines before this one when the file is one member, as gzip and LogWriter write it) may be damaged and should be checked against the source`,
      { cause: error },
    )
  }
  throw new Error(`corrupt gzip data (${error.message}) at compressed byte ${from}, after ${produced} bytes decompressed`, { cause: error })
}
