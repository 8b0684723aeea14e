import { describe, expect, it } from 'vitest'
import { LogWriteError, type LogWriter } from '@eht-influx-client/logfile'
import { openDelivery } from './delivery.js'
import { LogfileWriteError } from './errors.js'
import type { ErrorEvent } from './events.js'
import { Pipeline } from './pipeline.js'
import { WriteApi } from './write-api.js'
import { CaptureSink, makeConfig, tempDir } from '../test/helpers.js'
import { records } from '../test/records.js'

/**
 * A logfile writer whose next flush() or append() fails when told to, as a
 * real one does when fsync or a background compression fails: a fault a test
 * cannot cause on demand with a real file.
 */
function flakyLogWriter() {
  const fail = { flush: false, append: false }
  const writer: LogWriter = {
    append: async () => {
      if (fail.append) throw new LogWriteError('cannot write /logs/Kp-20240102.jsonl: ENOSPC: no space left on device, write', '/logs/Kp-20240102.jsonl')
    },
    flush: async () => {
      if (fail.flush) throw new LogWriteError('cannot fsync /logs/Kp-20240102.jsonl: EIO: i/o error, fsync', '/logs/Kp-20240102.jsonl')
    },
    close: async () => {},
    currentPath: '/logs/Kp-20240102.jsonl',
    stats: { records: 0, bytes: 0, writes: 0, syncs: 0, rotations: 0, compressed: 0 },
  }
  return { writer, fail }
}

const apiOptions = { writeMode: 'synchronous' as const, timestampUnit: 'ns' as const, skipInvalid: false }

describe('WriteApi.close() when the logfile cannot be flushed', () => {
  it('rejects with LogfileWriteError, yet the closed WriteApi no longer gets the events of the client', async () => {
    const { writer, fail } = flakyLogWriter()
    const delivery = await openDelivery(makeConfig(tempDir(), { errors: { stderr: 'off' } }), { stderr: new CaptureSink() })
    const pipeline = new Pipeline(writer, delivery)
    const closedSeen: ErrorEvent[] = []
    const openSeen: ErrorEvent[] = []
    const closedApis: WriteApi[] = []
    const first = new WriteApi(pipeline, { ...apiOptions, onError: (e) => closedSeen.push(e) }, {}, (api) => closedApis.push(api))
    const written = first.writePoints(records(3, 'wa_close'))
    fail.flush = true
    const error = await first.close().then(
      () => undefined,
      (e: unknown) => e,
    )
    fail.flush = false
    expect(LogfileWriteError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/^the logfile could not be flushed \(cannot fsync .*EIO/)
    expect(closedApis).toEqual([first])
    await expect(written).resolves.toMatchObject({ points: 3 })
    const reportedWhileOpen = closedSeen.length // the failed flush itself, reported while it was still closing

    // A later failure of the client goes to the WriteApi open then, not to the closed one.
    const second = new WriteApi(pipeline, { ...apiOptions, onError: (e) => openSeen.push(e) }, {})
    fail.append = true
    await expect(second.writePoints(records(2, 'wa_close'))).rejects.toThrow(/the logfile could not be written \(cannot write .*ENOSPC/)
    expect(openSeen.map((e) => e.points)).toEqual([2])
    expect(closedSeen).toHaveLength(reportedWhileOpen)
    fail.append = false
    await second.close()
    await pipeline.close()
  })
})
