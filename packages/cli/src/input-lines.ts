import fs from 'node:fs'
import type { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { InputError } from './errors.js'

/** The lines of one chunk of input (without their newline or a trailing `\r`); `texts[i]` is line `first + i` (1-based). */
export interface LineBatch {
  first: number
  texts: string[]
}

export interface LineInput {
  /** `stdin` or the file's path: how bad lines are located. */
  readonly name: string
  /** A batch per chunk read (about 64 kB), so that a long input costs few awaits. */
  readonly batches: AsyncIterator<LineBatch>
  /** Stops reading and releases the file. */
  close(): void
}

/**
 * The lines of `file` (plain, or gunzipped when it ends in .gz) or of `stdin`,
 * streamed with backpressure, decoded as UTF-8. Unlike a logfile, a last line
 * without a newline is taken as it is (`printf 'm v=1'` in a shell script),
 * and a byte order mark is dropped.
 */
export async function openLineInput(file: string | undefined, stdin: Readable): Promise<LineInput> {
  let stream: Readable = stdin
  let raw: Readable | undefined
  if (file !== undefined) {
    const handle = await fs.promises.open(file, 'r').catch((error: Error) => {
      throw new InputError(`cannot read ${file}: ${error.message}`, { cause: error })
    })
    const source = handle.createReadStream()
    raw = source
    stream = file.toLowerCase().endsWith('.gz') ? source.pipe(zlib.createGunzip()) : source
    source.on('error', (error) => stream.destroy(error))
  }
  stream.setEncoding('utf8')
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
  const chunks = (stream as AsyncIterable<string>)[Symbol.asyncIterator]()
  async function* batches(): AsyncGenerator<LineBatch> {
    let line = 1
    let carry = ''
    try {
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
        const texts = (carry + next.value).split('\n')
        carry = texts.pop()!
        if (line === 1 && texts.length > 0 && texts[0]!.charCodeAt(0) === 0xfeff) texts[0] = texts[0]!.slice(1)
        if (texts.length === 0) continue
        yield { first: line, texts: texts.map(withoutCr) }
        line += texts.length
      }
      // An iterator started after the stream failed may end without throwing.
      if (failure !== undefined) throw failure
    } catch (error) {
      const where = line === 1 ? '' : ` after line ${line - 1}`
      throw new InputError(`cannot read ${name}${where}: ${(error as Error).message}${gzipHint(name, error)}`, { cause: error })
    }
    if (line === 1 && carry.charCodeAt(0) === 0xfeff) carry = carry.slice(1)
    if (carry !== '') yield { first: line, texts: [withoutCr(carry)] }
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

function withoutCr(text: string): string {
  return text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text
}

/** zlib's words (`incorrect header check`, `unexpected end of file`) do not say the file is meant to be gzip. */
function gzipHint(name: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  return name.toLowerCase().endsWith('.gz') && typeof code === 'string' && code.startsWith('Z_') ? ' (not a complete gzip file)' : ''
}
