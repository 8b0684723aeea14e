import { describe, expect, it } from 'vitest'
import { DeliveryFailedError, PointsRejectedError } from './errors.js'
import { StderrReporter } from './stderr-reporter.js'
import { CaptureSink } from '../test/helpers.js'

function setup(mode: 'summary' | 'every' | 'off') {
  const sink = new CaptureSink()
  let now = 0
  const reporter = new StderrReporter(mode, sink, 60_000, () => now)
  return { sink, reporter, cb: reporter.callbacks(), advance: (ms: number) => (now += ms) }
}

const failed = new DeliveryFailedError('server "local": HTTP 503; points are kept in the spool', 'local')

describe('StderrReporter', () => {
  it('every: one line per retry, spool and error', () => {
    const { sink, cb } = setup('every')
    cb.onRetry!({ server: 'local', points: 10, retry: 1, delayMs: 1500, reason: 'HTTP 503' })
    cb.onSpooled!({ server: 'local', points: 10, reason: 'gave up' })
    cb.onError!({ server: 'local', points: 10, reason: 'x', error: failed })
    expect(sink.text.split('\n').filter(Boolean)).toEqual([
      'eht-influx-client: server "local": 10 points: retry 1 in 1.5 s (HTTP 503)',
      'eht-influx-client: server "local": 10 points kept in the spool (gave up)',
      `eht-influx-client: server "local": ERROR ${failed.message}`,
    ])
  })

  it('summary: the first event at once, then at most one line per server per minute with the counts', () => {
    const { sink, reporter, cb, advance } = setup('summary')
    cb.onRetry!({ server: 'local', points: 10, retry: 1, delayMs: 100, reason: 'HTTP 503' })
    cb.onRetry!({ server: 'local', points: 10, retry: 2, delayMs: 200, reason: 'HTTP 503' })
    cb.onSpooled!({ server: 'local', points: 10, reason: 'gave up' })
    cb.onError!({ server: 'local', points: 2, reason: 'bad', error: new PointsRejectedError('2 rejected', 'local', 400) })
    cb.onRetry!({ server: 'cloud', points: 5, retry: 1, delayMs: 100, reason: 'ECONNRESET' })
    expect(sink.text.split('\n').filter(Boolean)).toHaveLength(2)
    advance(60_000)
    reporter.close()
    const lines = sink.text.split('\n').filter(Boolean)
    expect(lines).toHaveLength(3)
    expect(lines[2]).toBe('eht-influx-client: server "local" since the last line: 1 retries, 10 points spooled, 2 points rejected (see the errors file); last: ERROR 2 rejected')
  })

  it('off: prints nothing', () => {
    const { sink, cb } = setup('off')
    cb.onError!({ server: 'local', points: 1, reason: 'x', error: failed })
    expect(sink.text).toBe('')
  })

  it('a sink of the application (ClientOptions.stderr) whose write() throws or rejects stops nothing and leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const lines: string[] = []
      const throwing = new StderrReporter('every', {
        write: (text: string) => {
          lines.push(text)
          throw new Error('sink bug')
        },
      })
      const rejecting = new StderrReporter('every', {
        write: async (text: string) => {
          lines.push(text)
          throw new Error('async sink bug')
        },
      })
      for (const reporter of [throwing, rejecting]) {
        expect(() => reporter.callbacks().onError!({ server: 'local', points: 1, reason: 'x', error: failed })).not.toThrow()
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(lines).toHaveLength(2)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
