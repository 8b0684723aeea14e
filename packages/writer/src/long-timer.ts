import { monotonicMs } from './monotonic-clock.js'

/** The longest delay a Node timer takes: a longer one fires after 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1

export interface LongTimer {
  clear(): void
}

/**
 * setTimeout() for any delay: one above MAX_TIMER_MS (about 24.8 days; a
 * Retry-After, a timeout or a flush_interval given that long) is waited in
 * steps to its deadline on the monotonic clock, so it really waits that long.
 * `unref`: the wait does not keep the process alive.
 */
export function setLongTimeout(run: () => void, ms: number, unref = false): LongTimer {
  const deadline = monotonicMs() + ms
  let timer: NodeJS.Timeout
  const arm = (left: number) => {
    timer = left > MAX_TIMER_MS ? setTimeout(() => arm(deadline - monotonicMs()), MAX_TIMER_MS) : setTimeout(run, Math.max(0, left))
    if (unref) timer.unref()
  }
  arm(ms)
  return { clear: () => clearTimeout(timer) }
}
