import { describe, expect, it } from 'vitest'
import type { RetryConfig } from '@eht-influx-client/config'
import { RetryPolicy } from './retry-policy.js'

const config: RetryConfig = { maxRetries: 5, minDelayMs: 100, maxDelayMs: 1000, exponentialBase: 2, jitter: 0, maxRetryTimeMs: 60_000 }

describe('RetryPolicy', () => {
  it('backs off exponentially from min_delay and stops growing at max_delay', () => {
    const policy = new RetryPolicy(config)
    expect([1, 2, 3, 4, 5, 6].map((n) => policy.backoffMs(n))).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('spreads each delay by the jitter fraction in both directions', () => {
    const low = new RetryPolicy({ ...config, jitter: 0.2 }, () => 0)
    const high = new RetryPolicy({ ...config, jitter: 0.2 }, () => 1)
    expect(low.backoffMs(3)).toBe(320)
    expect(high.backoffMs(3)).toBe(480)
  })

  it('gives up after max_retries', () => {
    const policy = new RetryPolicy({ ...config, maxRetries: 2 })
    expect(policy.next(2, 0, 0)).toEqual({ retry: true, delayMs: 200 })
    const step = policy.next(3, 0, 0)
    expect(step.retry).toBe(false)
    expect(step.retry === false && step.reason).toContain('2 retries')
  })

  it('gives up when the next delay would pass max_retry_time', () => {
    const policy = new RetryPolicy({ ...config, maxRetryTimeMs: 1000 })
    expect(policy.next(1, 0, 950).retry).toBe(false)
    expect(policy.next(1, 0, 900)).toEqual({ retry: true, delayMs: 100 })
  })

  it('uses the server Retry-After instead of the backoff, still bounded by max_retry_time', () => {
    const policy = new RetryPolicy(config)
    expect(policy.next(1, 0, 0, 3000)).toEqual({ retry: true, delayMs: 3000 })
    const step = policy.next(1, 0, 0, 120_000)
    expect(step.retry === false && step.reason).toContain('asked to wait 120 s')
  })

  it('never retries with max_retries = 0', () => {
    expect(new RetryPolicy({ ...config, maxRetries: 0 }).next(1, 0, 0).retry).toBe(false)
  })
})
