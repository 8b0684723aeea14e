/**
 * Calls a user's callback so that nothing it does can stop the writer or end
 * the process: a synchronous throw is caught, and a returned promise (an
 * `async` callback) that rejects is handled here, since Node ends a process on
 * an unhandled rejection and the writer would then never finish what it was
 * doing (a close() that seals the spool, the good rows of a call). The
 * callback's own failure is its own business: it is ignored, as the README says.
 */
export function callSafely<A extends unknown[]>(callback: ((...args: A) => unknown) | undefined, ...args: A): void {
  if (typeof callback !== 'function') return
  try {
    ignoreRejection(callback(...args))
  } catch {
    // a callback's own bug must not stop delivery
  }
}

/** Marks a returned thenable's rejection as handled (reading `then` may itself throw: the caller catches that). */
export function ignoreRejection(value: unknown): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return
  const then = (value as { then?: unknown }).then
  if (typeof then === 'function') (then as PromiseLike<unknown>['then']).call(value, undefined, () => {})
}
