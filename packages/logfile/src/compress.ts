import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
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

/**
 * Gzips a rotated logfile to `file.gz` and removes `file`. Writes a temporary
 * file, syncs it, and publishes it with link(), which never replaces an existing
 * `.gz`. If `file` changed while it was being compressed (another process still
 * appending), it starts again, up to three times, and otherwise leaves `file` as it is.
 */
export async function gzipRotated(file: string): Promise<string> {
  const target = `${file}.gz`
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await fs.promises.stat(file)
    const temp = `${file}.gz.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
    try {
      await pipeline(fs.createReadStream(file), zlib.createGzip(), fs.createWriteStream(temp, { flags: 'wx' }))
      await syncPath(temp)
      if (!sameFile(before, await fs.promises.stat(file))) continue
      try {
        await fs.promises.link(temp, target)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new LogWriteError(`cannot compress ${file}: ${target} already exists`, file, { cause: error })
        throw error
      }
      await fs.promises.unlink(file)
      return target
    } finally {
      await fs.promises.rm(temp, { force: true })
    }
  }
  throw new LogWriteError(`cannot compress ${file}: it kept changing while being compressed (another process still appends to it)`, file)
}
