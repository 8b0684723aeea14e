import fs from 'node:fs'
import fsp from 'node:fs/promises'
import { once } from 'node:events'
import zlib from 'node:zlib'
import { OutputError } from './errors.js'
import { partialPath, removeDeadPartials } from './partial-file.js'

/**
 * A file written all or nothing: text goes to a hidden partial file in the
 * same directory (see partial-file.ts) (gzip-compressed when the name ends in .gz) and is renamed
 * over the target only by `commit()`, after an fsync. `abort()` removes the
 * partial file, so Ctrl-C or a failure never leaves a half-written output.
 */
export interface FileSink {
  /** Writes text, waiting when the disk is slower than the input (backpressure). */
  write(text: string): Promise<void>
  /** Bytes handed to write() so far (before compression). */
  readonly bytesWritten: number
  commit(): Promise<void>
  abort(): Promise<void>
}

/**
 * Makes a complete partial file the output: fsync, then rename over the
 * target (which must not have appeared meanwhile unless `overwrite`). The
 * partial file is removed when it cannot become the output.
 */
export async function renameDurably(partial: string, target: string, overwrite: boolean): Promise<void> {
  try {
    const handle = await fsp.open(partial, 'r')
    await handle.sync().finally(() => handle.close())
    if (!overwrite && fs.existsSync(target)) throw new OutputError(`${target} appeared meanwhile; not overwritten (use --force)`)
    await fsp.rename(partial, target)
  } catch (error) {
    await fsp.rm(partial, { force: true })
    if (OutputError.isInstance(error)) throw error
    throw new OutputError(`cannot write ${target}: ${(error as Error).message}`, { cause: error })
  }
}

/** Opens the partial file of `target`, first removing those of runs that are gone (killed with SIGKILL). */
export async function openFileSink(target: string, options: { overwrite: boolean }): Promise<FileSink> {
  await removeDeadPartials(target)
  const partial = await partialPath(target)
  const file = fs.createWriteStream(partial, { flags: 'wx' })
  try {
    await once(file, 'open')
  } catch (error) {
    throw new OutputError(`cannot create ${partial}: ${(error as Error).message}`, { cause: error })
  }
  const gzip = target.endsWith('.gz') ? zlib.createGzip() : undefined
  if (gzip !== undefined) gzip.pipe(file)
  const head: NodeJS.WritableStream = gzip ?? file
  let failure: Error | undefined
  const onError = (error: Error) => {
    failure ??= error
  }
  file.on('error', onError)
  gzip?.on('error', onError)
  const fail = (error: Error) => new OutputError(`cannot write ${target}: ${error.message}`, { cause: error })
  let bytesWritten = 0
  let finished = false

  return {
    get bytesWritten() {
      return bytesWritten
    },
    async write(text) {
      if (failure !== undefined) throw fail(failure)
      bytesWritten += Buffer.byteLength(text)
      if (head.write(text)) return
      const waiting = new AbortController()
      try {
        await Promise.race([once(head, 'drain', { signal: waiting.signal }), once(file, 'error', { signal: waiting.signal })])
      } catch (error) {
        throw fail(failure ?? (error as Error))
      } finally {
        waiting.abort()
      }
      if (failure !== undefined) throw fail(failure)
    },
    async commit() {
      finished = true
      head.end()
      try {
        if (!file.closed) await once(file, 'close')
      } catch (error) {
        failure ??= error as Error
      }
      if (failure !== undefined) {
        await fsp.rm(partial, { force: true })
        throw fail(failure)
      }
      await renameDurably(partial, target, options.overwrite)
    },
    async abort() {
      if (!finished) {
        finished = true
        gzip?.destroy()
        file.destroy()
      }
      await fsp.rm(partial, { force: true })
    },
  }
}
