import { describe, expect, it } from 'vitest'
import { MAX_TIMER_MS, setLongTimeout } from './long-timer.js'
import { sleep, Stopper } from './sleep.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Node fires a timer of more than 2^31-1 ms after 1 ms (TimeoutOverflowWarning): a Retry-After of 25 days,
// or a timeout / flush_interval given that long, must still wait.
describe('delays beyond the 2^31-1 ms of a Node timer', () => {
  it('sleep() waits (until stopped), it does not end after 1 ms', async () => {
    const stopper = new Stopper()
    let ended: boolean | undefined
    const waiting = sleep(MAX_TIMER_MS + 1000, stopper).then((passed) => (ended = passed))
    await pause(50)
    expect(ended).toBeUndefined()
    stopper.stop()
    expect(await waiting).toBe(false)
  })

  it('setLongTimeout() runs a short delay as setTimeout does, a long one not early, and clear() cancels it', async () => {
    let ran = 0
    setLongTimeout(() => ran++, 10)
    const long = setLongTimeout(() => ran++, MAX_TIMER_MS + 1)
    const infinite = setLongTimeout(() => ran++, Infinity)
    await pause(60)
    expect(ran).toBe(1)
    long.clear()
    infinite.clear()
  })
})
