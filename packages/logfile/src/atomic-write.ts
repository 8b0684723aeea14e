import fs from 'node:fs'
import path from 'node:path'

let sequence = 0

/** fsyncs a directory so that a rename inside it survives a power cut; file systems that cannot are ignored. */
async function syncDir(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined
  try {
    handle = await fs.promises.open(dir, 'r')
    await handle.sync()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error
  } finally {
    await handle?.close()
  }
}

export interface AtomicWriteOptions {
  /**
   * The temporary file's path, in the same directory (default
   * `.<name>.<pid>.<n>.tmp` beside `file`): for a caller that finds leftovers
   * of a crash by their names.
   */
  temp?: string
  /**
   * Default `true`: fsync the file before the rename and the directory after
   * it, so that the new content survives a power cut. `false` leaves both to
   * the kernel: the replace is still atomic for readers and for a crash of the
   * process (`kill -9`), but a power cut may leave the old content, or on some
   * file systems an empty or partly written file.
   */
  sync?: boolean
}

/**
 * Replaces `file` with `text` so that a reader (or a crash at any moment) sees
 * either the old content or the new one, never a mix: write a temporary file
 * beside it, fsync it, rename it over `file`, fsync the directory (no fsync
 * with `sync: false`). Creates the directory when missing. A failed directory
 * fsync is an error, except where the file system cannot fsync a directory at all.
 */
export async function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): Promise<void> {
  const sync = options.sync !== false
  const dir = path.dirname(file)
  await fs.promises.mkdir(dir, { recursive: true })
  const temp = options.temp ?? path.join(dir, `.${path.basename(file)}.${process.pid}.${sequence++}.tmp`)
  const handle = await fs.promises.open(temp, 'w', 0o644)
  try {
    try {
      await handle.writeFile(text, 'utf8')
      if (sync) await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.promises.rename(temp, file)
  } catch (error) {
    // A full disk (ENOSPC on the write or the sync), a failed close or rename: the temporary file must not stay behind.
    await fs.promises.rm(temp, { force: true }).catch(() => undefined)
    throw error
  }
  if (sync) await syncDir(dir)
}
