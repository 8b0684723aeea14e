// main() called by a library (not bin.js): it leaves nothing of its own on the
// streams it was given, also on process.stderr, once it has returned.
import { PassThrough, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { main } from './main.js'

const sink = () => new PassThrough().resume()

describe('main() as a library call', () => {
  it('removes the \'error\' listener it put on stderr (process.stderr by default) when it returns, after success and after a usage error', async () => {
    const before = process.stderr.listenerCount('error')
    expect(await main(['--version'], { streams: { stdout: sink(), stderr: process.stderr } })).toBe(0)
    expect(process.stderr.listenerCount('error')).toBe(before)
    const stderr = sink()
    expect(await main(['frob'], { streams: { stdout: sink(), stderr } })).toBe(2)
    expect(stderr.listenerCount('error')).toBe(0)
  })

  it('a stderr whose reader went away (EPIPE) does not crash the caller; the listener goes once its error is out', async () => {
    let failed = 0
    const stderr = new Writable({
      write(_chunk, _encoding, callback) {
        failed++
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
      },
    })
    expect(await main(['frob'], { streams: { stdout: sink(), stderr } })).toBe(2)
    expect(failed).toBeGreaterThan(0)
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    expect(stderr.listenerCount('error')).toBe(0)
  })

  it('two runs at once share one listener, removed when the last returns', async () => {
    const stderr = sink()
    const [a, b] = [main(['frob'], { streams: { stdout: sink(), stderr } }), main(['--version'], { streams: { stdout: sink(), stderr } })]
    expect(stderr.listenerCount('error')).toBe(1)
    expect(await Promise.all([a, b])).toEqual([2, 0])
    expect(stderr.listenerCount('error')).toBe(0)
  })
})
