import fs from 'node:fs'
import path from 'node:path'
import { lockedByOtherProcess } from './checkpoint-lock.js'
import { pidAlive } from './process-identity.js'

/**
 * A temporary file of the checkpoint folder: `.<server>-<hash>.json.<pid>.<n>.tmp`
 * (a durable checkpoint write), `.<server>-<hash>.recent.json.<pid>.<n>.tmp`
 * (a recent write) or `.<server>-<hash>.lock.<pid>.<uuid>.tmp` (a lock being
 * created). Group 1: the checkpoint's base name, group 2: the writing process.
 */
const TEMP = /^\.(.+-[0-9a-f]{12})\.(?:recent\.json|json|lock)\.(\d+)\.[0-9a-f-]+\.tmp$/

/**
 * Removes the temporary files a write left in the checkpoint folder when its
 * process was killed (`kill -9`, power cut) or, in older versions, when the
 * write failed (disk full): they are never renamed over a checkpoint, and
 * would stay for ever. Only those of a process that no longer runs here, and
 * of a checkpoint no other live replay holds (a process in a container, whose
 * pid cannot be checked from here, holds its lock), so a write in progress is
 * never touched; this process's own are left alone too. Returns the names removed.
 */
export async function removeLeftoverTemps(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await fs.promises.readdir(dir)
  } catch {
    return [] // no folder yet: nothing left over
  }
  const removed: string[] = []
  for (const name of names) {
    const match = TEMP.exec(name)
    if (match === null) continue
    const pid = Number(match[2])
    if (pid === process.pid || pidAlive(pid)) continue
    if (await lockedByOtherProcess(path.join(dir, `${match[1]}.json`))) continue
    await fs.promises.rm(path.join(dir, name), { force: true })
    removed.push(name)
  }
  return removed
}
