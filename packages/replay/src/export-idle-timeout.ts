/**
 * The items of `source`, but a wait of more than `timeoutMs` for the next one
 * rejects with the error `idle()` makes; the source is then closed without
 * waiting for it (its owner cuts the connection, e.g. by destroying the agent).
 *
 * For a response read through a library that does not time out a stalled body:
 * @influxdata/influxdb-client's `iterateRows()` keeps waiting forever once the
 * headers are in. One timer serves the whole iteration (`refresh()` per item).
 */
export async function* untilIdle<T>(source: AsyncIterable<T>, timeoutMs: number, idle: () => Error): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]()
  let fail: ((error: Error) => void) | undefined
  const timer = setTimeout(() => fail?.(idle()), timeoutMs)
  let finished = false
  try {
    for (;;) {
      timer.refresh()
      // A promise per wait (not a race against one long-lived promise, which keeps a reaction per item).
      const next = await new Promise<IteratorResult<T>>((resolve, reject) => {
        fail = reject
        iterator.next().then(resolve, reject)
      })
      fail = undefined
      if (next.done === true) {
        finished = true
        return
      }
      yield next.value
    }
  } finally {
    clearTimeout(timer)
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => undefined)
  }
}
