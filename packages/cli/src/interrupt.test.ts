import { EventEmitter, getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { InterruptedError } from './errors.js'
import { handleInterrupt, interruptedBy, type SignalTarget } from './interrupt.js'
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
  it('aborts on the first SIGINT and rejects a wait in race() with an InterruptedError (exit 130)', async () => {
    const { emitter, proc, kills } = fakeProcess()
    const interrupt = handleInterrupt(quietOutput(), proc)
    expect(interrupt.signal.aborted).toBe(false)
    expect(() => interrupt.throwIfInterrupted()).not.toThrow()
    emitter.emit('SIGINT')
    expect(interrupt.signal.aborted).toBe(true)
    await expect(interrupt.race(new Promise(() => {}))).rejects.toBeInstanceOf(InterruptedError)
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

  it.each([
    ['SIGTERM', 143, 'terminated (SIGTERM)'],
    ['SIGHUP', 129, 'hung up (SIGHUP)'],
  ] as const)('%s is handled as the first Ctrl-C: the same abort, an InterruptedError with exit code %i', async (name, exitCode, message) => {
    const { emitter, proc, kills } = fakeProcess()
    const interrupt = handleInterrupt(quietOutput(), proc)
    const pending = interrupt.race(new Promise(() => {}))
    emitter.emit(name)
    expect(interrupt.signal.aborted).toBe(true)
    const error = (await pending.catch((e: unknown) => e)) as InterruptedError
    expect([error instanceof InterruptedError, error.signal, error.exitCode, error.message]).toEqual([true, name, exitCode, message])
    expect(interruptedBy(interrupt)).toBe(message)
    expect(kills).toEqual([])
    interrupt.dispose()
  })

  it('a second signal of any of them (SIGINT, SIGTERM, SIGHUP) re-raises that one with its default action', () => {
    const { emitter, proc, kills } = fakeProcess()
    let clock = 0
    handleInterrupt(quietOutput(), proc, () => clock)
    emitter.emit('SIGTERM')
    clock += 1500
    emitter.emit('SIGHUP')
    expect(kills).toEqual([[4242, 'SIGHUP']])
    expect(emitter.listenerCount('SIGHUP')).toBe(0)
  })

  it('a SIGHUP within a second of the first signal is the same terminal closing (kernel and shell each send one): ignored, the clean stop goes on', () => {
    const { emitter, proc, kills } = fakeProcess()
    let clock = 1_000_000
    const interrupt = handleInterrupt(quietOutput(), proc, () => clock)
    emitter.emit('SIGHUP')
    clock += 3
    emitter.emit('SIGHUP')
    clock += 900
    emitter.emit('SIGHUP')
    expect(kills).toEqual([])
    expect(emitter.listenerCount('SIGHUP')).toBe(1)
    expect((interrupt.signal.reason as InterruptedError).signal).toBe('SIGHUP')
    // One more than a second after the first: sent on purpose, it stops at once.
    clock += 200
    emitter.emit('SIGHUP')
    expect(kills).toEqual([[4242, 'SIGHUP']])
  })

  it('after a SIGHUP, SIGINT or SIGTERM still stops at once, however soon; a SIGHUP soon after SIGTERM does not', () => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      const { emitter, proc, kills } = fakeProcess()
      handleInterrupt(quietOutput(), proc, () => 5)
      emitter.emit('SIGHUP')
      emitter.emit(name)
      expect(kills).toEqual([[4242, name]])
    }
    const { emitter, proc, kills } = fakeProcess()
    handleInterrupt(quietOutput(), proc, () => 5)
    emitter.emit('SIGTERM')
    emitter.emit('SIGHUP')
    expect(kills).toEqual([])
  })

  it('removes its handlers on dispose', () => {
    const { emitter, proc } = fakeProcess()
    const interrupt = handleInterrupt(quietOutput(), proc)
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(emitter.listenerCount(name)).toBe(1)
    interrupt.dispose()
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(emitter.listenerCount(name)).toBe(0)
  })

  it('race(): settles as the promise does, leaving nothing on the signal; rejects with the InterruptedError once SIGINT comes first', async () => {
    const { emitter, proc } = fakeProcess()
    const interrupt = handleInterrupt(quietOutput(), proc)
    for (let i = 0; i < 1000; i++) expect(await interrupt.race(Promise.resolve(i))).toBe(i)
    await expect(interrupt.race(Promise.reject(new Error('read failed')))).rejects.toThrow('read failed')
    // A loop of reads must not pile up listeners (or reactions) until Ctrl-C.
    expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(0)
    const pending = interrupt.race(new Promise(() => {}))
    expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(1)
    emitter.emit('SIGINT')
    await expect(pending).rejects.toBeInstanceOf(InterruptedError)
    await expect(interrupt.race(Promise.resolve(1))).rejects.toBeInstanceOf(InterruptedError)
    interrupt.dispose()
  })
})
