import { describe, expect, it } from 'vitest'
import { ProgressMeter, type ReplayProgress } from './progress.js'

function meter(total: number) {
  const clock = { t: 1000 }
  const calls: ReplayProgress[] = []
  const m = new ProgressMeter(total, (p) => calls.push(p), 250, () => clock.t)
  return { m, calls, clock }
}

describe('ProgressMeter', () => {
  it('calls back at most once per interval however often it is ticked', () => {
    const { m, calls, clock } = meter(1000)
    for (let i = 0; i < 100; i++) {
      m.read('/a.lp', (i + 1) * 10)
      m.tick()
      clock.t += 10 // 100 ticks over 1 s
    }
    expect(calls.length).toBe(4)
  })

  it('counts bytes from the highest offset per file, so interleaved files add up', () => {
    const { m, clock } = meter(300)
    m.read('/a.lp', 50)
    m.read('/b.lp', 100)
    m.read('/a.lp', 120)
    m.read('/a.lp', 80) // not beyond what was read
    m.sent(3)
    clock.t += 2000
    const last = m.stop()
    expect(last).toMatchObject({ bytesRead: 220, bytesTotal: 300, pointsRead: 4, pointsSent: 3, pointsPerSecond: 1.5, done: true })
  })

  it('estimates the time left from the read speed', () => {
    const { m, calls, clock } = meter(1000)
    m.read('/a.lp', 250)
    clock.t += 5000
    m.tick()
    expect(calls[0]!.etaSeconds).toBeCloseTo(15, 6)
  })

  it('ends with everything read, and survives a throwing callback', () => {
    const m = new ProgressMeter(
      500,
      () => {
        throw new Error('display broke')
      },
      250,
      () => 0,
    )
    m.read('/a.gz', 480) // the gzip trailer size may be off a little
    expect(m.finish()).toMatchObject({ bytesRead: 500, etaSeconds: 0, done: true })
  })
})
