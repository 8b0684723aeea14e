import { describe, expect, it } from 'vitest'
import { sleep, Stopper } from './sleep.js'

describe('sleep / Stopper', () => {
  it('resolves true after the time, false at once when stopped first', async () => {
    const stopper = new Stopper()
    expect(await sleep(5, stopper)).toBe(true)
    const waiting = sleep(60_000, stopper)
    stopper.stop()
    expect(await waiting).toBe(false)
    expect(await sleep(60_000, stopper)).toBe(false)
  })
})
