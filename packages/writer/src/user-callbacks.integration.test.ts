import { afterAll, beforeAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startVictoriaMetrics, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { EHTInfluxDBClient } from './client.js'
import { listSpool } from './delivery.js'
import type { DeliveryCallbacks } from './events.js'
import { CaptureSink, closedPort, makeConfig, readAll, tempDir } from '../test/helpers.js'

let vm: VictoriaMetricsServer
beforeAll(async () => {
  vm = await startVictoriaMetrics()
})
afterAll(async () => {
  await vm?.stop()
})

/** Unhandled rejections and uncaught exceptions while a test runs (each one would end a station script under Node 20). */
let crashes: unknown[] = []
const onCrash = (reason: unknown) => crashes.push(reason)
beforeEach(() => {
  crashes = []
  process.on('unhandledRejection', onCrash)
  process.on('uncaughtException', onCrash)
})
afterEach(() => {
  process.off('unhandledRejection', onCrash)
  process.off('uncaughtException', onCrash)
})
/** Lets pending rejections be seen as unhandled (Node decides after the microtasks of a tick). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

const T = 1765000000000000000n
const lines = (n: number, m: string) => Array.from({ length: n }, (_, i) => `${m},run=a v=${i} ${T + BigInt(i)}`)

/** An async callback that fails, as one posting to a monitoring channel that is down. */
const failingAsync = (calls: string[], kind: string) => async () => {
  calls.push(kind)
  await null
  throw new Error(`user async ${kind} failed`)
}

describe('a user callback that returns a rejected promise (an async callback that throws)', () => {
  it.each(['onRetry', 'onSpooled', 'onError'] as const)('%s: neither ends the process nor stops close(): every point logged and kept in a sealed spool file', async (kind) => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'down', url: `http://127.0.0.1:${await closedPort()}`, api: 'v1' }], retry: { max_retries: '2', min_delay: '20ms', max_delay: '20ms', max_retry_time: '5s' } })
    const calls: string[] = []
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink(), [kind]: failingAsync(calls, kind) } as DeliveryCallbacks)
    const api = client.writeApi()
    for (const line of lines(5, `cb_${kind}`)) await api.writeRecord(line)
    await api.flush() // retries, then the spool
    await api.close()
    await client.close()
    await settle()

    expect(calls.length).toBeGreaterThan(0)
    expect(crashes).toEqual([])
    expect(await readAll(`${dir}/log`)).toHaveLength(5)
    const spool = await listSpool(config, { unsealed: true })
    expect(spool.filter((f) => f.unsealed === true)).toEqual([])
    expect(await readAll(spool.map((f) => f.file), 'lp')).toHaveLength(5)
    expect(client.stats().down).toMatchObject({ written: 5, spooled: 5, dropped: 0 })
  })

  it('onDelivered (given to writeApi()): the points are delivered, the process goes on', async () => {
    const dir = tempDir()
    const client = await EHTInfluxDBClient.fromConfig(makeConfig(dir, { servers: [{ name: 'cloud', url: vm.url, api: 'v2', keys: { token: 'x' } }] }), { stderr: new CaptureSink() })
    const calls: string[] = []
    const api = client.writeApi({ writeMode: 'synchronous', onDelivered: failingAsync(calls, 'onDelivered') })
    const result = await api.writeRecords(lines(5, 'cb_delivered'))
    await api.close()
    await client.close()
    await settle()
    expect(result.servers?.cloud).toMatchObject({ accepted: 5, spooled: 0 })
    expect(calls).toContain('onDelivered')
    expect(crashes).toEqual([])
  })
})

describe('onInvalid (skipInvalid: true) that throws or rejects', () => {
  it.each([
    [
      'throws',
      () => {
        throw new Error('user onInvalid bug')
      },
    ],
    ['rejects', async () => Promise.reject(new Error('user async onInvalid bug'))],
  ] as const)('%s: the good rows of the call are still logged and delivered, the bad one skipped', async (_how, onInvalid) => {
    const dir = tempDir()
    const client = await EHTInfluxDBClient.fromConfig(makeConfig(dir, { servers: [{ name: 'cloud', url: vm.url, api: 'v2', keys: { token: 'x' } }] }), { stderr: new CaptureSink() })
    const api = client.writeApi({ skipInvalid: true, writeMode: 'synchronous', onInvalid })
    const result = await api.writeRecords([`inv,run=a v=1 ${T + 1n}`, `inv,run=a v= ${T + 2n}`, `inv,run=a v=3 ${T + 3n}`])
    await api.close()
    await client.close()
    await settle()
    expect(result.points).toBe(2)
    expect(result.skipped).toHaveLength(1)
    expect(result.servers?.cloud).toMatchObject({ accepted: 2 })
    expect((await readAll(`${dir}/log`)).map((r) => r.timestamp)).toEqual([T + 1n, T + 3n])
    expect(crashes).toEqual([])
  })
})
