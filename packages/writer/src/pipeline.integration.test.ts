import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeLineProtocol, LogWriteError, type LogWriter } from '@eht-influx-client/logfile'
import { startVictoriaMetrics, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { openDelivery } from './delivery.js'
import { LogfileWriteError } from './errors.js'
import type { ErrorEvent } from './events.js'
import { JoinedLines } from './joined-lines.js'
import { Pipeline } from './pipeline.js'
import { CaptureSink, makeConfig, tempDir } from '../test/helpers.js'
import { records } from '../test/records.js'

let vm: VictoriaMetricsServer

beforeAll(async () => {
  vm = await startVictoriaMetrics()
})
afterAll(async () => {
  await vm?.stop()
})

/**
 * A logfile writer that appends fine but whose flush() or close() fails, as a
 * real one does when compressing a rotated file fails in the background (which
 * its next flush() reports) or fsync fails: a fault a test cannot cause on
 * demand with a real file.
 */
function failingLogWriter(fail: 'flush' | 'close'): LogWriter {
  const error = () => new LogWriteError('cannot compress /logs/Kp-20240101.jsonl: ENOSPC: no space left on device, write', '/logs/Kp-20240101.jsonl')
  return {
    append: async () => {},
    flush: async () => {
      if (fail === 'flush') throw error()
    },
    close: async () => {
      if (fail === 'close') throw error()
    },
    currentPath: '/logs/Kp-20240102.jsonl',
    stats: { records: 0, bytes: 0, writes: 0, syncs: 0, rotations: 0, compressed: 0 },
  }
}

/** A pipeline to VictoriaMetrics whose outbox sends only when flushed (or after a minute). */
async function openPipeline(logWriter: LogWriter, errors: ErrorEvent[] = []): Promise<Pipeline> {
  const config = makeConfig(tempDir(), { servers: [{ name: 'cloud', url: vm.url, api: 'v2', keys: { token: 'vm-token-not-checked', flush_interval: '60s' } }], errors: { stderr: 'off' } })
  const delivery = await openDelivery(config, { stderr: new CaptureSink(), onError: (e) => errors.push(e) })
  return new Pipeline(logWriter, delivery)
}

describe('Pipeline.flush() when the logfile part fails', () => {
  it('still flushes the servers (every point accepted), then rejects with LogfileWriteError naming the cause', async () => {
    const errors: ErrorEvent[] = []
    const pipeline = await openPipeline(failingLogWriter('flush'), errors)
    const points = records(30, 'pl_flush')
    await pipeline.submit(points, JoinedLines.of(points.map(encodeLineProtocol)), false)
    const error = await pipeline.flush().then(
      () => undefined,
      (e: unknown) => e,
    )
    // Right after flush() settles, before the outbox's own minute: delivered because flush() flushed the servers too.
    expect(await vm.countSamples('{__name__="pl_flush_value"}')).toBe(30)
    expect(pipeline.delivery.stats().cloud).toMatchObject({ delivered: 30, queued: 0 })
    expect(LogfileWriteError.isInstance(error)).toBe(true)
    expect((error as Error).message).toBe(
      'the logfile could not be flushed (cannot compress /logs/Kp-20240101.jsonl: ENOSPC: no space left on device, write); the servers were flushed all the same: every point written so far is accepted or spooled',
    )
    expect(LogWriteError.isInstance((error as Error).cause)).toBe(true)
    expect(errors.map((e) => [e.server, e.reason])).toEqual([[undefined, (error as Error).message]])
    await pipeline.close()
  })

  it('close(): the servers are closed first (points delivered), then a logfile failure rejects with LogfileWriteError', async () => {
    const pipeline = await openPipeline(failingLogWriter('close'))
    const points = records(10, 'pl_close')
    await pipeline.submit(points, JoinedLines.of(points.map(encodeLineProtocol)), false)
    const error = await pipeline.close().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(await vm.countSamples('{__name__="pl_close_value"}')).toBe(10)
    expect(LogfileWriteError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/^the logfile could not be closed \(cannot compress .*ENOSPC.*\); the servers were closed all the same: every point written is accepted or spooled$/)
  })
})
