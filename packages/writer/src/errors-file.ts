import fs from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import type { BadLine } from '@eht-influx-client/logfile'
import { callSafely } from './safe-call.js'

/** One point a server rejected for good, as a line of the errors file. */
export interface RejectedPoint {
  server: string
  status: number
  message: string
  /** The point exactly as sent (line protocol). */
  line: string
}

/**
 * Bytes of whole lines given to one write(). Several processes append to one
 * errors file: a write() to a local file is made whole under the file's lock,
 * so lines of one write() never mix with another process's. Node's own
 * appendFile cuts a text into 512 KiB write()s, which did mix; groups kept far
 * below any size a kernel or file system splits keep each line whole. A longer
 * line goes alone, in one write().
 */
export const GROUP_BYTES = 64 * 1024

const NEWLINE = 0x0a

/** An append that failed part-way: `written` of the `total` lines are whole in the file (the rest are not in it). */
export class ErrorsFileAppendError extends Error {
  constructor(
    message: string,
    readonly written: number,
    readonly total: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Lines (each ending in a newline) in groups of at most GROUP_BYTES, cut only between lines. */
function groups(lines: readonly Buffer[]): Buffer[][] {
  const out: Buffer[][] = []
  let group: Buffer[] = []
  let bytes = 0
  for (const line of lines) {
    if (group.length > 0 && bytes + line.length > GROUP_BYTES) {
      out.push(group)
      group = []
      bytes = 0
    }
    group.push(line)
    bytes += line.length
  }
  if (group.length > 0) out.push(group)
  return out
}

/**
 * True when the file does not end in a newline: a write cut short (disk full)
 * or a crash tore its last line. Another process's write() in progress can look
 * the same for an instant; the newline we then add waits for that write and
 * leaves an empty line, which readers skip.
 */
async function endsTorn(handle: FileHandle): Promise<boolean> {
  const { size } = await handle.stat()
  if (size === 0) return false
  const last = Buffer.alloc(1)
  await handle.read(last, 0, 1, size - 1)
  return last[0] !== NEWLINE
}

/**
 * `[errors] errors_file`: one JSON object per rejected point,
 * `{"time","server","status","message","line"}`, appended in order. Safe for
 * several processes appending at once (see GROUP_BYTES); a file torn by an
 * earlier failure is continued on a new line; a folder removed meanwhile is
 * made again.
 */
export class ErrorsFile {
  private chain: Promise<unknown> = Promise.resolve()

  constructor(readonly path: string) {}

  /** Rejects with ErrorsFileAppendError saying how many of the points were written whole. */
  append(points: readonly RejectedPoint[], now: Date = new Date()): Promise<void> {
    const time = now.toISOString()
    return this.appendLines(points.map((p) => JSON.stringify({ time, server: p.server, status: p.status, message: p.message, line: p.line })))
  }

  /**
   * Appends entries of another shape (replay's bad input lines), each one line
   * of text without its newline, with the same guarantees as append(); rejects
   * with ErrorsFileAppendError saying how many were written whole.
   */
  appendLines(texts: readonly string[]): Promise<void> {
    if (texts.length === 0) return this.chain.then(() => undefined)
    const lines = texts.map((text) => Buffer.from(`${text}\n`))
    const run = this.chain.then(() => this.write(lines))
    this.chain = run.catch(() => undefined)
    return run
  }

  private async write(lines: readonly Buffer[]): Promise<void> {
    let opened: { handle: FileHandle; readable: boolean }
    try {
      opened = await this.open()
    } catch (error) {
      throw new ErrorsFileAppendError(`cannot open ${this.path}: ${(error as Error).message}`, 0, lines.length, { cause: error })
    }
    const { handle, readable } = opened
    let written = 0
    try {
      let repair = readable && (await endsTorn(handle))
      for (const group of groups(lines)) {
        const buffer = Buffer.concat(repair ? [Buffer.from('\n'), ...group] : group)
        const skip = repair ? 1 : 0
        repair = false
        let offset = 0
        try {
          while (offset < buffer.length) {
            const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset)
            if (bytesWritten <= 0) throw new Error('write() wrote nothing')
            offset += bytesWritten // a short write (signal, disk nearly full): the rest follows
          }
        } catch (error) {
          // A line counts as written when everything but its newline is: the next append adds that newline.
          let end = skip
          for (const line of group) {
            end += line.length
            if (end - 1 > offset) break
            written++
          }
          throw error
        }
        written += group.length
      }
    } catch (error) {
      const cause = (error as Error).message
      throw new ErrorsFileAppendError(`cannot append to ${this.path}: ${cause}`, written, lines.length, { cause: error })
    } finally {
      await handle.close().catch(() => undefined)
    }
  }

  /** Opened for each append (errors are rare): a file or folder removed meanwhile is made again (mkdir -p, then once more). */
  private async open(): Promise<{ handle: FileHandle; readable: boolean }> {
    try {
      return await this.openOnce()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      await fs.promises.mkdir(path.dirname(this.path), { recursive: true })
      return await this.openOnce()
    }
  }

  /**
   * Readable for the torn-end check. A file this process may append to but not
   * read (mode 0200, a write-only ACL) is opened write-only, as appendFile did,
   * and appended to without that check: its entries are worth more than a line
   * break after a torn end.
   */
  private async openOnce(): Promise<{ handle: FileHandle; readable: boolean }> {
    const { O_RDWR, O_WRONLY, O_APPEND, O_CREAT } = fs.constants
    try {
      return { handle: await fs.promises.open(this.path, O_RDWR | O_APPEND | O_CREAT), readable: true }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EACCES') throw error
      return { handle: await fs.promises.open(this.path, O_WRONLY | O_APPEND | O_CREAT), readable: false }
    }
  }
}

/** Bad lines shown on the console when no `onBadLine` is given. */
const SHOWN_BY_DEFAULT = 20

function defaultBadLineReporter(): (bad: BadLine) => void {
  let seen = 0
  return (bad) => {
    seen++
    if (seen <= SHOWN_BY_DEFAULT) console.warn(`${bad.file}:${bad.line}: bad line skipped: ${bad.reason}`)
    if (seen === SHOWN_BY_DEFAULT) console.warn('further bad lines are skipped without a message; pass onBadLine to see them all')
  }
}

export interface ReadErrorsFileOptions {
  /** Each line that is not a JSON object (torn by a full disk or a crash), with its file and 1-based line number; skipped. Default: the first 20 to `console.warn`. A callback that throws (or rejects) is ignored. */
  onBadLine?: (bad: BadLine) => void
}

/**
 * Reads an errors file back (for tests and tools): every entry that can be
 * read, in file order. Its readers want the entries the file still holds, so a
 * line that is not a JSON object (torn by a full disk or a crash, after which
 * the writer went on on the next line) is skipped and reported with the file
 * and line, like the logfile readers do; it never costs the rest of the file.
 * Empty lines are skipped silently. A missing file reads as empty.
 */
export async function readErrorsFile(file: string, options: ReadErrorsFileOptions = {}): Promise<(RejectedPoint & { time: string })[]> {
  const text = await fs.promises.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  const onBadLine = options.onBadLine ?? defaultBadLineReporter()
  const lines = text.split('\n')
  const entries: (RejectedPoint & { time: string })[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line === '') continue
    let entry: unknown
    let problem: string | undefined
    try {
      entry = JSON.parse(line)
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) problem = `a JSON ${Array.isArray(entry) ? 'array' : entry === null ? 'null' : typeof entry}, not an object`
    } catch (error) {
      problem = `not JSON (${(error as Error).message})`
    }
    if (problem === undefined) {
      entries.push(entry as RejectedPoint & { time: string })
      continue
    }
    const torn = i === lines.length - 1 ? 'the file ends inside it: a write cut short by a full disk or a crash' : 'torn by a full disk or a crash?'
    // A user's callback: a throw or a rejected promise (an async one) is ignored, the rest of the file is read.
    callSafely(onBadLine, { file, line: i + 1, reason: `${problem}; ${torn}`, text: line.slice(0, 4096) })
  }
  return entries
}
