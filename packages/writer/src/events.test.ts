import util from 'node:util'
import { describe, expect, it } from 'vitest'
import { DeliveryFailedError } from './errors.js'
import { EventHub, type ErrorEvent, type RetryEvent } from './events.js'

describe('EventHub', () => {
  it('scrubs secret values from reasons and error messages before any listener sees them', () => {
    const hub = new EventHub(['s3cr3t-token'])
    const errors: ErrorEvent[] = []
    const retries: RetryEvent[] = []
    hub.add({ onError: (e) => errors.push(e), onRetry: (e) => retries.push(e) })
    hub.error({ server: 'a', points: 1, reason: 'sent Token s3cr3t-token', error: new DeliveryFailedError('echo s3cr3t-token', 'a') })
    hub.retry({ server: 'a', points: 1, retry: 1, delayMs: 5, reason: 'x s3cr3t-token y' })
    expect(errors[0]!.reason).toBe('sent Token ***')
    expect(errors[0]!.error.message).toBe('echo ***')
    expect(retries[0]!.reason).toBe('x *** y')
  })

  it('never shows the secrets it scrubs when printed (console.log / util.inspect of a client reaches the hub)', () => {
    const hub = new EventHub(['s3cr3t-token'])
    expect(util.inspect(hub, { depth: Infinity, showHidden: true })).not.toContain('s3cr3t-token')
    expect(JSON.stringify(hub)).not.toContain('s3cr3t-token')
    expect(hub.scrub('a s3cr3t-token b')).toBe('a *** b')
  })

  it('keeps delivering when a listener throws, and stops after removal', () => {
    const hub = new EventHub()
    let seen = 0
    hub.add({
      onDelivered: () => {
        throw new Error('buggy callback')
      },
    })
    const remove = hub.add({ onDelivered: () => seen++ })
    hub.delivered({ server: 'a', points: 3, fromSpool: false })
    remove()
    hub.delivered({ server: 'a', points: 3, fromSpool: false })
    expect(seen).toBe(1)
  })

  it('takes the rejection of an async listener as its own (no unhandled rejection), and the other listeners still get the event', async () => {
    const hub = new EventHub()
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      let seen = 0
      hub.add({ onSpooled: async () => Promise.reject(new Error('async callback failed')) })
      hub.add({ onSpooled: () => seen++ })
      hub.spooled({ server: 'a', points: 3, reason: 'down' })
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(seen).toBe(1)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
