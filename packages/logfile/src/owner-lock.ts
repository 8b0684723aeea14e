import fs from 'node:fs'
import { formatProcessIdentity, ownProcessIdentity, parseProcessIdentity, type ProcessIdentity } from './process-identity.js'

/**
 * The mechanics of a lock (or claim) file that records its owner, shared by
 * the compression claims here, the writer's spool locks and replay's
 * checkpoint locks: `pid token boot start ns [extra...]` (see
 * formatProcessIdentity()), whose mtime the holder keeps fresh. What counts as
 * stale is each user's policy; the pieces here read, write, take over and
 * refresh.
 */

/** How often a held lock's mtime is set to now (see keepLockFresh()). */
export const LOCK_REFRESH_MS = 60_000
/**
 * A lock whose owner cannot be checked from here (another pid namespace, a
 * terminated worker thread of this process) counts as gone once its mtime is
 * this old: ten refreshes missed.
 */
export const LOCK_UNREFRESHED_MS = 10 * LOCK_REFRESH_MS

/** What a lock file holds, as readOwnerLock() read it. */
export interface OwnerLock extends ProcessIdentity {
  /** `pid` is NaN when its word is not a decimal number (an empty or torn file). */
  pid: number
  /** The holder's token ('' when none). */
  token: string
  /** The words after the identity (e.g. replay's thread id). */
  extra: string[]
  /** The whole file. */
  text: string
  /** The file's mtime (ms): refreshed while its owner holds it. */
  mtimeMs: number
  /** Date.now() - mtimeMs when it was read. */
  ageMs: number
}

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException | undefined)?.code === code

/** The owner `lock` records; undefined when it is gone. Other errors reject. */
export async function readOwnerLock(lock: string): Promise<OwnerLock | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.promises.readFile(lock, 'utf8'), fs.promises.stat(lock)])
    const [pid, token, boot, start, ns, ...extra] = text.trim().split(' ')
    return { ...parseProcessIdentity(pid, boot, start, ns), token: token ?? '', extra, text, mtimeMs: stat.mtimeMs, ageMs: Date.now() - stat.mtimeMs }
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined
    throw error
  }
}

/** The text of a lock this process holds with `token`: `pid token boot start ns [extra...]\n`. */
export function ownerLockText(token: string, extra: readonly (string | number)[] = []): string {
  const [pid, ...id] = formatProcessIdentity(ownProcessIdentity()).split(' ')
  return `${[pid, token, ...id, ...extra].join(' ')}\n`
}

/**
 * Removes the stale lock `owner` was read from, unless it changed since: it is
 * renamed to `aside` first (a name of the caller's choosing beside it, so that
 * its sweeps know a leftover; only one process can move it), and linked back
 * if the file moved is another (text or mtime differ: a lock made fresh
 * meanwhile, or refreshed since by its live owner). True when the lock is gone
 * (also when it was gone already), false when it was put back.
 */
export async function takeOverStaleLock(lock: string, owner: Pick<OwnerLock, 'text' | 'mtimeMs'>, aside: string): Promise<boolean> {
  try {
    await fs.promises.rename(lock, aside)
  } catch (error) {
    if (isCode(error, 'ENOENT')) return true
    throw error
  }
  const [moved, movedStat] = await Promise.all([fs.promises.readFile(aside, 'utf8').catch(() => ''), fs.promises.stat(aside).catch(() => undefined)])
  const same = moved === owner.text && movedStat?.mtimeMs === owner.mtimeMs
  if (!same) await fs.promises.link(aside, lock).catch(() => undefined)
  await fs.promises.rm(aside, { force: true })
  return same
}

/**
 * Sets the mtime of `lock` to now every `periodMs` while it holds `token` (an
 * unref'd timer: it keeps no process alive); stops by itself once the lock
 * holds another token (taken over), or when the returned stop is called. A
 * lock found missing is looked at again at the next period, not given up:
 * another process checking whether it is stale renames it aside for a moment
 * (takeOverStaleLock()) and links it back when it is fresh; a holder that
 * stopped refreshing then would be taken over for good ten minutes later.
 */
export function keepLockFresh(lock: string, token: string, periodMs: number = LOCK_REFRESH_MS): () => void {
  let refreshing = false
  let stopped = false
  const stop = () => {
    stopped = true
    clearInterval(timer)
  }
  const timer = setInterval(() => {
    if (refreshing) return
    refreshing = true
    void readOwnerLock(lock)
      .then(async (owner) => {
        if (stopped || owner === undefined) return // stopped meanwhile, or moved aside for a moment: the next period tries again
        if (owner.token !== token) return stop()
        const now = new Date()
        await fs.promises.utimes(lock, now, now)
      })
      .catch(() => undefined) // a refresh missed; the next one tries again
      .finally(() => {
        refreshing = false
      })
  }, periodMs)
  timer.unref()
  return stop
}
