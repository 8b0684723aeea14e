import { describe, expect, it } from 'vitest'
import { describeProgress, progressIntervalFromEnv, startProgress } from './progress.js'

function collector() {
  const lines: string[] = []
  return { lines, stream: { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream }
}

describe('plain progress lines (stderr not a terminal)', () => {
  it('prints at most one line per interval, with amount, percentage, rate and ETA', async () => {
    let clock = 0
    const { lines, stream } = collector()
    const progress = await startProgress({ stream, quiet: false, intervalMs: 1000, now: () => clock }, { label: 'convert', unit: 'bytes', total: 4_000_000 })
    clock = 500
    progress.update(500_000, 5_000)
    expect(lines).toEqual([])
    clock = 1000
    progress.update(1_000_000, 10_000)
    clock = 1500
    progress.update(1_500_000, 15_000)
    clock = 2000
    progress.update(2_000_000, 20_000)
    expect(lines).toEqual([
      'convert: 1.00 MB of 4.00 MB (25%), 10,000 points, 1.00 MB/s, ETA 3.0 s\n',
      'convert: 2.00 MB of 4.00 MB (50%), 20,000 points, 1.00 MB/s, ETA 2.0 s\n',
    ])
    clock = 2500
    expect(progress.stop()).toBe(2500)
  })

  it('prints nothing with --quiet but still measures the time', async () => {
    let clock = 0
    const { lines, stream } = collector()
    const progress = await startProgress({ stream, quiet: true, intervalMs: 0, now: () => clock }, { label: 'convert', unit: 'points' })
    clock = 10_000
    progress.update(100, 100)
    expect(lines).toEqual([])
    expect(progress.stop()).toBe(10_000)
  })
})

describe('describeProgress', () => {
  it('without a known total: amount and rate only (a pipe, a .gz input)', () => {
    expect(describeProgress({ label: 'replay', unit: 'points' }, 12_345, 12_345, 5_000)).toBe('replay: 12,345 points, 2,469 points/s')
  })
})

describe('progressIntervalFromEnv', () => {
  it('reads EHT_CLI_PROGRESS_INTERVAL_MS, else 5 s', () => {
    expect(progressIntervalFromEnv({ EHT_CLI_PROGRESS_INTERVAL_MS: '250' })).toBe(250)
    expect(progressIntervalFromEnv({ EHT_CLI_PROGRESS_INTERVAL_MS: 'soon' })).toBe(5000)
    expect(progressIntervalFromEnv({})).toBe(5000)
  })
})

describe('setTotal', () => {
  it('a total learnt after the start turns plain lines into percentages and an ETA', async () => {
    let clock = 0
    const { lines, stream } = collector()
    const progress = await startProgress({ stream, quiet: false, intervalMs: 0, now: () => clock }, { label: 'replay', unit: 'bytes' })
    clock = 1000
    progress.update(1_000_000, 10)
    progress.setTotal(4_000_000)
    clock = 2000
    progress.update(2_000_000, 20)
    expect(lines).toEqual(['replay: 1.00 MB, 10 points, 1.00 MB/s\n', 'replay: 2.00 MB of 4.00 MB (50%), 20 points, 1.00 MB/s, ETA 2.0 s\n'])
  })
})
