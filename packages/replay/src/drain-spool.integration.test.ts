import fs from 'node:fs'
import path from 'node:path'
import { startFaultProxy, startInfluxDB1, type FaultProxy, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { listSpool, openDelivery } from '@eht-influx-client/writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lp, removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { drainSpool } from './drain-spool.js'
import { replay } from './replay.js'

let influx: InfluxDB1Server
let proxy: FaultProxy

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'replay_test' })
  proxy = await startFaultProxy({ target: influx.url })
})
afterAll(async () => {
  await proxy?.stop()
  await influx?.stop()
  removeTempDirs()
})

describe('drainSpool', () => {
  it('delivers what a replay spooled while the server was down once it is back, and deletes the spool files', async () => {
    const dir = tempDir()
    const input = path.join(dir, 'station.lp')
    const lines = lp('outage', 5000)
    fs.writeFileSync(input, `${lines.join('\n')}\n`)
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 200'] }])

    await influx.halt()
    const down = await replay({ config, inputs: input })
    const local = down.servers.local!
    expect(local.accepted).toBe(0)
    expect(local.spooled).toBeGreaterThan(0)
    expect(local.stopped).toMatch(/spooled/)
    expect(down.stoppedEarly).toBe(true)
    expect((await listSpool(config)).length).toBeGreaterThan(0)

    // Still down: nothing delivered, nothing deleted.
    const early = await drainSpool({ config })
    expect(early.servers[0]).toMatchObject({ server: 'local', files: 0, delivered: 0 })
    expect(early.servers[0]!.failed).toBeDefined()
    expect(early.remainingFiles).toBeGreaterThan(0)

    await influx.restart()
    const before = proxy.stats().acceptedLines
    const drained = await drainSpool({ config })
    expect(drained.servers[0]).toMatchObject({ server: 'local', delivered: local.spooled, rejected: 0, failed: undefined })
    expect(drained.remainingFiles).toBe(0)
    expect(await listSpool(config)).toEqual([])

    // The replay goes on after what it spooled; every point arrives exactly once.
    const rest = await replay({ config, inputs: input })
    expect(rest.servers.local).toMatchObject({ alreadyDone: local.spooled, accepted: lines.length - local.spooled })
    expect(proxy.stats().acceptedLines - before).toBe(lines.length)
    expect(await influx.countPoints('outage')).toBe(lines.length)

    // Repeating is harmless.
    expect((await drainSpool({ config })).servers[0]).toMatchObject({ files: 0, delivered: 0, failed: undefined })
  })

  it('can run while a writer is writing and spooling: no point lost, the spool ends empty', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 100', 'flush_interval = 50ms'] }])
    // A writer that spools while the server fails...
    proxy.setScript({ kind: 'status', status: 503 })
    const writer = await openDelivery(config, { drainSpool: false })
    expect((await writer.enqueue(lp('busy', 2000), true)).local).toMatchObject({ spooled: 2000 })
    await writer.close()
    expect((await listSpool(config)).length).toBeGreaterThan(0)
    proxy.setScript({ kind: 'pass' })
    // A writer keeps writing while drainSpool runs, its own spool drainer working on the same files.
    const running = await openDelivery(config)
    const writing = (async () => {
      for (let i = 0; i < 20; i++) {
        running.enqueue(lp('busy', 100, 2000 + i * 100))
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    })()
    const [drained] = await Promise.all([drainSpool({ config }), writing])
    expect(drained.servers[0]!.failed).toBeUndefined()
    await running.flush()
    await running.close()
    await drainSpool({ config })
    expect(await listSpool(config)).toEqual([])
    expect(await influx.countPoints('busy')).toBe(4000)
  })
})
