import type { RetryConfig } from '@eht-influx-client/config'

export type RetryStep = { retry: true; delayMs: number } | { retry: false; reason: string }

/**
 * The `[retry]` policy: exponential backoff `min_delay * exponential_base^(n-1)`
 * capped at `max_delay`, each delay spread by +-`jitter` (a fraction), at most
 * `max_retries` retries and `max_retry_time` in all. A server's `Retry-After`
 * replaces the computed delay.
 */
export class RetryPolicy {
  constructor(
    readonly config: RetryConfig,
    private readonly random: () => number = Math.random,
  ) {}

  /** The backoff before retry number `retry` (1-based), jitter applied. */
  backoffMs(retry: number): number {
    const { minDelayMs, maxDelayMs, exponentialBase, jitter } = this.config
    const base = Math.min(maxDelayMs, minDelayMs * Math.pow(exponentialBase, Math.max(0, retry - 1)))
    return Math.max(0, Math.round(base * (1 + jitter * (2 * this.random() - 1))))
  }

  /**
   * Whether to make retry number `retry` (1-based) of a send that started at
   * `startedAt`, and after how long. `startedAt` and `now` are ms of the same
   * monotonic clock (the caller's), never the wall clock, which may be stepped.
   */
  next(retry: number, startedAt: number, now: number, retryAfterMs?: number): RetryStep {
    const { maxRetries, maxRetryTimeMs } = this.config
    if (retry > maxRetries) return { retry: false, reason: `gave up after ${maxRetries} ${maxRetries === 1 ? 'retry' : 'retries'}` }
    const delayMs = retryAfterMs ?? this.backoffMs(retry)
    if (now + delayMs - startedAt > maxRetryTimeMs) {
      const asked = retryAfterMs === undefined ? '' : ` (the server asked to wait ${Math.round(retryAfterMs / 1000)} s)`
      return { retry: false, reason: `gave up: the next retry would pass max_retry_time ${maxRetryTimeMs} ms${asked}` }
    }
    return { retry: true, delayMs }
  }
}
