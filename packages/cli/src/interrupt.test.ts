import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { InterruptedError } from './errors.js'
import { handleInterrupt, type SignalTarget } from './interrupt.js'
import { Output } from './output.js'

// A stand-in for `process`: the SIGINT a terminal would send is emitted by the test,
// and what the handler sends itself is recorded instead of killing the test runner.
function fakeProcess() {
  const kills: [number, string][] = []
  const emitter = Object.assign(new EventEmitter(), {
    pid: 4242,
    kill: (pid: number, signal: string) => {
      kills.push([pid, signal])
      return true
    },
  })
  return { emitter, proc: emitter as unknown as SignalTarget, kills }
}

const quietOutput = () => new Output({ stdout: process.stdout, stderr: { write: () => true } as unknown as NodeJS.WritableStream }, { quiet: false, verbose: false, json: false })

describe('handleInterrupt', () => {
  it('aborts on the first SIGINT and rejects `interrupted` with an InterruptedError (exit 130)', async () => {
    const { emitter, proc, kills } = fakeProcess()
    const interrupt = handleInterrupt(quietOutput(), proc)
    expect(interrupt.signal.aborted).toBe(false)
    expect(() => interrupt.throwIfInterrupted()).not.toThrow()
    emitter.emit('SIGINT')
    expect(interrupt.signal.aborted).toBe(true)
    await expect(interrupt.interrupted).rejects.toBeInstanceOf(InterruptedError)
    expect(() => interrupt.throwIfInterrupted()).toThrow(InterruptedError)
    expect(kills).toEqual([])
    interrupt.dispose()
  })

  it('on a second SIGINT, restores the default action and re-raises SIGINT (the process ends at once)', () => {
    const { emitter, proc, kills } = fakeProcess()
    handleInterrupt(quietOutput(), proc)
    emitter.emit('SIGINT')
    emitter.emit('SIGINT')
    expect(kills).toEqual([[4242, 'SIGINT']])
    expect(emitter.listenerCount('SIGINT')).toBe(0)
  })

  it('removes its handler on dispose', () => {
    const { emitter, proc } = fakeProcess()
    const interrupt = handleInterrupt(quietOutput(), proc)
    expect(emitter.listenerCount('SIGINT')).toBe(1)
    interrupt.dispose()
    expect(emitter.listenerCount('SIGINT')).toBe(0)
  })
})
