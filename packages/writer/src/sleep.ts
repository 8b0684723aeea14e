import { setLongTimeout } from './long-timer.js'

/** Lets a long wait be cut short (by close()). */
export class Stopper {
  stopped = false
  readonly #waiters = new Set<() => void>()

  stop(): void {
    this.stopped = true
    for (const wake of this.#waiters) wake()
    this.#waiters.clear()
  }

  /** Calls `wake` on stop(); returns a function that unregisters it. */
  onStop(wake: () => void): () => void {
    this.#waiters.add(wake)
    return () => this.#waiters.delete(wake)
  }
}

/**
 * Waits `ms`; resolves true when the time passed, false when `stopper` stopped
 * first. `unref` lets the process exit during the wait (for data already on disk).
 */
export function sleep(ms: number, stopper: Stopper, unref = false): Promise<boolean> {
  if (stopper.stopped) return Promise.resolve(false)
  return new Promise((resolve) => {
    // Any length: a Retry-After or a delay beyond Node's timer limit must not fire after 1 ms.
    const timer = setLongTimeout(
      () => {
        off()
        resolve(true)
      },
      ms,
      unref,
    )
    const off = stopper.onStop(() => {
      timer.clear()
      resolve(false)
    })
  })
}
