import fs from 'node:fs'
import tty from 'node:tty'
import type { StopSignal } from './errors.js'

/** The stop signal whose clean stop an exit code reports (128 + the signal's number). */
const STOPPED_BY = new Map<number, StopSignal>([
  [129, 'SIGHUP'],
  [130, 'SIGINT'],
  [143, 'SIGTERM'],
])

/** The standard streams (0, 1, 2) that are a terminal: read when the process starts. */
export function standardTerminals(): number[] {
  return [0, 1, 2].filter((fd) => tty.isatty(fd))
}

/**
 * Ends the process with `code`, once the command is over (its handlers of the
 * stop signals removed). Node's exit restores the terminal settings of each
 * standard stream that was a terminal when it started; when that terminal is
 * gone (closed: SIGHUP), this fails and Node 20 aborts (an assertion in
 * ResetStdio, then SIGABRT or SIGSEGV) right after the clean stop. So after a
 * SIGHUP stop, and after a SIGINT or SIGTERM stop when a terminal of
 * `terminalsAtStart` is gone, the signal is raised again with its default
 * action: the process ends by it, as a shell expects (it reports 128 + its
 * number: 129, 130, 143), and that restore never runs.
 */
export function exitProcess(code: number, terminalsAtStart: readonly number[], proc: NodeJS.Process = process): void {
  const signal = STOPPED_BY.get(code)
  const terminalGone = terminalsAtStart.some((fd) => !tty.isatty(fd))
  if (signal !== undefined && proc.platform !== 'win32' && (signal === 'SIGHUP' || terminalGone)) {
    proc.removeAllListeners(signal)
    try {
      proc.kill(proc.pid, signal)
      // The default action ends the process; should it not have (yet), the exit code says it all the same.
      setTimeout(() => proc.exit(code), 200)
      return
    } catch {
      // the signal cannot be sent here: the exit code says it
    }
  }
  // Any other end with a terminal gone (a run left by `setsid`, `disown` or `( ... & )` when the session
  // closed, which gets no SIGHUP): the gone terminal's descriptors are closed first, so that Node's exit
  // has no terminal to restore (it skips a closed descriptor) and ends with `code`.
  if (terminalGone) {
    for (const fd of terminalsAtStart) {
      if (tty.isatty(fd)) continue
      try {
        fs.closeSync(fd)
      } catch {
        // already closed
      }
    }
  }
  proc.exit(code)
}
