import fs from 'node:fs'
import path from 'node:path'
import { processIdentityAlive } from '@eht-influx-client/logfile'
import { lockedByOtherProcess } from './checkpoint-lock.js'

/**
 * A file of the checkpoint folder that only exists for a moment:
 * `.<server>-<hash>.json.<pid>.<n>.tmp` (a durable checkpoint write),
 * `.<server>-<hash>.recent.json.<pid>.<n>.tmp` (a recent write),
 * `.<server>-<hash>.lock.<pid>.<uuid>.tmp` (a lock being created) or
 * `<server>-<hash>.lock.<pid>.<uuid>.stale` (a stale lock being taken over).
 * Group 1 or 3: the checkpoint's base name, group 2 or 4: the process that made it.
 */
const TEMP = /^(?:\.(.+-[0-9a-f]{12})\.(?:recent\.json|json|lock)\.(\d+)\.[0-9a-f-]+\.tmp|(.+-[0-9a-f]{12})\.lock\.(\d+)\.[0-9a-f-]+\.stale)$/

export interface LeftoverCleanup {
  /** Names removed. */
  removed: string[]
  /** One per leftover that could not be removed (for the summary's warnings). */
  warnings: string[]
}

/**
 * Removes the temporary files a write (or a lock take-over) left in the
 * checkpoint folder when its process was killed (`kill -9`, power cut) or, in
 * older versions, when the write failed (disk full): they are never renamed
 * over a checkpoint, and would stay for ever. Only those of a process that no
 * longer runs here, and of a checkpoint no other live replay holds (a process
 * in a container, whose pid cannot be checked from here, holds its lock), so a
 * write in progress is never touched; this process's own are left alone too.
 * A leftover that cannot be removed (a folder by that name, no permission) is
 * passed over with a warning: it does not stop the replay.
 */
export async function removeLeftoverTemps(dir: string): Promise<LeftoverCleanup> {
  const done: LeftoverCleanup = { removed: [], warnings: [] }
  let names: string[]
  try {
    names = await fs.promises.readdir(dir)
  } catch {
    return done // no folder yet: nothing left over
  }
  for (const name of names) {
    const match = TEMP.exec(name)
    if (match === null) continue
    const pid = Number(match[2] ?? match[4])
    // The name holds the pid only: alive while any process has it (ours included).
    if (processIdentityAlive({ pid })) continue
    if (await lockedByOtherProcess(path.join(dir, `${match[1] ?? match[3]}.json`))) continue
    const file = path.join(dir, name)
    try {
      await fs.promises.rm(file, { force: true })
      done.removed.push(name)
    } catch (error) {
      done.warnings.push(`cannot remove ${file}, left in the checkpoint folder by process ${pid}, which has ended: ${(error as Error).message}; it is passed over (delete it by hand)`)
    }
  }
  return done
}
