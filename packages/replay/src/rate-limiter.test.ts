import { describe, expect, it } from 'vitest'
import { ReplayOptionsError } from './errors.js'
import { RateLimiter, type Clock } from './rate-limiter.js'

/** A clock that only moves when slept on. */
function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms
    },
  }
  return clock
}

describe('RateLimiter', () => {
  it('paces points so that the total time is what the limit allows', async () => {
    const clock = fakeClock()
    const limiter = new RateLimiter({ pointsPerSecond: 1000 }, clock)
    for (let i = 0; i < 50; i++) await limiter.take(100, 1)
    // 5000 points at 1000/s: the last chunk may start after 4.9 s
    expect(clock.t).toBeCloseTo(4900, 6)
  })

  it('takes the stricter of the two limits for each chunk', async () => {
    const clock = fakeClock()
    const limiter = new RateLimiter({ pointsPerSecond: 1000, bytesPerSecond: 10_000 }, clock)
    await limiter.take(10, 5000) // bytes rule: 500 ms
    await limiter.take(500, 10) // points rule: 500 ms
    await limiter.take(1, 1)
    expect(clock.t).toBeCloseTo(1000, 6)
  })

  it('does not save up idle time into a burst', async () => {
    const clock = fakeClock()
    const limiter = new RateLimiter({ pointsPerSecond: 100 }, clock)
    await limiter.take(100, 0)
    clock.t += 10_000 // nothing to send for 10 s
    await limiter.take(100, 0)
    const before = clock.t
    await limiter.take(100, 0)
    expect(clock.t - before).toBeCloseTo(1000, 6)
  })

  it('makes chunks of a tenth of a second at the limit, within the batch size', () => {
    const limiter = new RateLimiter({ pointsPerSecond: 1000, bytesPerSecond: 20_000 })
    expect(limiter.chunkLimits(5000, 1 << 20)).toEqual({ lines: 100, bytes: 2000 })
    expect(new RateLimiter({ pointsPerSecond: 3 }).chunkLimits(5000, 100)).toEqual({ lines: 1, bytes: 100 })
    expect(new RateLimiter({ bytesPerSecond: 1e12 }).chunkLimits(5000, 100)).toEqual({ lines: 5000, bytes: 100 })
  })

  it('rejects limits that are not positive numbers, naming the key', () => {
    const key = (f: () => unknown) => {
      try {
        f()
      } catch (error) {
        return ReplayOptionsError.isInstance(error) ? error.key : 'other'
      }
      return 'none'
    }
    expect(key(() => new RateLimiter({ pointsPerSecond: 0 }))).toBe('rateLimit.pointsPerSecond')
    expect(key(() => new RateLimiter({ bytesPerSecond: Number.NaN }))).toBe('rateLimit.bytesPerSecond')
    expect(key(() => new RateLimiter({}))).toBe('rateLimit')
  })
})
