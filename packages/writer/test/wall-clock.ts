import { vi } from 'vitest'

/**
 * Puts the wall clock (Date.now) under the test's control from now on (also
 * for code that keeps a reference to Date.now), to step it as NTP or an
 * operator does; undo with vi.restoreAllMocks(). Timers and the monotonic
 * clock (performance.now) are not touched, as on a real machine.
 */
export function mockWallClock(): { step(ms: number): void } {
  const real = Date.now.bind(Date)
  let offset = 0
  vi.spyOn(Date, 'now').mockImplementation(() => real() + offset)
  return { step: (ms) => (offset += ms) }
}
