import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {
  createFileExclusively,
  inOtherPidNamespace,
  isThisProcess,
  keepLockFresh,
  LOCK_REFRESH_MS,
  LOCK_UNREFRESHED_MS,
  type OwnerLock,
  ownerLockText,
  ownProcessIdentity,
  type ProcessIdentity,
  processIdentityAlive,
  readOwnerLock,
  takeOverStaleLock,
  writeFileAtomic,
} from '@eht-influx-client/logfile'

/**
 * Claims held by drainers of this process: lock file -> token (a second drainer here must not take them).
 * On globalThis, so that every copy of this package loaded in the process (two installs) shares it;
 * worker threads each have their own, and are told apart by the lock's start time (see stale()).
 */
const HELD = Symbol.for('@eht-influx-client/writer.spoolClaimsHeld')
const held = ((globalThis as Record<symbol, unknown>)[HELD] ??= new Map<string, string>()) as Map<string, string>

/**
 * The owner of a lock file (`pid token boot start ns`; locks of older versions hold `pid token` only);
 * undefined when it is gone.
 */
async function readLock(lock: string): Promise<OwnerLock | undefined> {
  const owner = await readOwnerLock(lock)
  // The pid as Number() reads it, as this module always did (stale() judges the lock as before).
  return owner === undefined ? undefined : { ...owner, pid: Number(owner.text.trim().split(' ')[0]) }
}

/** The spool's rule: a lock without a pid namespace (an older version's) is judged by its pid alone. */
const identityAlive = (owner: ProcessIdentity) => processIdentityAlive(owner, { pidOnlyWithoutNamespace: true })

/**
 * True when the lock was left by a drainer that is gone (its process ended, or it was of this process and let go).
 * A holder refreshes its lock's mtime every minute (see keepLockFresh()); one whose holder cannot be checked from
 * here (a drainer in another pid namespace, or one of this very process that no drainer of this thread holds: a
 * worker thread terminated mid-drain) is stale once it has not been refreshed for LOCK_UNREFRESHED_MS.
 */
function stale(owner: OwnerLock, lock: string): boolean {
  // Empty or torn: being written (where links are not supported), or left by a crash long ago.
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return owner.ageMs > 10_000
  // Our pid (in our pid namespace, or where none was recorded): held if a drainer of this copy of the package
  // holds it, or, until it goes unrefreshed, if the lock records this very process (our boot id and start time):
  // a drainer in another worker thread, whose claims are not in `held`. A lock of an earlier process with our pid
  // (another start time, or the pid only, as older versions wrote) is stale. The same pid in another namespace is
  // another process.
  if (owner.pid === process.pid && (owner.ns === undefined || owner.ns === ownProcessIdentity().ns)) {
    if (held.get(lock) === owner.token) return false
    return !isThisProcess(owner) || owner.ageMs >= LOCK_UNREFRESHED_MS
  }
  if (!identityAlive(owner)) return true
  return inOtherPidNamespace(owner) && owner.ageMs >= LOCK_UNREFRESHED_MS
}

/**
 * Who holds the lock of `file`, for a message: undefined when nobody (or the
 * holder is gone). `unsure`: the lock has only a pid (an older version wrote
 * it), which another process may have now. `namespace`: the holder's pid
 * namespace when it is not ours (a container's): whether it still runs cannot
 * be checked here (its lock is taken over once it is not refreshed for
 * LOCK_UNREFRESHED_MS).
 */
export async function lockHolder(file: string): Promise<{ pid: number; ours: boolean; unsure: boolean; namespace?: string } | undefined> {
  const lock = `${file}.lock`
  const owner = await readLock(lock).catch(() => undefined)
  if (owner === undefined || stale(owner, lock)) return undefined
  const foreign = inOtherPidNamespace(owner)
  return {
    pid: owner.pid,
    ours: owner.pid === process.pid && !foreign,
    unsure: owner.start === undefined && owner.boot === undefined,
    ...(foreign ? { namespace: owner.ns } : {}),
  }
}

/** The lock made at once, never over another's (see createFileExclusively). */
const createLock = (lock: string, text: string) => createFileExclusively(lock, text, `${lock}.${randomUUID()}.tmp`)

/**
 * Removes half-written progress files of `file` (a drainer killed while saving); only the lock holder writes them.
 * `listed`: the folder's names as a drain pass listed them (a folder of thousands of files is not read again for each).
 */
async function removeProgressTemps(file: string, listed?: readonly string[]): Promise<void> {
  const prefix = `${path.basename(file)}.progress.`
  const names = listed ?? (await fs.promises.readdir(path.dirname(file)).catch(() => [] as string[]))
  for (const name of names) if (name.startsWith(prefix) && name.endsWith('.tmp')) await fs.promises.rm(path.join(path.dirname(file), name), { force: true })
}

/** Byte offset saved in a progress file, if it is a sound one for a file of `size` bytes. */
async function readProgress(file: string, size: number): Promise<number> {
  try {
    const { offset } = JSON.parse(await fs.promises.readFile(file, 'utf8')) as { offset?: unknown }
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 && offset <= size) return offset
  } catch {
    // none, or unreadable: start at the beginning (sending again is the safe side)
  }
  return 0
}

/**
 * The right to drain one sealed spool file, held by one drainer at a time
 * (across processes: a lock file `<file>.lock` with the holder's pid; one left
 * by a process that is gone is taken over; its mtime is refreshed every minute
 * while held, see stale()), and the file's progress
 * `<file>.progress`: the byte offset up to which the server took every line,
 * written atomically after each delivered batch, so a drain interrupted at any
 * moment (kill -9 included) goes on from there instead of sending again.
 */
export class SpoolClaim {
  private constructor(
    readonly file: string,
    private readonly lock: string,
    private readonly token: string,
    /** Where delivery goes on: every line ending at or before it was taken by the server. */
    readonly startOffset: number,
    private readonly stopRefresh: () => void,
  ) {}

  /**
   * Claims `file`; undefined when another live drainer holds it, or the file is gone (drained meanwhile).
   * `listed`: the names in its folder, as the drain pass listed them once for all its files.
   * `refreshMs`: how often the held lock's mtime is set to now (for tests).
   */
  static async take(file: string, listed?: readonly string[], { refreshMs = LOCK_REFRESH_MS }: { refreshMs?: number } = {}): Promise<SpoolClaim | undefined> {
    const lock = `${file}.lock`
    const token = randomUUID()
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await createLock(lock, ownerLockText(token))) {
        held.set(lock, token)
        const size = await fs.promises.stat(file).then((s) => s.size, () => undefined)
        if (size === undefined) {
          // Drained and deleted by another drainer just before: only its leftovers remain.
          await fs.promises.rm(`${file}.progress`, { force: true })
          await new SpoolClaim(file, lock, token, 0, () => undefined).release()
          return undefined
        }
        const stopRefresh = keepLockFresh(lock, token, refreshMs)
        try {
          await removeProgressTemps(file, listed)
          return new SpoolClaim(file, lock, token, await readProgress(`${file}.progress`, size), stopRefresh)
        } catch (error) {
          stopRefresh()
          throw error
        }
      }
      const owner = await readLock(lock)
      if (owner === undefined) continue
      if (!stale(owner, lock)) return undefined
      // Take the stale lock aside (only one drainer can move it; named as removeClaimLeftovers() expects); a live
      // drainer's fresh or refreshed lock is put back.
      if (!(await takeOverStaleLock(lock, owner, `${lock}.${token}.stale`))) return undefined
    }
    return undefined
  }

  /** True while the lock is still this claim's (a drainer that lost it stops). */
  async holds(): Promise<boolean> {
    const owner = await readLock(this.lock).catch(() => undefined)
    return owner?.token === this.token
  }

  /** Records that the server took every line ending at or before `offset`. */
  async advance(offset: number): Promise<void> {
    // The temporary file is named `<file>.progress.<uuid>.tmp`, as removeProgressTemps() expects.
    const progress = `${this.file}.progress`
    await writeFileAtomic(progress, `${JSON.stringify({ offset })}\n`, { temp: `${progress}.${randomUUID()}.tmp` })
  }

  /** The file was drained and deleted: removes its progress, then the lock. */
  async finish(): Promise<void> {
    await fs.promises.rm(`${this.file}.progress`, { force: true })
    // Temps left before this claim were removed when it was taken; its own are removed by each atomic write.
    await this.release()
  }

  /** Lets go of the file (its progress stays for the next drainer). */
  async release(): Promise<void> {
    this.stopRefresh()
    if (held.get(this.lock) !== this.token) return
    if (await this.holds()) await fs.promises.rm(this.lock, { force: true })
    held.delete(this.lock)
  }
}

/** Removes progress and lock files whose spool file is gone (a drainer ended between deleting the file and them); `listed`: the folder's names, if already read. */
export async function removeClaimLeftovers(dir: string, sealed: ReadonlySet<string>, listed?: readonly string[]): Promise<void> {
  const names = listed ?? (await fs.promises.readdir(dir).catch(() => [] as string[]))
  for (const name of names) {
    const match = /^(spool-.+?\.lp)\.(?:progress|lock)(?:\..+\.(?:tmp|stale))?$/.exec(name)
    if (match === null || sealed.has(match[1]!)) continue
    const lock = path.join(dir, `${match[1]}.lock`)
    const owner = await readLock(lock).catch(() => undefined)
    if (owner !== undefined && !stale(owner, lock)) continue
    if (await fs.promises.stat(path.join(dir, match[1]!)).then(() => true, () => false)) continue
    await fs.promises.rm(path.join(dir, name), { force: true })
  }
}
