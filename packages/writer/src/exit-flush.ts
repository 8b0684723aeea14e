/**
 * Reports that must not be lost when the process exits before their turn
 * comes (a script that calls process.exit() right after its close()): points
 * written after close(), summary lines held back after close(). One 'exit'
 * listener for all, installed once: a report made by one of them (lost points
 * reported to a summary reporter that holds them back) is queued and still
 * printed, which a listener added during the 'exit' emission would not be.
 */
const queue = new Set<() => void>()
let installed = false

function runQueue(): void {
  // A Set's iteration also visits entries added while it runs.
  for (const flush of queue) {
    queue.delete(flush)
    flush()
  }
}

/** Runs `flush` at exit unless cancelled first (the returned function); `flush` should cancel itself when it runs earlier. */
export function flushAtExit(flush: () => void): () => void {
  if (!installed) {
    installed = true
    process.on('exit', runQueue)
  }
  queue.add(flush)
  return () => queue.delete(flush)
}
