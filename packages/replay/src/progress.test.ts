import { describe, expect, it, vi } from 'vitest'
import { ProgressMeter, type ReplayProgress } from './progress.js'

function meter(total: number) {
  const clock = { t: 1000 }
  const calls: ReplayProgress[] = []
  const m = new ProgressMeter(total, (p) => calls.push(p), 250, () => clock.t)
  return { m, c: m.counter(), calls, clock }
}

describe('ProgressMeter', () => {
  it('calls back at most once per interval however often it is ticked', () => {
    const { m, c, calls, clock } = meter(1000)
    for (let i = 0; i < 100; i++) {
      c.read('/a.lp', (i + 1) * 10)
      m.tick()
      clock.t += 10 // 100 ticks over 1 s
    }
    expect(calls.length).toBe(4)
  })

  it('counts bytes from the highest offset per file, so interleaved files add up', () => {
    const { m, c, clock } = meter(300)
    c.read('/a.lp', 50)
    c.read('/b.lp', 100)
    c.read('/a.lp', 120)
    c.read('/a.lp', 80) // not beyond what was read
    m.sent(3)
    clock.t += 2000
    const last = m.stop()
    expect(last).toMatchObject({ bytesRead: 220, bytesTotal: 300, pointsRead: 4, pointsSent: 3, pointsPerSecond: 1.5, done: true })
  })

  it('follows the furthest of several readers (one per server), without adding them up', () => {
    const { m, c, clock } = meter(1000)
    const other = m.counter()
    c.read('/a.lp', 400, 40)
    other.read('/a.lp', 100, 10)
    other.stats = { files: 1, records: 10, badLines: 0, filtered: 7 }
    clock.t += 2000
    expect(m.stop()).toMatchObject({ bytesRead: 400, pointsRead: 40, pointsFiltered: 7 })
    expect(m.offsetOf('/a.lp')).toBe(400)
  })

  it('estimates the time left from the read speed', () => {
    const { m, c, calls, clock } = meter(1000)
    c.read('/a.lp', 250)
    clock.t += 5000
    m.tick()
    expect(calls[0]!.etaSeconds).toBeCloseTo(15, 6)
  })

  it('gives no time left in the first second: the first points say nothing of the speed', () => {
    const { m, c, calls, clock } = meter(100_000_000)
    clock.t += 1
    c.read('/a.lp', 40) // one point, a millisecond in
    m.tick()
    clock.t += 500
    c.read('/a.lp', 5_000_000, 100_000)
    m.tick()
    clock.t += 500
    m.tick()
    expect(calls.map((p) => p.etaSeconds)).toEqual([undefined, undefined, expect.any(Number)])
    expect(calls[2]!.etaSeconds).toBeCloseTo(19, 0)
  })

  it('calls back from its timer while nothing is read (a filtered stretch, a server being retried), until the end', async () => {
    const calls: ReplayProgress[] = []
    const m = new ProgressMeter(1000, (p) => calls.push(p), 20)
    const c = m.counter()
    c.stats = { files: 1, records: 0, badLines: 0, filtered: 0 }
    m.start()
    await new Promise((resolve) => setTimeout(resolve, 150))
    c.stats.filtered = 5000
    await new Promise((resolve) => setTimeout(resolve, 100))
    m.finish(1000)
    const count = calls.length
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(calls.length).toBe(count)
    expect(count).toBeGreaterThanOrEqual(5)
    expect(calls.some((p) => !p.done && p.pointsFiltered === 5000)).toBe(true)
    expect(calls.at(-1)).toMatchObject({ done: true, bytesRead: 1000, bytesTotal: 1000 })
  })

  it('ends with the bytes read (not the estimate), and survives a throwing callback', () => {
    const m = new ProgressMeter(
      2_986_724_088, // a truncated .gz's "trailer"
      () => {
        throw new Error('display broke')
      },
      250,
      () => 0,
    )
    m.counter().read('/a.gz', 20)
    expect(m.finish(25)).toMatchObject({ bytesRead: 25, bytesTotal: 25, etaSeconds: 0, done: true })
    expect(m.bytesRead).toBe(25)
  })

  it('measures the elapsed time on a monotonic clock: a step of the wall clock (NTP) changes neither elapsedMs nor the speed', async () => {
    let wall = Date.now()
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => wall)
    try {
      const calls: ReplayProgress[] = []
      const back = new ProgressMeter(1000, (p) => calls.push(p))
      const ahead = new ProgressMeter(1000, (p) => calls.push(p))
      back.sent(100)
      ahead.sent(100)
      await new Promise((resolve) => setTimeout(resolve, 50))
      wall -= 3_600_000
      back.finish(1000)
      wall += 7_200_000
      ahead.finish(1000)
      for (const p of calls) {
        expect(p.elapsedMs).toBeGreaterThanOrEqual(40)
        expect(p.elapsedMs).toBeLessThan(5000)
        expect(p.pointsPerSecond).toBeGreaterThan(20)
      }
    } finally {
      clock.mockRestore()
    }
  })
})
