import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ClosableStdout } from './closable-stdout.js'

describe('ClosableStdout', () => {
  it('passes writes and drain through while the reader is there', async () => {
    const stream = new PassThrough({ highWaterMark: 4 })
    const out = new ClosableStdout(stream)
    expect(out.write('0123456789')).toBe(false)
    const drained = new Promise((resolve) => out.once('drain', resolve))
    stream.read()
    await drained
    expect(out.closed.signal.aborted).toBe(false)
    out.dispose()
  })

  it('EPIPE (the reader went away): aborts `closed`, wakes a waiting writer, drops later writes', async () => {
    const stream = new PassThrough({ highWaterMark: 4 })
    const out = new ClosableStdout(stream)
    out.write('0123456789')
    const woken = new Promise((resolve) => out.once('drain', resolve))
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
    await woken
    expect(out.closed.signal.aborted).toBe(true)
    expect(out.write('more')).toBe(true)
    out.dispose()
    expect(stream.listenerCount('error')).toBe(0)
  })
})
