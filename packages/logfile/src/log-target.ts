import fs from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { syncPath } from './compress.js'
import type { CompressionJobs } from './compression-jobs.js'
import type { CompressionSweep } from './compression-sweep.js'
import { LogWriteError } from './errors.js'
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

  constructor(
    private readonly options: LogWriterOptions,
    private readonly stats: LogWriterStats,
    /** Every compression this writer runs (by file: choose() waits for those of the file it goes back to). */
    private readonly compressions: CompressionJobs,
    /** With `compressRotated`: the sweep that compresses rotated files once they have settled. */
    private readonly sweep: CompressionSweep | undefined,
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
    for (;;) {
      const { file, counter, exists } = await this.choose(base, from, need)
      if (file === this.path && !reopen) return
      const handle = await this.open(file, exists)
      if (handle === undefined) continue // another process changed it between the look and the open: look again
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
        this.sweep?.request([...new Set([path.dirname(old), path.dirname(file)])], file)
      }
      return
    }
  }

  /** The file select() goes on with, and whether it was there (plain) when looked at. */
  private async choose(base: string, from: number, need: number): Promise<{ file: string; counter: number; exists: boolean }> {
    const rotate = this.options.rotate
    for (;;) {
      let counter = from
      let file = base
      let exists: boolean
      if (rotate.kind === 'size') {
        let next = from
        while ((await fileSize(withCounter(base, next))) !== undefined || (await fileSize(`${withCounter(base, next)}.gz`)) !== undefined) next++
        const last = next - 1
        // A name whose .gz exists is taken, even with its plain file still there (a compression between its
        // link() and unlink(), or one a crash cut there): what is appended to it now would be lost or hidden.
        const size = last >= from && (await fileSize(`${withCounter(base, last)}.gz`)) === undefined ? await fileSize(withCounter(base, last)) : undefined
        exists = size !== undefined && (size === 0 || size + need <= rotate.maxBytes)
        counter = exists ? last : next
        file = withCounter(base, counter)
      } else {
        // The first name without a .gz (see above), joined if it is there.
        for (;; counter++) {
          file = withCounter(base, counter)
          if ((await fileSize(`${file}.gz`)) !== undefined) continue
          exists = (await fileSize(file)) !== undefined
          break
        }
      }
      // Our own compression of it may still run (the clock went back right after rotating): appending now could be lost.
      const running = this.compressions.of(file)
      if (running === undefined) return { file, counter, exists }
      await running
    }
  }

  /**
   * Opens `file` for appending; undefined when it changed after choose() looked. A file
   * that was there is opened without O_CREAT: if another process compressed and removed
   * it meanwhile, creating it again would put an empty plain file beside its `.gz`, which
   * hides the `.gz` from readers. A name that was in neither form is created with O_EXCL
   * (so the file is known to be ours), and dropped again if its `.gz` appeared meanwhile.
   */
  private async open(file: string, exists: boolean): Promise<FileHandle | undefined> {
    const { O_RDWR, O_APPEND, O_CREAT, O_EXCL } = fs.constants // readable for the torn-line check
    let handle: FileHandle | undefined
    try {
      await fs.promises.mkdir(path.dirname(file), { recursive: true })
      try {
        handle = await fs.promises.open(file, exists ? O_RDWR | O_APPEND : O_RDWR | O_APPEND | O_CREAT | O_EXCL)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === (exists ? 'ENOENT' : 'EEXIST')) return undefined
        throw error
      }
      if (!exists && (await fileSize(`${file}.gz`)) !== undefined) {
        await this.discard(file, handle)
        return undefined
      }
      if (this.options.fsync !== 'never' && (await handle.stat()).size === 0) await syncPath(path.dirname(file))
      return handle
    } catch (error) {
      await handle?.close().catch(() => undefined)
      throw new LogWriteError(`cannot open logfile ${file}: ${describe(error)}`, file, { cause: error })
    }
  }

  /**
   * Closes and removes the plain file just created beside a `.gz` that appeared after the
   * look, if it is still ours and empty (another writer that joined it and appended in
   * that instant keeps it: removing it would lose its records).
   */
  private async discard(file: string, handle: FileHandle): Promise<void> {
    const ours = await handle.stat()
    await handle.close()
    const there = await fs.promises.stat(file).catch(() => undefined)
    if (there === undefined || there.ino !== ours.ino || there.dev !== ours.dev || there.size !== 0) return
    await fs.promises.unlink(file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    })
  }

  /** fstat of the open file, synchronous: metadata of a local file costs a microsecond, a thread-pool round trip far more. */
  stat(): fs.Stats {
    return fs.fstatSync(this.handle!.fd)
  }

  /**
   * Appends the whole buffer (one write() unless the kernel writes less). On failure,
   * `written` says how many of its bytes are in the file (the rest are not).
   */
  async writeAll(buffer: Buffer): Promise<void> {
    let offset = 0
    try {
      while (offset < buffer.length) {
        const { bytesWritten } = await this.handle!.write(buffer, offset, buffer.length - offset)
        if (bytesWritten <= 0) throw new Error('write() wrote nothing')
        offset += bytesWritten
      }
    } catch (error) {
      throw Object.assign(new Error(`cannot append to ${this.path}: ${describe(error)}`, { cause: error }), { written: offset })
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

  /** Waits for the sweep running and the compressions started so far. */
  async settled(): Promise<void> {
    await this.sweep?.idle()
    await this.compressions.settled()
  }
}
