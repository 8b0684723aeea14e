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
    const timer = setTimeout(() => {
      off()
      resolve(true)
    }, ms)
    if (unref) timer.unref()
    const off = stopper.onStop(() => {
      clearTimeout(timer)
      resolve(false)
    })
  })
}
