import { describe, expect, it } from 'vitest'
import { LogWriterOptionsError } from './errors.js'
import { checkWriterOptions, type LogWriterOptions } from './writer-options.js'
import { thrownBy } from '../test/fixtures/thrown.js'

const good: LogWriterOptions = { path: '/var/log/eht/Kp-%Y%m%d.jsonl', format: 'jsonl', rotate: { kind: 'daily' }, fsync: 'interval', flushIntervalMs: 1000 }

describe('checkWriterOptions', () => {
  it('accepts good options and returns the directives of the path', () => {
    expect([...checkWriterOptions(good)].sort()).toEqual(['Y', 'd', 'm'])
    expect(() => checkWriterOptions({ ...good, path: 'station.log', rotate: { kind: 'size', maxBytes: 1 }, fsync: 'never', flushIntervalMs: 0 })).not.toThrow()
  })

  it.each(['always', 'interval', 'never'] as const)('accepts options without flushIntervalMs (fsync %s)', (fsync) => {
    const { flushIntervalMs: _left, ...options } = good
    expect(() => checkWriterOptions({ ...options, fsync })).not.toThrow()
  })

  it.each([
    [{ path: '' }, 'path', 'must be a non-empty file path'],
    [{ format: 'json' }, 'format', 'must be one of jsonl, csv, lp, got "json"'],
    [{ path: '/logs/Kp-%Y%m%d.csv' }, 'path', 'has the extension of csv files (.csv) but format is jsonl'],
    [{ path: '/logs/Kp.jsonl.gz' }, 'path', 'use compressRotated'],
    [{ path: '/logs/Kp-%Y%m.jsonl' }, 'path', 'must contain %d for daily rotation'],
    [{ path: '/logs/Kp-%Y%m%d.jsonl', rotate: { kind: 'hourly' } }, 'path', 'must contain %H for hourly rotation'],
    [{ path: '/logs/Kp-%q.jsonl' }, 'path', 'uses %q'],
    [{ rotate: { kind: 'weekly' } }, 'rotate.kind', 'must be none, hourly, daily or size'],
    [{ rotate: { kind: 'size', maxBytes: 0 } }, 'rotate.maxBytes', 'must be a positive integer of bytes, got 0'],
    [{ rotate: { kind: 'size' } }, 'rotate.maxBytes', 'got undefined'],
    [{ fsync: 'sometimes' }, 'fsync', 'must be always, interval or never'],
    [{ flushIntervalMs: 0 }, 'flushIntervalMs', 'must be above 0 when fsync is interval'],
    [{ flushIntervalMs: NaN }, 'flushIntervalMs', 'must be a finite number'],
    [{ compressRotated: 'yes' }, 'compressRotated', 'must be a boolean'],
    [{ compressCloseWaitMs: -1 }, 'compressCloseWaitMs', 'must be a finite number of milliseconds >= 0, got -1'],
    [{ now: Date.now() }, 'now', 'must be a function'],
  ])('rejects %j, naming %s', (change, key, message) => {
    const thrown = thrownBy(() => checkWriterOptions({ ...good, ...change } as LogWriterOptions))
    expect(LogWriterOptionsError.isInstance(thrown)).toBe(true)
    expect((thrown as LogWriterOptionsError).key).toBe(key)
    expect((thrown as Error).message).toContain(message)
  })
})
