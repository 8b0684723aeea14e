import { isAscii, isUtf8 } from 'node:buffer'
import fs from 'node:fs'
import { AsciiBytes } from './ascii-bytes.js'
import { isGzipPath } from './file-naming.js'
import { gunzipChunks } from './gunzip-chunks.js'
import { startsWithGzipHeader } from './gzip-header.js'
import { NEWLINE } from './char-codes.js'
import { DEFAULT_MAX_LINE_BYTES } from './read-types.js'
import type { ByteText } from './jsonl-byte-match.js'

/**
 * Lines of one chunk of a file: line `first + i` ends at byte `ends[i]`; its
 * text (without `\n` or `\r\n`) is `lineText(batch, i)`: `texts[i]`, or for an
 * ASCII chunk a slice of `body.text` made only when asked for.
 */
export interface LineBatch {
  first: number
  texts: string[]
  ends: number[]
  /** Why a line could not be taken as it is (too long, no final newline); index -> reason. */
  problems?: Map<number, string>
  /**
   * When the lines from `bodyFirst` on are all ASCII: their bytes, each line with
   * its `\n` (line `bodyFirst + j` ends at byte `ends[bodyFirst + j] - bodyOffset`),
   * for readers that work on bytes (jsonl-byte-match.ts), and the same as text.
   */
  body?: ByteText
  bodyFirst?: number
  bodyOffset?: number
}

export interface LineSourceOptions {
  /** Lines longer than this are reported and skipped, so memory stays bounded (default 16 MiB). */
  maxLineBytes?: number
  highWaterMark?: number
}

/**
 * Bytes read at a time: each read costs far more than its bytes (the stream
 * and the thread pool; 64 KiB reads took 3 times the CPU of 256 KiB ones, and
 * reading a 1 M-line JSONL file to line protocol took about a tenth less CPU
 * with 1 MiB reads than with 256 KiB ones). The buffers are reused.
 */
const CHUNK_BYTES = 1024 * 1024
/**
 * Bytes of whole lines per batch. Lines are slices of the batch's string, so a
 * batch stays in memory as long as any line of it; at 64 KiB that string is an
 * ordinary young-generation string that dies with the lines (a 1 MiB one is
 * kept outside the heap until a full GC: it cost tens of MB of peak RSS in a replay).
 */
const BATCH_BYTES = 64 * 1024
const BOM = Buffer.from([0xef, 0xbb, 0xbf])
const NOT_UTF8 = 'not valid UTF-8'

/** The text of line `i` of `batch` (without `\n` or `\r\n`). */
export function lineText(batch: LineBatch, i: number): string {
  const { body, bodyFirst = 0, bodyOffset = 0 } = batch
  if (body === undefined || i < bodyFirst) return batch.texts[i]!
  return stripCr(body.text.slice(bodyStart(batch, i), batch.ends[i]! - bodyOffset - 1))
}

/** Where line `i` (from `bodyFirst` on) starts in `body`. */
export function bodyStart(batch: LineBatch, i: number): number {
  return i === (batch.bodyFirst ?? 0) ? 0 : batch.ends[i - 1]! - (batch.bodyOffset ?? 0)
}

/** Where the text of line `i` (from `bodyFirst` on), starting at `start`, ends in `body`: before its `\n`, or `\r\n`. */
export function bodyEnd(batch: LineBatch, i: number, start: number): number {
  const e = batch.ends[i]! - (batch.bodyOffset ?? 0) - 1
  return e > start && batch.body!.bytes[e - 1] === 13 ? e - 1 : e
}

/** The bytes of a file in chunks; `reused`: a chunk's buffer is read into again later (copy what must outlive the chunk). */
interface ChunkSource {
  chunks: AsyncIterable<Buffer>
  reused: boolean
  close(): void
}

const gunzipChunkSize = (size: number) => Math.max(64, Math.min(size, 1024 * 1024))

/**
 * Opens a file as chunks of bytes; throws the open error (e.g. ENOENT) right
 * away. A plain file is read into two buffers in turn, over and over (no
 * buffer per read for the garbage collector: at 176 MB a replay, they added up
 * to tens of MB of memory), the next chunk read ahead while the one handed out
 * is used; a `.gz` file is gunzipped as a stream, and so is a file of another
 * name whose first chunk starts with a gzip header (`influx_inspect export
 * -compress -out export`, a `.gz` renamed): read as text, each of its lines
 * would be a "not valid UTF-8" bad line. The header's first 4 bytes are
 * checked, not only the magic `1f 8b`: a text file that happens to start with
 * those two bytes stays text (as gzip, every line of it would be lost).
 * Looking at the first chunk read costs no read of its own.
 */
async function openChunks(file: string, size: number): Promise<ChunkSource> {
  const handle = await fs.promises.open(file, 'r')
  if (isGzipPath(file)) {
    const chunks = gunzipChunks(handle, gunzipChunkSize(size))
    return { chunks, reused: false, close: () => void chunks.return(undefined).finally(() => handle.close().catch(() => undefined)) }
  }
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)]
  const readInto = (buffer: Buffer) => {
    const reading = handle.read(buffer, 0, size, null)
    // Read ahead, it may be left unawaited when the reader stops early: its error then goes nowhere.
    reading.catch(() => undefined)
    return reading
  }
  async function* chunks(): AsyncGenerator<Buffer> {
    let next = 0
    let reading: ReturnType<typeof readInto> | undefined
    for (let n = 0; ; n++) {
      const { bytesRead } = await (reading ?? readInto(buffers[next]!))
      if (bytesRead === 0) return
      const chunk = buffers[next]!.subarray(0, bytesRead)
      if (n === 0 && startsWithGzipHeader(chunk)) {
        // gunzipChunks reads the file from offset 0 on its own (no read ahead is pending after the first chunk).
        yield* gunzipChunks(handle, gunzipChunkSize(size))
        return
      }
      // The other buffer's chunk was handed out before this one, and the generator is
      // only asked for this one once every line of that one is taken: it is free. Not
      // after the first chunk: a reader that wants only a file's first lines (readLogs
      // finding where each file starts) reads one chunk of it, not two.
      next = 1 - next
      reading = n > 0 ? readInto(buffers[next]!) : undefined
      yield chunk
    }
  }
  return { chunks: chunks(), reused: true, close: () => void handle.close().catch(() => undefined) }
}

function stripCr(text: string): string {
  return text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text
}

/** Splits whole lines of `body` (which ends with `\n`), whose first byte is at file offset `offset`. */
function splitBody(body: Buffer, offset: number, batch: LineBatch): void {
  if (isAscii(body)) {
    // Its text is made only if a reader asks for it; the line ends are found on the bytes.
    batch.body = new AsciiBytes(body)
    batch.bodyFirst = batch.ends.length
    batch.bodyOffset = offset
    for (let nl = body.indexOf(NEWLINE); nl >= 0; nl = body.indexOf(NEWLINE, nl + 1)) batch.ends.push(offset + nl + 1)
    return
  }
  // Decoding would turn bytes that are not UTF-8 into U+FFFD and read a wrong name or value:
  // such lines are reported. Which ones is looked for only when the chunk is not valid.
  const valid = isUtf8(body)
  let start = 0
  for (let nl = body.indexOf(NEWLINE); nl >= 0; nl = body.indexOf(NEWLINE, start)) {
    if (!valid && !isUtf8(body.subarray(start, nl))) (batch.problems ??= new Map()).set(batch.ends.length, NOT_UTF8)
    batch.texts.push(stripCr(body.toString('utf8', start, nl)))
    batch.ends.push(offset + nl + 1)
    start = nl + 1
  }
}

/** Marks the lines of `batch` from `first` on (the first starting at file offset `start`) longer than `max` bytes. */
function markLongLines(batch: LineBatch, first: number, start: number, max: number): void {
  const { ends } = batch
  for (let i = first; i < ends.length; i++) {
    if (ends[i]! - (i === first ? start : ends[i - 1]!) - 1 > max) (batch.problems ??= new Map()).set(i, `line is longer than ${max} bytes; skipped`)
  }
}

/**
 * The lines of a file (plain or `.gz`), a batch per chunk read, with 1-based
 * numbers and the byte offset just after each line. Memory is bounded by the
 * chunk size and `maxLineBytes`, whatever the file size.
 */
export async function* lineBatches(file: string, options: LineSourceOptions = {}): AsyncGenerator<LineBatch> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  const source = await openChunks(file, options.highWaterMark ?? CHUNK_BYTES)
  // What outlives a chunk of a reused buffer is copied: the start of a line still to end.
  const keep = (bytes: Buffer) => (source.reused ? Buffer.from(bytes) : bytes)
  // The start of a line whose newline is still to come, in pieces: joined once the line ends,
  // not copied again with every chunk (small chunks keep memory low, long lines stay cheap).
  let carry: Buffer[] = []
  let carried = 0
  let offset = 0 // file offset of the first carried byte (or of the next chunk)
  let line = 1
  let overlong = false // dropping the rest of a line that was too long
  try {
    for await (const chunk of source.chunks) {
      if (carried > 0 && chunk.indexOf(NEWLINE) < 0) {
        carried += chunk.length
        if (carried > maxLineBytes) {
          overlong = true
          offset += carried
          carry = []
          carried = 0
        } else carry.push(keep(chunk))
        continue
      }
      // A line carried over ends in this chunk: it is joined with its end alone (a
      // batch of its own), not the whole chunk copied after it.
      const pieces = [chunk]
      if (carried > 0) {
        const nl = chunk.indexOf(NEWLINE)
        pieces[0] = Buffer.concat([...carry, chunk.subarray(0, nl + 1)])
        pieces.push(chunk.subarray(nl + 1))
        carry = []
        carried = 0
      }
      for (let buf of pieces) {
        if (offset === 0 && buf.length >= 3 && buf.subarray(0, 3).equals(BOM)) {
          buf = buf.subarray(3)
          offset = 3
        }
        let batch: LineBatch = { first: line, texts: [], ends: [] }
        if (overlong) {
          const nl = buf.indexOf(NEWLINE)
          if (nl < 0) {
            offset += buf.length
            continue
          }
          // The line that was too long ends here: report it once, go on with the rest.
          batch.texts.push('')
          batch.ends.push(offset + nl + 1)
          batch.problems = new Map([[0, `line is longer than ${maxLineBytes} bytes; skipped`]])
          overlong = false
          offset += nl + 1
          buf = buf.subarray(nl + 1)
        }
        const end = buf.lastIndexOf(NEWLINE)
        // Only a piece longer than maxLineBytes can hold a line that is: with the default,
        // above the chunk size, only a line carried over into this chunk is looked at.
        const mayBeLong = buf.length > maxLineBytes
        // The whole lines of what was read, as batches of about BATCH_BYTES each.
        for (let from = 0; from <= end; ) {
          let to = end + 1
          if (to - from > BATCH_BYTES) {
            const last = buf.lastIndexOf(NEWLINE, from + BATCH_BYTES - 1)
            to = last >= from ? last + 1 : buf.indexOf(NEWLINE, from + BATCH_BYTES) + 1
          }
          const firstNew = batch.ends.length
          splitBody(buf.subarray(from, to), offset, batch)
          if (mayBeLong) markLongLines(batch, firstNew, offset, maxLineBytes)
          offset += to - from
          from = to
          if (from <= end) {
            line += batch.ends.length
            yield batch
            batch = { first: line, texts: [], ends: [] }
          }
        }
        const rest = buf.length - (end + 1)
        if (rest > maxLineBytes) {
          overlong = true
          offset += rest
        } else if (rest > 0) {
          carry = [keep(buf.subarray(end + 1))]
          carried = rest
        }
        line += batch.ends.length
        if (batch.ends.length > 0) yield batch
      }
    }
    if (carried > 0) {
      const problems = new Map([[0, 'no newline at the end of the file: the line may be cut short by a crash, or still being written; skipped']])
      yield { first: line, texts: [stripCr(Buffer.concat(carry).toString('utf8'))], ends: [offset + carried], problems }
    } else if (overlong) {
      yield { first: line, texts: [''], ends: [offset], problems: new Map([[0, `line is longer than ${maxLineBytes} bytes and has no newline; skipped`]]) }
    }
  } finally {
    source.close()
  }
}
