import { describe, expect, it } from 'vitest'
import { callSafely } from './index.js'

describe('callSafely, exported for tools that call their users back (replay)', () => {
  it('calls the callback with the arguments, and nothing it does comes out', async () => {
    const seen: unknown[] = []
    callSafely((a: number, b: string) => seen.push([a, b]), 1, 'x')
    expect(seen).toEqual([[1, 'x']])
    expect(() => callSafely(() => { throw new Error('boom') })).not.toThrow()
    expect(() => callSafely(undefined)).not.toThrow()
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      callSafely(async () => { throw new Error('later') })
      callSafely(() => ({ then: (_: unknown, onRejected: (e: Error) => void) => onRejected(new Error('thenable')) }))
      await new Promise((resolve) => setTimeout(resolve, 20))
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled).toEqual([])
  })
})
