import { getEventListeners } from 'node:events'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { untilAborted } from './abort.js'
import { ReplayAbortError } from './errors.js'

v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

async function* counting(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i
}

/** Heap in use after full collections. */
function heapUsed(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

describe('untilAborted', () => {
  it('yields every item, and memory stays flat while it does (an export reads millions of rows through it)', async () => {
    const controller = new AbortController()
    const items = 200_000
    const before = heapUsed()
    let seen = 0
    let outOfOrder = 0
    let grown = 0
    for await (const item of untilAborted(counting(items), controller.signal, 'the export')) {
      if (item !== seen++) outOfOrder++
      if (item === items - 1) grown = heapUsed() - before
    }
    expect([seen, outOfOrder]).toEqual([items, 0])
    // Racing every wait against one long-lived promise kept about 300 bytes per item (about 60 MB here).
    expect(grown).toBeLessThan(10 * 2 ** 20)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('ends a wait at once when the signal aborts: ReplayAbortError, the reason as cause, no listener left', async () => {
    const controller = new AbortController()
    let closed = false
    const stuck: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<number>>(() => {}),
        return: async () => {
          closed = true
          return { done: true, value: undefined }
        },
      }),
    }
    const reading = untilAborted(stuck, controller.signal, 'the export')[Symbol.asyncIterator]().next()
    const reason = new Error('operator pressed ctrl-c')
    setTimeout(() => controller.abort(reason), 10)
    const error = await reading.catch((e: unknown) => e)
    expect(ReplayAbortError.isInstance(error)).toBe(true)
    expect((error as Error).message).toBe('the export was aborted: operator pressed ctrl-c')
    expect((error as Error).cause).toBe(reason)
    expect(closed).toBe(true)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})
