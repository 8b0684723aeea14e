import { randomBytes } from 'node:crypto'
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
const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException | undefined)?.code === code

/**
 * What became of a file handed to compressSettled(): `compressed`; `gone` (no such
 * file: another process compressed it); `busy` (another live process is compressing
 * it); `unsettled` (written to less than the grace period ago, `settlesAt` says when
 * it could be: try again then).
 */
export type CompressOutcome = { kind: 'compressed' } | { kind: 'gone' } | { kind: 'busy' } | { kind: 'unsettled'; settlesAt: number }

/** The file's whole content (read through `handle`, from offset 0) gzipped into a new `temp`, synced. */
async function gzipInto(handle: FileHandle, temp: string): Promise<void> {
  const input = handle.createReadStream({ start: 0, autoClose: false })
  await pipeline(input, zlib.createGzip(), fs.createWriteStream(temp, { flags: 'wx' }))
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

/**
 * Gzips a rotated logfile that has settled (no write for `graceMs`) to `file.gz`
 * and removes `file`, so that no line appended to it by any process is lost:
 *
 * - one process at a time (a claim file with its pid; see claimCompression());
 * - the file is read through one handle; its size and mtime are checked again
 *   right before the `.gz` is published (with link(), never replacing a `.gz`
 *   of other content) and the file unlinked;
 * - a write that still lands between that check and the unlink (a writer that
 *   rotated elsewhere in the same instant) is seen on the handle afterwards: the
 *   `.gz` is made again from the whole (now unlinked) file and renamed over it.
 *   A writer whose write lands after the unlink sees the file gone (nlink 0) and
 *   writes its lines again elsewhere (LogWriter does), so the worst case is a
 *   line kept twice, never one lost.
 *
 * A `.gz` already there beside the file (a compression cut by a crash between
 * link and unlink) is replaced when it holds the start of the file (or all of
 * it), and is an error otherwise (both are left; readers read the plain file).
 */
export async function compressSettled(file: string, graceMs: number): Promise<CompressOutcome> {
  // A cheap look first: a file still written to is not claimed nor opened.
  const look = await fs.promises.stat(file).catch((error: unknown) => {
    if (isCode(error, 'ENOENT')) return undefined
    throw error
  })
  if (look === undefined) return { kind: 'gone' }
  if (Date.now() < look.mtimeMs + graceMs) return { kind: 'unsettled', settlesAt: look.mtimeMs + graceMs }
  const release = await claimCompression(file).catch((error: unknown) => {
    if (isCode(error, 'ENOENT')) return null // the directory is gone
    throw error
  })
  if (release === null) return { kind: 'gone' }
  if (release === undefined) return { kind: 'busy' }
  const target = `${file}.gz`
  const temp = `${file}.gz.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
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
    const settlesAt = before.mtimeMs + graceMs
    if (Date.now() < settlesAt) return { kind: 'unsettled', settlesAt }
    await gzipInto(handle, temp)
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
    // Writes that landed between the last look and the unlink are in the handle's file only: publish them too.
    for (let seen = checked, round = 0; round < 10; round++) {
      const now = await handle.stat()
      if (sameFile(seen, now)) break
      await fs.promises.rm(temp, { force: true })
      await gzipInto(handle, temp)
      await fs.promises.rename(temp, target)
      seen = now
    }
    await syncPath(path.dirname(file))
    return { kind: 'compressed' }
  } finally {
    await handle?.close().catch(() => undefined)
    await fs.promises.rm(temp, { force: true }).catch(() => undefined)
    await release()
  }
}
