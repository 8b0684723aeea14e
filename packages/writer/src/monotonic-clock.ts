/**
 * Milliseconds on a monotonic clock, for durations (flush interval, retry
 * time, throttles). Date.now() is the wall clock: NTP or an operator may step
 * it back or forward, and a duration measured across the step would be off
 * by the step (an hour back: a batch waits an hour). Timestamps of points and
 * file times shared with other processes stay on the wall clock.
 */
export function monotonicMs(): number {
  return performance.now()
}
