import { InterruptedError } from './errors.js'
import type { Output } from './output.js'

/** What a long command watches to stop cleanly on Ctrl-C. */
export interface Interrupt {
  /** Aborted (reason: an InterruptedError) on the first SIGINT. */
  readonly signal: AbortSignal
  /** Rejects with the InterruptedError on the first SIGINT: race a blocking wait against it. */
  readonly interrupted: Promise<never>
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
  let reject: (error: InterruptedError) => void = () => {}
  const interrupted = new Promise<never>((_, rej) => {
    reject = rej
  })
  interrupted.catch(() => {}) // a command that never races against it must not see an unhandled rejection
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
    reject(error)
  }
  proc.on('SIGINT', onSignal)
  return {
    signal: controller.signal,
    interrupted,
    throwIfInterrupted() {
      if (controller.signal.aborted) throw controller.signal.reason
    },
    dispose() {
      proc.removeListener('SIGINT', onSignal)
    },
  }
}
