/**
 * Calls a user's callback (onProgress, onBadLine...) so that nothing it does
 * stops the replay or export that called it: a synchronous throw is caught,
 * and a returned promise (an async callback) that rejects is caught too.
 * Without the latter, an async callback that throws is an unhandled
 * rejection, which ends the process (Node 15 and later).
 */
export function safeCall<A extends unknown[]>(callback: ((...args: A) => unknown) | undefined, ...args: A): void {
  if (callback === undefined) return
  try {
    const result = callback(...args)
    if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
      // A thenable that is not a Promise may have no catch(): then(undefined, onRejected) is what every one has.
      ;(result as PromiseLike<unknown>).then(undefined, () => {})
    }
  } catch {
    // the caller's callback must not stop the replay or export
  }
}
