import { ReplayAbortError } from './errors.js'

/** The error an aborted operation rejects with (`name` "AbortError"), the signal's reason as `cause`. */
export function abortError(signal: AbortSignal, what: string): ReplayAbortError {
  const reason: unknown = signal.reason
  const detail = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : ''
  return new ReplayAbortError(`${what} was aborted${detail}`, { cause: reason })
}

/** Throws ReplayAbortError when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted === true) throw abortError(signal, what)
}

/** Checks that `signal` is an AbortSignal (or undefined), naming the option. */
export function isSignal(signal: unknown): signal is AbortSignal | undefined {
  return signal === undefined || (typeof signal === 'object' && signal !== null && typeof (signal as AbortSignal).aborted === 'boolean' && typeof (signal as AbortSignal).addEventListener === 'function')
}

/**
 * The items of `source`, but the wait for the next one ends as soon as
 * `signal` aborts (rejecting with ReplayAbortError); the source is then closed
 * without waiting for it.
 */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined, what: string): AsyncGenerator<T> {
  if (signal === undefined) {
    yield* source
    return
  }
  const iterator = source[Symbol.asyncIterator]()
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal, what))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  aborted.catch(() => undefined)
  let finished = false
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted])
      if (next.done === true) {
        finished = true
        return
      }
      yield next.value
    }
  } finally {
    signal.removeEventListener('abort', onAbort!)
    // Closing may wait for a pending read: not awaited, so an abort is prompt.
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => undefined)
  }
}
