import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { createFileExclusively } from './exclusive-file.js'
import { keepLockFresh, LOCK_REFRESH_MS, LOCK_UNREFRESHED_MS, type OwnerLock, ownerLockText, readOwnerLock as readClaim, takeOverStaleLock } from './owner-lock.js'
import { inOtherPidNamespace, isThisProcess, processIdentityAlive } from './process-identity.js'

/**
 * Tokens of the claims this process holds or is making. On globalThis, so that
 * every copy of this package loaded in the process (two installs) shares it;
 * worker threads each have their own, and are told apart by the claim's start
 * time (see stale()).
 */
const OURS = Symbol.for('@eht-influx-client/logfile.compressionClaims')
const ours = ((globalThis as Record<symbol, unknown>)[OURS] ??= new Set<string>()) as Set<string>

/** `Kp.jsonl` -> `Kp.jsonl.gz.claim`: who compresses the file (`pid token boot start ns`, see ownerLockText()). */
export const claimPath = (file: string) => `${file}.gz.claim`

/** A claim that cannot be read (not one this version writes) is left alone this long. */
const UNREADABLE_GRACE_MS = 10_000

/**
 * True when the claim was left by a compression that is over: its process is
 * gone (another boot, another start time for its pid, no such pid). Our own
 * pid (a restart as a container's PID 1 gets it again): stale unless this
 * process holds the claim, or the claim records this very process (its start
 * time: a compression in another worker thread). An owner that cannot be
 * checked from here (another pid namespace, a container's, which a restart
 * never gets again; no start time recorded, so its pid may be another's now):
 * stale once the claim has not been refreshed for LOCK_UNREFRESHED_MS (a
 * killed container's claim would otherwise be kept until the next reboot).
 */
function stale(owner: OwnerLock): boolean {
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return owner.ageMs > UNREADABLE_GRACE_MS
  if (owner.pid === process.pid && !inOtherPidNamespace(owner)) return !ours.has(owner.token) && !isThisProcess(owner)
  if (!processIdentityAlive(owner)) return true
  return (inOtherPidNamespace(owner) || owner.start === undefined) && owner.ageMs >= LOCK_UNREFRESHED_MS
}

/** Removes the stale claim `owner` was read from, unless it changed since (see takeOverStaleLock()). True when it is gone. */
const removeStale = (claim: string, owner: OwnerLock) => takeOverStaleLock(claim, owner, `${claim}.${randomBytes(8).toString('hex')}.stale`)

/** A claim on the compression of one file. */
export interface CompressionClaim {
  /** Names the compression's temporary files (`<file>.gz.tmp-<token>-<n>`): a sweep removes them once no live claim has it. */
  readonly token: string
  /** Removes the claim (if it is still this one). */
  release(): Promise<void>
}

/**
 * Claims the compression of `file` for this process, so that of several writers
 * rotating away from one shared file only one compresses it: a claim file
 * recording this process (see ownerLockText()) and a random token, made with
 * createFileExclusively (whole, never replacing another's). A stale claim (see stale()) is taken
 * over. While held, its mtime is refreshed (see keepLockFresh()), so that a claim
 * whose owner cannot be checked is taken over only once its owner is gone.
 * Undefined when another live compression holds the claim. `refreshMs`: for
 * tests.
 */
export async function claimCompression(file: string, { refreshMs = LOCK_REFRESH_MS }: { refreshMs?: number } = {}): Promise<CompressionClaim | undefined> {
  const claim = claimPath(file)
  const token = randomBytes(8).toString('hex')
  const temp = `${claim}.${token}`
  ours.add(token) // before the temp exists: a sweep of this process must not take it for a leftover
  let held = false
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await createFileExclusively(claim, ownerLockText(token), temp)) {
        held = true
        const stopRefresh = keepLockFresh(claim, token, refreshMs)
        return {
          token,
          release: async () => {
            stopRefresh()
            try {
              if ((await readClaim(claim).catch(() => undefined))?.token === token) await fs.promises.rm(claim, { force: true })
            } finally {
              ours.delete(token)
            }
          },
        }
      }
      const owner = await readClaim(claim)
      if (owner === undefined) continue
      if (!stale(owner) || !(await removeStale(claim, owner))) return undefined
    }
    return undefined
  } finally {
    if (!held) ours.delete(token)
  }
}

/**
 * What a compression of `X` keeps beside it while it runs: `X.gz.claim`, `X.gz.claim.<token>`
 * (a claim being made; `.stale`: one being taken over) and `X.gz.tmp-<token>-<n>` (its output).
 * Also the names of earlier development versions: `X.gz.claim.<pid>-<hex>`, `X.gz.tmp-<pid>-<hex>`.
 */
const LEFTOVER = /^(.*)\.gz\.(?:claim|claim\.[0-9a-f-]+(?:\.stale)?|tmp-([0-9a-f]+)-[0-9a-f]+)$/

/** `X` when `entry` is a name a compression of `X` uses (see LEFTOVER), else undefined. */
export function leftoverOf(entry: string): string | undefined {
  return LEFTOVER.exec(entry)?.[1]
}

/**
 * Removes `dir/entry`, a name leftoverOf() knows, when the compression it
 * belongs to is over (its process died, or a restart got its pid): a claim
 * only once its file is gone (`plainThere` false; else compressSettled() takes
 * it over), a temporary file once no live claim has its token.
 */
export async function removeIfLeftover(dir: string, entry: string, plainThere: boolean): Promise<void> {
  const file = path.join(dir, entry)
  const match = LEFTOVER.exec(entry)
  if (match === null) return
  if (entry.endsWith('.gz.claim')) {
    if (plainThere) return
    const owner = await readClaim(file)
    if (owner !== undefined && stale(owner)) await removeStale(file, owner)
    return
  }
  const token = match[2]
  if (token === undefined) {
    // A claim being made or moved aside holds the claim text: stale as its owner is.
    const owner = await readClaim(file)
    if (owner !== undefined && stale(owner)) await fs.promises.rm(file, { force: true })
    return
  }
  if (ours.has(token)) return
  const owner = await readClaim(claimPath(path.join(dir, match[1]!)))
  if (owner !== undefined && owner.token === token && !stale(owner)) return
  await fs.promises.rm(file, { force: true })
}
