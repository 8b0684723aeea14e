import fs from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import { claimCompression } from './compression-claim.js'
import { LogWriteError } from './errors.js'

/** fdatasync of a file (or directory) by path. */
export async function syncPath(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r')
  try {
    await handle.datasync()
  } catch (error) {
    // Some file systems cannot sync a directory; the file itself was synced.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL' && (error as NodeJS.ErrnoException).code !== 'EISDIR') throw error
  } finally {
    await handle.close()
  }
}

const sameFile = (a: fs.Stats, b: fs.Stats) => a.size === b.size && a.mtimeMs === b.mtimeMs
/** Whether `a` and `b` show one file (same inode) left untouched between them (same size and mtime). */
export const sameFileState = (a: fs.Stats, b: fs.Stats) => sameFile(a, b) && a.ino === b.ino && a.dev === b.dev
const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException | undefined)?.code === code
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error))
/** Waits `ms`, or less when `wake` settles first (the timer is then cleared: a ref'd timer left behind would keep the process up). */
async function sleep(ms: number, wake: Promise<void> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), ...(wake === undefined ? [] : [wake])])
  } finally {
    clearTimeout(timer)
  }
}

/** Waits between tries to publish lines only the compressor's handle holds (a full disk): from the first to the last. */
const HELD_RETRY_FIRST_MS = 100
const HELD_RETRY_MAX_MS = 5_000

/**
 * What became of a file handed to compressSettled(): `compressed`; `gone` (no such
 * file: another process compressed it); `busy` (another live process is compressing
 * it); `unsettled` (written to less than the grace period ago, `settlesAt` says when
 * it could be: try again then).
 */
export type CompressOutcome = { kind: 'compressed' } | { kind: 'gone' } | { kind: 'busy' } | { kind: 'unsettled'; settlesAt: number }

/**
 * When this process first saw `file` as `stat` shows it (same inode, size and
 * mtime). A file whose mtime lies ahead of the clock (written while the clock
 * was ahead) settles `graceMs` after that instead: no write since then, as a
 * write sets the mtime to the clock's time and grows the file.
 */
export type FirstSeen = (file: string, stat: fs.Stats) => number

/**
 * The file's content through `handle`, from offset 0. Not handle.createReadStream(): a stream
 * that fails (a full disk on the output) closes its handle even with `autoClose: false`, and
 * after the unlink the handle may hold the only copy of some lines.
 */
async function* contentOf(handle: FileHandle): AsyncGenerator<Buffer> {
  for (let offset = 0; ; ) {
    const chunk = Buffer.allocUnsafe(64 * 1024)
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, offset)
    if (bytesRead === 0) return
    offset += bytesRead
    yield chunk.subarray(0, bytesRead)
  }
}

/** The file's whole content (read through `handle`), gzipped or not, into a new `temp`, synced. */
async function copyInto(handle: FileHandle, temp: string, gzip: boolean): Promise<void> {
  const input = contentOf(handle)
  const output = fs.createWriteStream(temp, { flags: 'wx' })
  await (gzip ? pipeline(input, zlib.createGzip(), output) : pipeline(input, output))
  await syncPath(temp)
}

/** Whether the decompressed `gz` is the start of (or all of) the file read through `handle`. */
async function gzIsPrefixOf(gz: string, handle: FileHandle): Promise<boolean> {
  let offset = 0
  let prefix = true
  const chunk = Buffer.allocUnsafe(64 * 1024)
  await pipeline(fs.createReadStream(gz), zlib.createGunzip(), async (source: AsyncIterable<Buffer>) => {
    for await (const data of source) {
      for (let at = 0; prefix && at < data.length; ) {
        const want = Math.min(chunk.length, data.length - at)
        const { bytesRead } = await handle.read(chunk, 0, want, offset)
        if (bytesRead === 0 || !chunk.subarray(0, bytesRead).equals(data.subarray(at, at + bytesRead))) prefix = false
        at += bytesRead
        offset += bytesRead
      }
    }
  })
  return prefix
}

/** Whether the file at `file` is still the copy putBack() left there, `own` (same inode, untouched). */
async function isOwnCopy(file: string, own: fs.Stats | undefined): Promise<boolean> {
  if (own === undefined) return false
  const now = await fs.promises.stat(file).catch(() => undefined)
  return now !== undefined && sameFileState(now, own)
}

/**
 * Publishes `temp` at `file`: over the copy an earlier try left there (still ours), else with link() (never over
 * another file). `held.own` is then that copy as it left it: a later try may replace or remove it only while it is still that file.
 */
async function publishCopy(temp: string, file: string, held: { own: fs.Stats | undefined }, replace: boolean): Promise<void> {
  const stat = await fs.promises.stat(temp)
  if (replace) await fs.promises.rename(temp, file)
  else await fs.promises.link(temp, file)
  held.own = stat
}

/**
 * Puts the whole (unlinked) file the handle holds back as `file`: a copy in `temp`,
 * published with link() (never over another file; over the copy an earlier try
 * left there, `held.own`, when it is still ours), copied again over it while lines
 * still land in the handle's file (nobody appends to a name whose `.gz` is there).
 */
async function putBack(handle: FileHandle, file: string, temp: string, held: { own: fs.Stats | undefined }): Promise<void> {
  let copied = await handle.stat()
  await fs.promises.rm(temp, { force: true })
  await copyInto(handle, temp, false)
  await publishCopy(temp, file, held, await isOwnCopy(file, held.own))
  for (let now = await handle.stat(); !sameFile(copied, now); now = await handle.stat()) {
    copied = now
    await fs.promises.rm(temp, { force: true })
    await copyInto(handle, temp, false)
    await publishCopy(temp, file, held, true)
  }
  await fs.promises.rm(temp, { force: true })
}

/**
 * What compressSettled() does with lines that only its handle on the unlinked file
 * holds while neither the `.gz` made again nor the file put back fits (see publishHeld()).
 * A writer passes its own; without one, it waits for space for ever and reports nothing.
 */
export interface HeldLines {
  /** Called once when it starts waiting for space, with an error naming the file and the byte range held. */
  onWaiting?(error: LogWriteError): void
  /**
   * Called when that wait ends (the lines are out, or it gave up), with the error onWaiting() had: it no longer
   * holds (a give-up then throws its own error, naming where the lines went or that they are lost).
   */
  onWaitEnd?(error: LogWriteError): void
  /** When to stop waiting for space (ms since the epoch), read at each try; Infinity (the default): never. */
  giveUpAt?(): number
  /** Resolves when giveUpAt() may have changed (the writer closes): a wait between tries then ends at once. */
  giveUpAtChanged?(): Promise<void>
  /**
   * Writes the held lines (`bytes`, from `file`) where readers find them (a writer's current logfile)
   * when it gives up; resolves to that file's name, or undefined when it cannot take them.
   */
  rescue?(bytes: Buffer, file: string): Promise<string | undefined>
}

/** Errors worth waiting out: space that other processes (log rotation, an operator) may free. */
const isFullDisk = (error: unknown) => isCode(error, 'ENOSPC') || isCode(error, 'EDQUOT')

/** Bytes `from` to `to` of the file the handle holds. */
async function bytesOf(handle: FileHandle, from: number, to: number): Promise<Buffer> {
  const bytes = Buffer.alloc(to - from)
  for (let at = 0; at < bytes.length; ) {
    const { bytesRead } = await handle.read(bytes, at, bytes.length - at, from + at)
    if (bytesRead === 0) return bytes.subarray(0, at)
    at += bytesRead
  }
  return bytes
}

/**
 * After the unlink, lines that landed between the last look and the unlink are
 * in the handle's file only: they are published before the handle is let go.
 * The `.gz` is made again from the whole file while it changes (each writer
 * lands at most one write there: it then sees the file gone); when that fails
 * (a full disk), the whole file is put back as `file` beside the `.gz`, which
 * holds its start (the next compression replaces it). A plain copy an earlier
 * try left at the name is removed once a `.gz` made again holds it all.
 * When both fail for want of space (ENOSPC, EDQUOT), the partial temporary files
 * are removed (the space is the writers'), `held.onWaiting()` is told once, and
 * both are tried again, holding the handle, until one works or `held.giveUpAt()`
 * has passed; on any other error (EROFS, EIO, EACCES) it gives up at once. Giving
 * up hands the bytes no file at the name holds to `held.rescue()` (the writer's
 * current logfile), and throws a LogWriteError naming them and where they went
 * or that they are lost. Returns the failure that made it put the file back, if it did.
 */
async function publishHeld(
  handle: FileHandle,
  file: string,
  published: fs.Stats,
  temp: string,
  plainTemp: string,
  held: HeldLines,
): Promise<{ error: unknown } | undefined> {
  const copy: { own: fs.Stats | undefined } = { own: undefined }
  let waiting: LogWriteError | undefined
  try {
    for (let wait = HELD_RETRY_FIRST_MS; ; wait = Math.min(wait * 2, HELD_RETRY_MAX_MS)) {
      let failure: unknown
      try {
        for (let now = await handle.stat(); !sameFile(published, now); now = await handle.stat()) {
          await fs.promises.rm(temp, { force: true })
          await copyInto(handle, temp, true)
          await fs.promises.rename(temp, `${file}.gz`)
          published = now
          // A copy an earlier try put back holds part of what the .gz holds now: readers would read it and skip the
          // .gz (the plain file wins), so it goes at once, not only once the .gz holds it all (a later try may fail).
          if (await isOwnCopy(file, copy.own)) await fs.promises.unlink(file)
        }
        if (await isOwnCopy(file, copy.own)) await fs.promises.unlink(file)
        return undefined
      } catch (error) {
        failure = error
      }
      let putBackFailure: unknown
      try {
        await putBack(handle, file, plainTemp, copy)
        return { error: failure }
      } catch (error) {
        putBackFailure = error
      }
      // Partial copies would take the space the writers need while we wait.
      await fs.promises.rm(temp, { force: true }).catch(() => undefined)
      await fs.promises.rm(plainTemp, { force: true }).catch(() => undefined)
      // Held, in no file readers read: past our copy still at the name (readers then read it, not the .gz), else past the .gz.
      const from = (await isOwnCopy(file, copy.own)) ? copy.own!.size : published.size
      const to = (await handle.stat()).size
      if (to <= from) return { error: failure } // our copy at the name holds it all
      const cause = isFullDisk(failure) || !isFullDisk(putBackFailure) ? failure : putBackFailure
      const giveUpAt = held.giveUpAt?.() ?? Infinity
      if (!isFullDisk(failure) && !isFullDisk(putBackFailure)) await giveUp(handle, file, from, to, cause, 'the error is not a full disk', held)
      if (Date.now() >= giveUpAt) await giveUp(handle, file, from, to, cause, 'the writer is closing and the disk is still full', held)
      if (waiting === undefined) {
        waiting = new LogWriteError(
          `cannot compress ${file}: ${describe(cause)}; bytes ${from} to ${to} of it (lines written while it was replaced by ${file}.gz) are held by this process only, in the unlinked file, until space is free (tried again every few seconds; close() gives up after a while)`,
          file,
          { cause },
        )
        held.onWaiting?.(waiting)
      }
      // Ref'd: a process left with nothing else to do must not exit while it holds the only copy of lines.
      // Woken when giveUpAt() changes: a sleep begun before close() set it must not outlast it.
      await sleep(Math.max(0, Math.min(wait, giveUpAt - Date.now())), held.giveUpAtChanged?.())
    }
  } finally {
    if (waiting !== undefined) held.onWaitEnd?.(waiting)
  }
}

/** Gives the held bytes `from`..`to` to `held.rescue()`, and throws a LogWriteError that says where they went, or that they are lost. */
async function giveUp(handle: FileHandle, file: string, from: number, to: number, cause: unknown, why: string, held: HeldLines): Promise<never> {
  const range = `bytes ${from} to ${to} of ${file} (lines written to it while it was replaced by ${file}.gz, which holds the lines before them)`
  let where: string | undefined
  let rescueFailure: unknown
  if (held.rescue !== undefined) {
    try {
      where = await held.rescue(await bytesOf(handle, from, to), file)
    } catch (error) {
      rescueFailure = error
    }
  }
  const prefix = `cannot compress ${file}: ${describe(cause)}; gave up (${why})`
  if (where !== undefined) throw new LogWriteError(`${prefix}: ${range} were appended to ${where} instead (readers merge files by time)`, file, { cause })
  const notThere = rescueFailure === undefined ? '' : `; appending them to the current logfile failed too: ${describe(rescueFailure)}`
  throw new LogWriteError(`${prefix}: ${range} are lost${notThere}`, file, { cause })
}

/**
 * Gzips a rotated logfile that has settled (no write for `graceMs`) to `file.gz`
 * and removes `file`, so that no line appended to it by any process is lost:
 *
 * - one process at a time (a claim file; see claimCompression());
 * - the file is read through one handle; its size and mtime are checked again
 *   right before the `.gz` is published (with link(), never replacing a `.gz`
 *   of other content) and the file unlinked;
 * - a write that still lands between that check and the unlink (a writer that
 *   rotated elsewhere in the same instant) is seen on the handle afterwards: the
 *   `.gz` is made again from the whole (now unlinked) file and renamed over it,
 *   or, if that fails (a full disk), the file is put back (see publishHeld();
 *   when neither is possible for good, the lines go to `held.rescue()` or are reported lost).
 *   A writer whose write lands after the unlink sees the file gone (nlink 0) and
 *   writes its lines again elsewhere (LogWriter does), so the worst case is a
 *   line kept twice, never one lost. Only a kill -9 of this process between the
 *   unlink and the end of publishHeld() loses the lines that landed in that instant.
 *
 * A `.gz` already there beside the file (a compression cut by a crash between
 * link and unlink, or a file put back) is replaced when it holds the start of
 * the file (or all of it), and is an error otherwise (both are left; readers
 * read the plain file). `firstSeen`: see FirstSeen; `held`: see HeldLines.
 */
export async function compressSettled(file: string, graceMs: number, firstSeen?: FirstSeen, held: HeldLines = {}): Promise<CompressOutcome> {
  const settlesAt = (stat: fs.Stats) => Math.min(stat.mtimeMs, firstSeen?.(file, stat) ?? Infinity) + graceMs
  // A cheap look first: a file still written to is not claimed nor opened.
  const look = await fs.promises.stat(file).catch((error: unknown) => {
    if (isCode(error, 'ENOENT')) return undefined
    throw error
  })
  if (look === undefined) return { kind: 'gone' }
  if (Date.now() < settlesAt(look)) return { kind: 'unsettled', settlesAt: settlesAt(look) }
  const claim = await claimCompression(file).catch((error: unknown) => {
    if (isCode(error, 'ENOENT')) return null // the directory is gone
    throw error
  })
  if (claim === null) return { kind: 'gone' }
  if (claim === undefined) return { kind: 'busy' }
  const target = `${file}.gz`
  // Named for the claim: a sweep removes them once no live claim has its token (see removeIfLeftover()).
  const temp = `${file}.gz.tmp-${claim.token}-0`
  const plainTemp = `${file}.gz.tmp-${claim.token}-1`
  let handle: FileHandle | undefined
  try {
    try {
      handle = await fs.promises.open(file, 'r')
    } catch (error) {
      if (isCode(error, 'ENOENT')) return { kind: 'gone' }
      throw error
    }
    const before = await handle.stat()
    if (before.nlink === 0) return { kind: 'gone' } // compressed between the open and the claim's check
    if (Date.now() < settlesAt(before)) return { kind: 'unsettled', settlesAt: settlesAt(before) }
    await copyInto(handle, temp, true)
    // The last look before publishing: unchanged, still settled, still the file at that name.
    const checked = await handle.stat()
    const named = await fs.promises.stat(file).catch(() => undefined)
    if (!sameFile(before, checked) || named?.ino !== checked.ino || named.dev !== checked.dev) return { kind: 'unsettled', settlesAt: Date.now() + graceMs }
    try {
      await fs.promises.link(temp, target)
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error
      if (!(await gzIsPrefixOf(target, handle))) {
        throw new LogWriteError(`cannot compress ${file}: ${target} already exists and holds lines that ${file} does not; both are left as they are (readers read ${file})`, file)
      }
      await fs.promises.rename(temp, target) // it held part (or all) of this file: ours holds all of it
    }
    await fs.promises.unlink(file).catch((error: unknown) => {
      if (!isCode(error, 'ENOENT')) throw error
    })
    const putBackAfter = await publishHeld(handle, file, checked, temp, plainTemp, held)
    await syncPath(path.dirname(file))
    if (putBackAfter !== undefined) {
      const { error } = putBackAfter
      throw new LogWriteError(
        `cannot compress ${file}: ${describe(error)}; lines written to it while it was replaced are kept: it is back beside ${target}, which holds its start (the next compression replaces it)`,
        file,
        { cause: error },
      )
    }
    return { kind: 'compressed' }
  } finally {
    await handle?.close().catch(() => undefined)
    await fs.promises.rm(temp, { force: true }).catch(() => undefined)
    await fs.promises.rm(plainTemp, { force: true }).catch(() => undefined)
    await claim.release()
  }
}
