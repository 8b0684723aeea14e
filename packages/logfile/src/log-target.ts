import fs from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { gzipRotated, syncPath } from './compress.js'
import { LogfileError, LogWriteError } from './errors.js'
import { withCounter } from './file-naming.js'
import type { LogWriterOptions } from './writer-options.js'

export interface LogWriterStats {
  records: number
  bytes: number
  /** write() calls that appended records (one per append()). */
  writes: number
  /** fdatasync() calls completed. */
  syncs: number
  rotations: number
  compressed: number
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** The size of `file`, or undefined when there is none (also below a non-directory: opening it says why). */
async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fs.promises.stat(file)).size
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw error
  }
}

/** The open logfile of a writer: which file, its handle, syncing, rotating away and compressing. */
export class LogTarget {
  handle: FileHandle | undefined
  path: string | undefined
  base = ''
  counter = 0
  dirty = false
  /** Called once per switch to another file (the writer resets what depends on the file). */
  onSwitch: () => void = () => {}
  /** Compressions started and not yet done, by the file compressed. */
  private readonly compressions = new Map<string, Promise<void>>()

  constructor(
    private readonly options: LogWriterOptions,
    private readonly stats: LogWriterStats,
    private readonly onBackgroundError: (error: unknown) => void,
  ) {}

  /**
   * Switches to the file for `base`. With size rotation: the last numbered file
   * from `from` on (whoever wrote it), unless `need` more bytes would take it past
   * maxBytes; then the next number. Otherwise the name itself, or, when it has
   * been compressed already (its `.gz` exists, the plain file does not: the clock
   * went back to a period rotated away from), the first numbered name from `from`
   * on that has not been: a new plain file beside the `.gz` would hide it from
   * readers (they take it for an interrupted compression) and could never be
   * compressed.
   */
  async select(base: string, from: number, reopen = false, need = 0): Promise<void> {
    const rotate = this.options.rotate
    let counter = from
    let file = base
    if (rotate.kind === 'size') {
      let next = from
      while ((await fileSize(withCounter(base, next))) !== undefined || (await fileSize(`${withCounter(base, next)}.gz`)) !== undefined) next++
      const last = next - 1
      const size = last >= from ? await fileSize(withCounter(base, last)) : undefined
      counter = size !== undefined && (size === 0 || size + need <= rotate.maxBytes) ? last : next
      file = withCounter(base, counter)
    } else {
      for (;; counter++) {
        file = withCounter(base, counter)
        // Our own compression of it may still run (the clock went back right after rotating): appending now could be lost.
        await this.compressions.get(file)
        if ((await fileSize(file)) !== undefined || (await fileSize(`${file}.gz`)) === undefined) break
      }
    }
    if (file === this.path && !reopen) return
    let handle: FileHandle
    try {
      await fs.promises.mkdir(path.dirname(file), { recursive: true })
      handle = await fs.promises.open(file, 'a+') // O_APPEND, and readable for the torn-line check
      if (this.options.fsync !== 'never' && (await handle.stat()).size === 0) await syncPath(path.dirname(file))
    } catch (error) {
      throw new LogWriteError(`cannot open logfile ${file}: ${describe(error)}`, file, { cause: error })
    }
    const old = this.path
    await this.closeHandle()
    this.handle = handle
    this.path = file
    this.base = base
    this.counter = counter
    this.onSwitch()
    // With `reopen` the old file was compressed and removed by another process: nothing to rotate away from.
    if (old !== undefined && old !== file && !reopen) {
      this.stats.rotations++
      if (this.options.compressRotated === true) this.compress(old)
    }
  }

  /** fstat of the open file, synchronous: metadata of a local file costs a microsecond, a thread-pool round trip far more. */
  stat(): fs.Stats {
    return fs.fstatSync(this.handle!.fd)
  }

  /** Appends the whole buffer (one write() unless the kernel writes less). */
  async writeAll(buffer: Buffer): Promise<void> {
    try {
      let offset = 0
      while (offset < buffer.length) {
        const { bytesWritten } = await this.handle!.write(buffer, offset, buffer.length - offset)
        if (bytesWritten <= 0) throw new Error('write() wrote nothing')
        offset += bytesWritten
      }
    } catch (error) {
      throw new LogWriteError(`cannot append to ${this.path}: ${describe(error)}`, this.path, { cause: error })
    } finally {
      this.dirty = true
    }
  }

  async syncIfDirty(): Promise<void> {
    if (!this.dirty || this.handle === undefined) return
    try {
      await this.handle.datasync()
    } catch (error) {
      throw new LogWriteError(`cannot fsync ${this.path}: ${describe(error)}`, this.path, { cause: error })
    }
    this.dirty = false
    this.stats.syncs++
  }

  async closeHandle(): Promise<void> {
    if (this.handle === undefined) return
    await this.syncIfDirty()
    await this.handle.close()
    this.handle = undefined
  }

  /** Waits for the compressions started so far. */
  async settled(): Promise<void> {
    await Promise.all([...this.compressions.values()])
  }

  private compress(file: string): void {
    const job = gzipRotated(file).then(
      () => void this.stats.compressed++,
      (error: unknown) => this.onBackgroundError(LogfileError.isInstance(error) ? error : new LogWriteError(`cannot compress ${file}: ${describe(error)}`, file, { cause: error })),
    )
    this.compressions.set(file, job)
    void job.finally(() => {
      if (this.compressions.get(file) === job) this.compressions.delete(file)
    })
  }
}
