// A disk that fills up: a small tmpfs mounted on a directory (needs root; the
// tests that use it are skipped where mounting is not allowed).
import { execFileSync } from 'node:child_process'
import { tempDir } from './run-cli.js'

/** Mounts a tmpfs of `size` on `dir`; the returned function unmounts it (never throws). Undefined where mounting is not allowed. */
export function mountSmallDisk(dir: string, size = '64k'): (() => void) | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    return undefined
  }
  return () => {
    for (const args of [[dir], ['-l', dir]]) {
      try {
        execFileSync('umount', args, { stdio: 'ignore' })
        return
      } catch {
        // busy: detached lazily below
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
