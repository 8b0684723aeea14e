import { execFileSync } from 'node:child_process'
import { tempDir } from './helpers.js'

/** Mount points that even `umount -l` could not detach: check it is empty after the tests. */
export const stillMounted: string[] = []

/**
 * A tmpfs of `size` (a disk that fills up) on `dir`: needs root; undefined
 * where mounting is not allowed. The unmount never throws (called from
 * `finally`, its error would hide the test's own failure); a disk still busy is
 * detached with `umount -l`.
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

/** True where this process may mount a tmpfs (root). */
export function canMountSmallDisk(): boolean {
  const unmount = mountSmallDisk(tempDir())
  unmount?.()
  return unmount !== undefined
}
