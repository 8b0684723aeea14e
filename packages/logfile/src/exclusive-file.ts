import fs from 'node:fs'

const code = (error: unknown) => (error as NodeJS.ErrnoException).code

/** File systems that cannot make a hard link answer link() with one of these. */
const NO_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']

/**
 * Creates `file` holding `text` only if no file has that name yet, all at once:
 * the text goes to `temp` (a name of the caller's choosing in the same
 * directory, so that it can find leftovers of a crash), which is then linked to
 * `file` (link() never replaces a file), so another process never sees the
 * file empty or half-written. Where the file system has no hard links, an
 * exclusive create (`wx`) instead, which a reader may see empty for an
 * instant. Resolves true when it created the file, false when the name was
 * taken; `temp` is removed in every case (also when writing it fails on a full
 * disk). For lock files (the writer's spool locks, replay's checkpoint locks).
 */
export async function createFileExclusively(file: string, text: string, temp: string): Promise<boolean> {
  try {
    await fs.promises.writeFile(temp, text, { mode: 0o644 })
    await fs.promises.link(temp, file)
    return true
  } catch (error) {
    if (code(error) === 'EEXIST') return false
    if (!NO_LINKS.includes(code(error) ?? '')) throw error
  } finally {
    await fs.promises.rm(temp, { force: true })
  }
  try {
    await fs.promises.writeFile(file, text, { flag: 'wx', mode: 0o644 })
    return true
  } catch (error) {
    if (code(error) === 'EEXIST') return false
    throw error
  }
}
