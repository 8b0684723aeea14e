import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { safeLineSink } from './index.js'

describe('safeLineSink, exported for tools that print their own report lines (replay)', () => {
  it('a sink whose write() throws or rejects is ignored', async () => {
    let unhandled: unknown
    const onUnhandled = (reason: unknown) => (unhandled = reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      expect(() => safeLineSink({ write: () => { throw new Error('boom') } }).write('x\n')).not.toThrow()
      safeLineSink({ write: () => Promise.reject(new Error('later')) }).write('x\n')
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(unhandled).toBeUndefined()
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('a stream gets one guard per process; a stream that failed a write gets no more lines, and its error ends nothing', async () => {
    const stream = new PassThrough()
    const sink = safeLineSink(stream)
    expect(safeLineSink(stream)).toBe(sink)
    let read = ''
    stream.setEncoding('utf8').on('data', (c: string) => (read += c))
    sink.write('one\n')
    await new Promise((resolve) => setImmediate(resolve))
    expect(read).toBe('one\n')
    // A stream that fails its writes and emits the error once closed (as an fs.WriteStream on a full disk does).
    const failing = new PassThrough({
      write(_chunk, _encoding, callback) {
        callback(new Error('ENOSPC: no space left on device, write'))
      },
    })
    const closed = new Promise((resolve) => failing.once('close', resolve))
    safeLineSink(failing).write('lost\n')
    await closed
    expect(failing.listenerCount('error')).toBe(0)
  })
})
