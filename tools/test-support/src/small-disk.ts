// A disk that fills up: a small tmpfs mounted on a directory. Needs root (CI
// runs as root); tests that use it are skipped where mounting is not allowed.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Mount points that even `umount -l` could not detach: a test file checks it is empty after its tests. */
export const stillMounted: string[] = []

/**
 * Mounts a tmpfs of `size` on `dir` and returns the function that unmounts it;
 * undefined where mounting is not allowed. The unmount never throws (called
 * from `finally`, its error would hide the test's own failure): a disk still
 * busy (a file left open by a test that failed before closing it) is detached
 * with `umount -l`, and one that cannot be is listed in `stillMounted`.
 */
export function mountSmallDisk(dir: string, size = '64k'): (() => void) | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    return undefined
  }
  return () => {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' })
    } catch (error) {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' })
        console.warn(`umount ${dir}: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}; detached with umount -l`)
      } catch (lazy) {
        stillMounted.push(`${dir}: ${String((lazy as { stderr?: unknown }).stderr ?? lazy).trim()}`)
      }
    }
  }
}

/** True where this process may mount a tmpfs (root): tried once on a temporary directory, which is removed. */
export function canMountSmallDisk(): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-small-disk-'))
  try {
    const unmount = mountSmallDisk(dir)
    unmount?.()
    return unmount !== undefined
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
