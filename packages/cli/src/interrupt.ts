import { InterruptedError } from './errors.js'
import type { Output } from './output.js'

/** What a long command watches to stop cleanly on Ctrl-C. */
export interface Interrupt {
  /** Aborted (reason: an InterruptedError) on the first SIGINT. */
  readonly signal: AbortSignal
  /**
   * Settles as `promise` does, or rejects with the InterruptedError if SIGINT comes first: a
   * blocking wait raced against Ctrl-C. It leaves nothing behind once settled, so a loop may
   * call it for every read (racing one long-lived promise instead kept a reaction per race,
   * about 300 bytes each, until SIGINT: 700 MB for a convert of 1 M points).
   */
  race<T>(promise: Promise<T>): Promise<T>
  /** Throws the InterruptedError if SIGINT has arrived. */
  throwIfInterrupted(): void
  /** Removes the handler: Ctrl-C terminates the process again. */
  dispose(): void
}

/** The part of `process` the handler uses (a stand-in in unit tests). */
export type SignalTarget = Pick<NodeJS.Process, 'on' | 'removeListener' | 'removeAllListeners' | 'kill' | 'pid'>

/**
 * Installs a SIGINT handler for a long command. The first Ctrl-C aborts
 * `signal` so the command can checkpoint what was accepted and remove what is
 * half-written, then exit 130. A second Ctrl-C restores the default action and
 * re-raises SIGINT: the process ends at once, even if a read is stuck (a
 * named pipe whose writer stays open), and the shell sees a Ctrl-C death.
 */
export function handleInterrupt(output: Output, proc: SignalTarget = process): Interrupt {
  const controller = new AbortController()
  const onSignal = () => {
    if (controller.signal.aborted) {
      output.error('interrupted again: stopping now')
      proc.removeAllListeners('SIGINT')
      proc.kill(proc.pid, 'SIGINT')
      return
    }
    const error = new InterruptedError()
    output.note('interrupted (Ctrl-C): stopping cleanly; press Ctrl-C again to stop at once')
    controller.abort(error)
  }
  proc.on('SIGINT', onSignal)
  return {
    signal: controller.signal,
    throwIfInterrupted() {
      if (controller.signal.aborted) throw controller.signal.reason
    },
    race: (promise) => raceSignal(promise, controller.signal),
    dispose() {
      proc.removeListener('SIGINT', onSignal)
    },
  }
}

/** `promise`, or a rejection with `signal.reason` once `signal` aborts first; the listener is removed either way. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
