import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { threadId } from 'node:worker_threads'
import {
  createFileExclusively,
  inOtherPidNamespace,
  isThisProcess,
  keepLockFresh,
  LOCK_REFRESH_MS,
  LOCK_UNREFRESHED_MS,
  ownerLockText,
  type ProcessIdentity,
  processIdentityAlive,
  readOwnerLock,
  takeOverStaleLock,
} from '@eht-influx-client/logfile'
import { CheckpointError } from './errors.js'

/**
 * Locks held by replays of this thread: lock file -> token. On globalThis, so
 * that every copy of this package loaded here (two installs) shares it; a
 * replay in another worker thread has a map of its own, and its lock is told
 * apart from one of an earlier process with our pid by its start time (see
 * stale()).
 */
const HELD = Symbol.for('@eht-influx-client/replay.checkpointLocksHeld')
const held = ((globalThis as Record<symbol, unknown>)[HELD] ??= new Map<string, string>()) as Map<string, string>
/** Tokens of locks this thread let go but could not remove (see release()): stale, though they name this process. */
const LET_GO = Symbol.for('@eht-influx-client/replay.checkpointLocksLetGo')
const letGo = ((globalThis as Record<symbol, unknown>)[LET_GO] ??= new Set<string>()) as Set<string>

/** A lock file that is empty or torn counts as held for this long (it may be being written), then as left by a crash. */
const UNREADABLE_GRACE_MS = 10_000

interface LockOwner {
  /** undefined: the file holds no process (empty or torn). */
  id: ProcessIdentity | undefined
  token: string
  /** The holder's thread in its process (0: the main thread); undefined in locks that do not say. */
  thread: number | undefined
  text: string
  mtimeMs: number
  ageMs: number
}

/** The lock of a checkpoint file: `<server>-<hash>.lock` beside it. */
export function lockFileOf(checkpointFile: string): string {
  return `${checkpointFile.replace(/\.json$/, '')}.lock`
}

/** The holder of `lock` (`pid token boot start ns thread`); undefined when it is gone. */
async function readLock(lock: string): Promise<LockOwner | undefined> {
  const owner = await readOwnerLock(lock)
  if (owner === undefined) return undefined
  const { pid, boot, start, ns, token, extra, text, mtimeMs, ageMs } = owner
  const thread = extra[0]
  return {
    id: Number.isNaN(pid) || pid <= 0 ? undefined : { pid, boot, start, ns },
    token,
    thread: thread !== undefined && /^\d+$/.test(thread) ? Number(thread) : undefined,
    text,
    mtimeMs,
    ageMs,
  }
}

/**
 * True when the lock was left by a replay that is gone (its process ended, or it was of this thread and let go).
 * A holder refreshes its lock's mtime every minute (see keepLockFresh()); one whose holder cannot be checked from
 * here (a replay in another pid namespace, or one of another worker thread of this process, which may have been
 * terminated during its replay) is stale once it has not been refreshed for LOCK_UNREFRESHED_MS.
 */
function stale(owner: LockOwner, lock: string): boolean {
  if (owner.id === undefined) return owner.ageMs > UNREADABLE_GRACE_MS
  if (owner.id.pid === process.pid && !inOtherPidNamespace(owner.id)) {
    // Held by a replay of this thread (any copy of the package), or by one of another worker thread of this
    // process, whose tokens are not in `held`: the lock names this very process (until it goes unrefreshed: that
    // thread was terminated). Only a lock of an earlier process that had our pid, or one this thread let go, is stale.
    if (held.get(lock) === owner.token) return false
    if (letGo.has(owner.token)) return true
    // The lock's age stands in for a start time where none is known (no /proc).
    return !isThisProcess(owner.id, { writtenAgoMs: owner.ageMs }) || owner.ageMs >= LOCK_UNREFRESHED_MS
  }
  if (!processIdentityAlive(owner.id)) return true
  return inOtherPidNamespace(owner.id) && owner.ageMs >= LOCK_UNREFRESHED_MS
}

/** True while a live replay of another process holds the lock of `checkpointFile` (or may: one in another pid namespace, or one starting). */
export async function lockedByOtherProcess(checkpointFile: string): Promise<boolean> {
  const lock = lockFileOf(checkpointFile)
  const owner = await readLock(lock).catch(() => undefined)
  if (owner === undefined || stale(owner, lock)) return false
  return owner.id === undefined || owner.id.pid !== process.pid || inOtherPidNamespace(owner.id)
}

/**
 * The lock made at once, never over another's (see createFileExclusively); its temp is named as the
 * checkpoint folder's other temporary files, `.<name>.<pid>.<n>.tmp`, so a leftover is found (see checkpoint-temps.ts).
 */
const createLock = (lock: string, text: string) =>
  createFileExclusively(lock, text, path.join(path.dirname(lock), `.${path.basename(lock)}.${process.pid}.${randomUUID()}.tmp`))

/** Which thread of this process a lock of ours names. */
function threadOf(owner: LockOwner): string {
  if (owner.thread === undefined) return ''
  if (owner.thread === threadId) return ' (this thread)'
  return owner.thread === 0 ? ' (the main thread)' : ` (worker thread ${owner.thread})`
}

function describeHolder(owner: LockOwner): string {
  if (owner.id === undefined) return 'a replay that is starting (the lock file is being written)'
  if (owner.id.pid === process.pid && !inOtherPidNamespace(owner.id)) return `another replay in this process${threadOf(owner)}`
  if (inOtherPidNamespace(owner.id)) return `process ${owner.id.pid} in another pid namespace (${owner.id.ns}, e.g. a container), which cannot be checked from here`
  return `process ${owner.id.pid}`
}

/**
 * The right to use one checkpoint (one server target and selection) for the
 * length of a replay, across processes: a lock file `<server>-<hash>.lock`
 * beside the checkpoint holding `pid token boot start ns thread`. Two replays of the
 * same checkpoint at once would each write their own state over the other's
 * (the entries of the files only the other replay read would be lost, and
 * those files sent again in full by the next replay); so the second one is
 * refused with a CheckpointError naming the holder, also when the holder is
 * this process (another replay of this thread, or of a worker thread: the
 * thread is named). A lock left by a process that is gone (its pid dead, or
 * now another process's: another start time or boot) is taken over. While
 * held, the lock's mtime is refreshed every minute, so that a lock whose
 * holder cannot be checked from here (another pid namespace, a terminated
 * worker thread of this process) is taken over once it has not been refreshed
 * for 10 minutes (see stale()).
 */
export class CheckpointLock {
  private constructor(
    readonly file: string,
    private readonly token: string,
    private readonly stopRefresh: () => void,
  ) {}

  /** `refreshMs`: how often the held lock's mtime is set to now (for tests). */
  static async take(checkpointFile: string, server: string, { refreshMs = LOCK_REFRESH_MS }: { refreshMs?: number } = {}): Promise<CheckpointLock> {
    const lock = lockFileOf(checkpointFile)
    const token = randomUUID()
    const text = ownerLockText(token, [threadId])
    try {
      await fs.promises.mkdir(path.dirname(lock), { recursive: true })
      for (let attempt = 0; attempt < 5; attempt++) {
        if (await createLock(lock, text)) {
          held.set(lock, token)
          return new CheckpointLock(lock, token, keepLockFresh(lock, token, refreshMs))
        }
        const owner = await readLock(lock)
        if (owner === undefined) continue
        if (!stale(owner, lock)) {
          const unrefreshed = `is taken over once it has not been refreshed for ${LOCK_UNREFRESHED_MS / 60_000} minutes (a replay holding it refreshes it every minute)`
          const gone =
            owner.id === undefined
              ? `; a lock whose process is gone is taken over by the next replay`
              : inOtherPidNamespace(owner.id)
                ? `; if no replay runs there any more, the lock ${unrefreshed}`
                : owner.id.pid === process.pid
                  ? `; a lock of a worker thread terminated during its replay ${unrefreshed}`
                  : `; a lock whose process is gone is taken over by the next replay`
          throw new CheckpointError(
            `the checkpoint ${checkpointFile} of server "${server}" is in use by ${describeHolder(owner)} (lock file ${lock}): two replays of the same server and selection at once would overwrite each other's checkpoint. Wait until it ends, or stop it, then run this replay again${gone}`,
            checkpointFile,
          )
        }
        // Take the stale lock aside (only one process can move it), and check it was the stale one (a fresh or
        // refreshed lock of another replay is put back, and judged again). Named with our pid, so that one left by a
        // kill right here is removed as a leftover (see checkpoint-temps.ts).
        await takeOverStaleLock(lock, owner, `${lock}.${process.pid}.${token}.stale`)
      }
    } catch (error) {
      if (error instanceof CheckpointError) throw error
      throw new CheckpointError(`cannot lock the checkpoint ${checkpointFile} (lock file ${lock}): ${(error as Error).message}`, checkpointFile, { cause: error })
    }
    throw new CheckpointError(`cannot lock the checkpoint ${checkpointFile}: the lock file ${lock} kept changing (other replays starting at the same time); run this replay again`, checkpointFile)
  }

  /** Lets go of the checkpoint (only if the lock is still this one's). */
  async release(): Promise<void> {
    this.stopRefresh()
    if (held.get(this.file) !== this.token) return
    held.delete(this.file)
    const owner = await readLock(this.file).catch(() => undefined)
    if (owner?.token !== this.token) return
    // A lock that could not be removed names this process still: noted as let go, so that it is stale here.
    await fs.promises.rm(this.file, { force: true }).catch(() => letGo.add(this.token))
  }
}
