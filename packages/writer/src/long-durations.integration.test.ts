import { describe, expect, it } from 'vitest'
import type { EHTConfig } from '@eht-influx-client/config'
import { openDelivery } from './delivery.js'
import { MAX_TIMER_MS } from './long-timer.js'
import { CaptureSink, makeConfig, proxiedVictoriaMetrics, tempDir } from '../test/helpers.js'

const servers = proxiedVictoriaMetrics()

/** `config` with its one server changed (as a program may build it; the INI keys are checked by config). */
function withServer(config: EHTConfig, change: Partial<EHTConfig['servers'][number]>): EHTConfig {
  return { ...config, servers: [{ ...config.servers[0]!, ...change }] }
}

const point = (v: number) => ({ measurement: 'long_durations', tags: { station: 'Kp' }, fields: { v: { type: 'float' as const, value: v } }, timestamp: 1617960000000000000n + BigInt(v) })

describe('durations longer than a Node timer takes (2^31-1 ms, about 24.8 days)', () => {
  it('a timeout that long lets a slow answer in: it does not time out after 1 ms', async () => {
    const base = makeConfig(tempDir(), { servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'not-checked' } }], retry: { max_retries: '0' } })
    servers.proxy.setScript({ kind: 'delay', ms: 200 })
    const delivery = await openDelivery(withServer(base, { timeoutMs: MAX_TIMER_MS + 1000 }), { stderr: new CaptureSink(), drainSpool: false })
    try {
      expect((await delivery.send([point(1)])).cloud).toMatchObject({ accepted: 1, spooled: 0, reasons: [] })
    } finally {
      await delivery.close()
      servers.proxy.setScript({ kind: 'pass' })
    }
  })

  it('a flush_interval that long holds a partial batch until flush(), without a timer firing every 1 ms meanwhile', async () => {
    const base = makeConfig(tempDir(), { servers: [{ name: 'cloud', url: servers.vm.url, api: 'v2', keys: { token: 'not-checked', batch_size: '1000' } }] })
    const delivery = await openDelivery(withServer(base, { flushIntervalMs: MAX_TIMER_MS + 1000 }), { stderr: new CaptureSink(), drainSpool: false })
    // An overflowing timer fires after 1 ms with a TimeoutOverflowWarning: the outbox would wake up, find the
    // batch not due and set it again, 1000 times a second.
    const overflows: Error[] = []
    const onWarning = (warning: Error) => {
      if (warning.name === 'TimeoutOverflowWarning') overflows.push(warning)
    }
    process.on('warning', onWarning)
    try {
      await delivery.enqueue(['long_durations,station=Kp v=2 1617960000000000002'])
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(delivery.stats().cloud).toMatchObject({ queued: 1, delivered: 0 })
      expect(overflows.map((w) => w.message)).toEqual([])
      await delivery.flush()
      expect(delivery.stats().cloud).toMatchObject({ queued: 0, delivered: 1 })
    } finally {
      process.off('warning', onWarning)
      await delivery.close()
    }
  })
})
