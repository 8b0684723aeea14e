import { describe, expect, it } from 'vitest'
import { openDelivery } from './delivery.js'
import { InvalidInputError } from './errors.js'
import { CaptureSink, makeConfig, tempDir } from '../test/helpers.js'

describe('Delivery.enqueue', () => {
  it('refuses a "line" holding a newline (it would become two points), naming its index, and queues nothing of the call', async () => {
    const dir = tempDir()
    const delivery = await openDelivery(makeConfig(dir, { servers: [{ name: 'local', url: 'http://127.0.0.1:9', api: 'v1' }] }), { stderr: new CaptureSink(), drainSpool: false })
    try {
      let error: unknown
      try {
        await delivery.enqueue(['m v=1 1617672549204824064', 'm v=2 1617672549204824065\nm v=3 1617672549204824066'])
      } catch (e) {
        error = e
      }
      expect(InvalidInputError.isInstance(error)).toBe(true)
      expect((error as InvalidInputError).message).toMatch(/^line 1: .*without a newline/)
      expect(delivery.stats().local).toMatchObject({ written: 0, queued: 0 })
    } finally {
      await delivery.close()
    }
  })
})
