import { afterEach, describe, expect, it, vi } from 'vitest'
import { openDelivery } from './delivery.js'
import { CaptureSink, makeConfig, proxiedVictoriaMetrics, tempDir, waitFor } from '../test/helpers.js'
import { mockWallClock } from '../test/wall-clock.js'

const HOUR = 3_600_000

const servers = proxiedVictoriaMetrics()
afterEach(() => {
  vi.restoreAllMocks()
})

describe('a step of the wall clock (NTP, an operator) while points wait', () => {
  it('an hour back: a partial batch still goes after flush_interval, not an hour later', async () => {
    const config = makeConfig(tempDir(), { servers: [{ name: 'cloud', url: servers.vm.url, api: 'v2', keys: { token: 'not-checked', flush_interval: '100ms', batch_size: '1000' } }] })
    const wall = mockWallClock()
    const delivery = await openDelivery(config, { stderr: new CaptureSink(), drainSpool: false })
    try {
      await delivery.enqueue(['clock_back,station=Kp v=1 1617950000000000000'])
      wall.step(-HOUR)
      await waitFor(() => delivery.stats().cloud!.delivered === 1, 'the partial batch to be delivered', 3000)
    } finally {
      await delivery.close()
    }
    expect(await servers.vm.countSamples('{__name__="clock_back_v"}')).toBe(1)
  })

  it('an hour forward during a retry: max_retry_time is not over, the retry is made and the points delivered', async () => {
    const config = makeConfig(tempDir(), {
      servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'not-checked' } }],
      retry: { max_retries: '3', min_delay: '50ms', max_retry_time: '5s' },
    })
    const wall = mockWallClock()
    let first = true
    servers.proxy.setScript(() => {
      if (!first) return { kind: 'pass' }
      first = false
      wall.step(HOUR)
      return { kind: 'status', status: 503 }
    })
    const delivery = await openDelivery(config, { stderr: new CaptureSink(), drainSpool: false })
    try {
      const outcome = await delivery.send([{ measurement: 'clock_forward', tags: { station: 'Kp' }, fields: { v: { type: 'float', value: 1 } }, timestamp: 1617950001000000000n }])
      expect(outcome.cloud).toMatchObject({ accepted: 1, spooled: 0 })
      expect(delivery.stats().cloud).toMatchObject({ retried: 1, delivered: 1, spooled: 0 })
    } finally {
      await delivery.close()
    }
  })
})
