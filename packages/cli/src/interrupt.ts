import { describeStopSignal, InterruptedError, type StopSignal } from './errors.js'
import type { Output } from './output.js'

/** What a long command watches to stop cleanly on Ctrl-C (or SIGTERM, SIGHUP). */
export interface Interrupt {
  /** Aborted (reason: an InterruptedError naming the signal) on the first SIGINT, SIGTERM or SIGHUP. */
  readonly signal: AbortSignal
  /**
   * Settles as `promise` does, or rejects with the InterruptedError if a signal comes first: a
   * blocking wait raced against Ctrl-C. It leaves nothing behind once settled, so a loop may
   * call it for every read (racing one long-lived promise instead kept a reaction per race,
   * about 300 bytes each, until SIGINT: 700 MB for a convert of 1 M points).
   */
  race<T>(promise: Promise<T>): Promise<T>
  /** Throws the InterruptedError if a signal has arrived. */
  throwIfInterrupted(): void
  /** Removes the handlers: the signals terminate the process again. */
  dispose(): void
}

/** The part of `process` the handler uses (a stand-in in unit tests). */
export type SignalTarget = Pick<NodeJS.Process, 'on' | 'removeListener' | 'removeAllListeners' | 'kill' | 'pid'>

/**
 * The signals a long command stops cleanly on. SIGTERM (`kill`, systemd,
 * `docker stop`, a cron daemon's timeout) and SIGHUP (the terminal or ssh
 * session closed) are handled as Ctrl-C is: their default action would end the
 * process at once, leaving points read only in the logfile (neither sent nor
 * spooled), a partial output file, a replay or spool lock.
 */
export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * How long after the first stop signal a SIGHUP is taken as the same hangup: closing a terminal
 * sends SIGHUP twice within milliseconds (the kernel to the foreground job, then the shell to
 * each of its jobs), and the second must not cut short the clean stop the first began.
 */
export const REPEATED_HANGUP_MS = 1000

/**
 * Installs the handler of SIGINT, SIGTERM and SIGHUP for a long command. The
 * first of them aborts `signal` so the command can checkpoint what was
 * accepted and remove what is half-written, then exit 128 + the signal's
 * number (130, 143, 129). A second SIGINT or SIGTERM restores that signal's
 * default action and re-raises it: the process ends at once, even if a read is
 * stuck (a named pipe whose writer stays open), and the shell sees that signal's death.
 * A SIGHUP does so only more than REPEATED_HANGUP_MS after the first signal: one
 * sooner is the same terminal closing (see there), and is ignored.
 * `now`: the clock (a stand-in in unit tests).
 */
export function handleInterrupt(output: Output, proc: SignalTarget = process, now: () => number = Date.now): Interrupt {
  const controller = new AbortController()
  let firstAt = 0
  const handlers = STOP_SIGNALS.map((name) => {
    const onSignal = () => {
      if (controller.signal.aborted) {
        if (name === 'SIGHUP' && now() - firstAt <= REPEATED_HANGUP_MS) return
        output.error(`${name === 'SIGINT' ? 'interrupted' : `${name} received`} again: stopping now`)
        proc.removeAllListeners(name)
        proc.kill(proc.pid, name)
        return
      }
      firstAt = now()
      const error = new InterruptedError(undefined, { signal: name })
      output.note(`${describeStopSignal(name)}: stopping cleanly; ${name === 'SIGINT' ? 'press Ctrl-C again' : name === 'SIGTERM' ? 'send SIGTERM (or Ctrl-C) again' : 'send SIGTERM or SIGINT'} to stop at once`)
      controller.abort(error)
    }
    proc.on(name, onSignal)
    return [name, onSignal] as const
  })
  return {
    signal: controller.signal,
    throwIfInterrupted() {
      if (controller.signal.aborted) throw controller.signal.reason
    },
    race: (promise) => raceSignal(promise, controller.signal),
    dispose() {
      for (const [name, onSignal] of handlers) proc.removeListener(name, onSignal)
    },
  }
}

/** How the error lines of a command name what stopped it: "interrupted (Ctrl-C)", "terminated (SIGTERM)", "hung up (SIGHUP)". */
export function interruptedBy(interrupt: Interrupt): string {
  const reason: unknown = interrupt.signal.reason
  return reason instanceof InterruptedError ? describeStopSignal(reason.signal) : describeStopSignal('SIGINT')
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
