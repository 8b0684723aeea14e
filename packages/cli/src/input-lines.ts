import { isUtf8 } from 'node:buffer'
import fs from 'node:fs'
import type { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { InputError } from './errors.js'

/**
 * The longest line `write` takes, in bytes (without its `\n`): the logfile
 * readers' default `maxLineBytes` (16 MiB; `replay` and `convert` skip longer
 * lines), so that no point is logged that could never be replayed. Memory per
 * line stays bounded too.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024

const NEWLINE = 0x0a
const BOM = Buffer.from([0xef, 0xbb, 0xbf])
/** The logfile readers' words for the same faults. */
const NOT_UTF8 = 'not valid UTF-8 (the logfile readers would refuse the line)'
const tooLong = (max: number) => `line is longer than ${max} bytes, the most the logfile readers take`

/** The lines of one chunk of input (without their newline or a trailing `\r`); `texts[i]` is line `first + i` (1-based). */
export interface LineBatch {
  first: number
  texts: string[]
  /** Lines that cannot be taken (not UTF-8, too long): index in `texts` -> why. Their text is `''` or what could be decoded. */
  problems?: Map<number, string>
}

export interface LineInput {
  /** `stdin` or the file's path: how bad lines are located. */
  readonly name: string
  /** A batch per chunk read (about 64 kB), so that a long input costs few awaits. */
  readonly batches: AsyncIterator<LineBatch>
  /** Stops reading and releases the file. */
  close(): void
}

export interface LineInputOptions {
  /** Lines longer than this are bad lines (default MAX_LINE_BYTES). */
  maxLineBytes?: number
}

/**
 * The lines of `file` (plain, or gunzipped when it ends in .gz or holds gzip data) or of `stdin`,
 * streamed with backpressure. Lines are split on the bytes: a line that is not
 * valid UTF-8, or longer than `maxLineBytes`, is a bad line (not decoded with
 * U+FFFD in place of its bytes, not held in memory whole). Unlike a logfile,
 * a last line without a newline is taken as it is (`printf 'm v=1'` in a
 * shell script), and a byte order mark is dropped.
 */
export async function openLineInput(file: string | undefined, stdin: Readable, options: LineInputOptions = {}): Promise<LineInput> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES
  let stream: Readable = stdin
  let raw: Readable | undefined
  let gzipped = false
  if (file !== undefined) {
    const handle = await fs.promises.open(file, 'r').catch((error: Error) => {
      throw new InputError(`cannot read ${file}: ${error.message}`, { cause: error })
    })
    // A .gz name, or a regular file of another name holding gzip (`influx_inspect export -compress`, a .gz
    // renamed), as the logfile readers take it; a named pipe is not read ahead to know (its bytes would be lost).
    gzipped = file.toLowerCase().endsWith('.gz') || ((await handle.stat().then((s) => s.isFile(), () => false)) && (await gzipContent(file)))
    const source = handle.createReadStream()
    raw = source
    stream = gzipped ? source.pipe(zlib.createGunzip()) : source
    source.on('error', (error) => stream.destroy(error))
  }
  const name = file ?? 'stdin'
  // The iterator listens for 'error' only from its first next(): until then a gunzip error (an
  // empty, non-gzip or truncated .gz) would be an unhandled 'error' event and crash the process.
  // Kept here and thrown by batches() as an InputError naming the file.
  let failure: Error | undefined
  stream.on('error', (error) => {
    failure ??= error
    raw?.destroy() // pipe() leaves the file open when the gunzip fails
  })
  // Taken at once: a chunk read before the first next() is then kept, not lost.
  const chunks = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]()
  const splitter = new LineSplitter(maxLineBytes)
  async function* batches(): AsyncGenerator<LineBatch> {
    try {
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value
        const batch = splitter.push(chunk)
        if (batch !== undefined) yield batch
      }
      // An iterator started after the stream failed may end without throwing.
      if (failure !== undefined) throw failure
    } catch (error) {
      const line = splitter.line
      const where = line === 1 ? '' : ` after line ${line - 1}`
      throw new InputError(`cannot read ${name}${where}: ${(error as Error).message}${gzipped ? gzipHint(error) : ''}`, { cause: error })
    }
    const last = splitter.end()
    if (last !== undefined) yield last
  }
  return {
    name,
    batches: batches(),
    close() {
      if (stream !== stdin) {
        stream.destroy()
        raw?.destroy()
      }
      else stream.pause()
    },
  }
}

/**
 * Splits chunks of bytes into lines. Only the new chunk is searched for
 * newlines; the start of a line still to end is kept as pieces, joined once
 * when it ends (not copied again with every chunk: a long line costs linear
 * time), and dropped once it is longer than `maxLineBytes`.
 */
export class LineSplitter {
  /** Number of the next line (1-based). */
  line = 1
  private carry: Buffer[] = []
  private carried = 0
  /** The line being read is already too long: its bytes are dropped until its newline. */
  private overlong = false

  constructor(private readonly maxLineBytes: number) {}

  /** The lines that `chunk` ends, or undefined when it ends none. */
  push(chunk: Buffer): LineBatch | undefined {
    let nl = chunk.indexOf(NEWLINE)
    if (nl < 0) {
      this.keep(chunk)
      return undefined
    }
    const batch: LineBatch = { first: this.line, texts: [] }
    // The line carried over ends here: joined with its end alone.
    if (this.overlong) this.addTooLong(batch)
    else this.addLine(batch, this.carried === 0 ? chunk.subarray(0, nl) : Buffer.concat([...this.carry, chunk.subarray(0, nl)]))
    this.carry = []
    this.carried = 0
    this.overlong = false
    // The whole lines after it, decoded at once when they are valid UTF-8 (the usual case).
    const start = nl + 1
    const end = chunk.lastIndexOf(NEWLINE)
    if (end > nl) {
      const body = chunk.subarray(start, end)
      if (body.length <= this.maxLineBytes && isUtf8(body)) {
        for (const text of body.toString('utf8').split('\n')) batch.texts.push(withoutCr(text))
      } else {
        for (let from = start; from <= end; from = nl + 1) {
          nl = chunk.indexOf(NEWLINE, from)
          this.addLine(batch, chunk.subarray(from, nl))
        }
      }
    }
    this.keep(chunk.subarray(end + 1))
    this.line += batch.texts.length
    return batch
  }

  /** The last line when the input does not end with a newline. */
  end(): LineBatch | undefined {
    const batch: LineBatch = { first: this.line, texts: [] }
    if (this.overlong) this.addTooLong(batch)
    else if (this.carried > 0) this.addLine(batch, Buffer.concat(this.carry))
    this.carry = []
    this.carried = 0
    this.overlong = false
    if (batch.texts.length === 0) return undefined
    this.line += batch.texts.length
    return batch
  }

  private keep(bytes: Buffer): void {
    if (this.overlong || bytes.length === 0) return
    this.carried += bytes.length
    if (this.carried > this.maxLineBytes) {
      this.overlong = true
      this.carry = []
      this.carried = 0
    } else this.carry.push(bytes)
  }

  private addLine(batch: LineBatch, bytes: Buffer): void {
    if (this.line === 1 && batch.texts.length === 0 && bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3)
    if (bytes.length > this.maxLineBytes) return this.addTooLong(batch)
    if (!isUtf8(bytes)) {
      // Its text (the bad bytes as U+FFFD) only to show where it is; the line is not taken.
      ;(batch.problems ??= new Map()).set(batch.texts.length, NOT_UTF8)
      batch.texts.push(withoutCr(bytes.subarray(0, 4096).toString('utf8')))
      return
    }
    batch.texts.push(withoutCr(bytes.toString('utf8')))
  }

  private addTooLong(batch: LineBatch): void {
    ;(batch.problems ??= new Map()).set(batch.texts.length, tooLong(this.maxLineBytes))
    batch.texts.push('')
  }
}

function withoutCr(text: string): string {
  return text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text
}

/** zlib's words (`incorrect header check`, `unexpected end of file`) do not say the file is meant to be gzip. */
function gzipHint(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  return typeof code === 'string' && code.startsWith('Z_') ? ' (not a complete gzip file)' : ''
}

/** Whether `file` starts with a gzip header (logfile's test); false when it cannot be read (the read then reports why). */
async function gzipContent(file: string): Promise<boolean> {
  const { isGzipFile } = await import('@eht-influx-client/logfile')
  return isGzipFile(file).catch(() => false)
}
