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
 * `promise`, or a rejection with ReplayAbortError once `signal` aborts first.
 * The listener is removed once `promise` settles, so a loop may race every
 * wait (a race against one long-lived promise kept a reaction per race until
 * the abort: about 300 bytes per item).
 */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal, what))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal, what))
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
  let finished = false
  try {
    for (;;) {
      const next = await raceAbort(iterator.next(), signal, what)
      if (next.done === true) {
        finished = true
        return
      }
      yield next.value
    }
  } finally {
    // Closing may wait for a pending read: not awaited, so an abort is prompt.
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => undefined)
  }
}
