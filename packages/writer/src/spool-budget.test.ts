import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EHTInfluxDBClient } from './client.js'
import { SpoolFullError } from './errors.js'
import type { ErrorEvent } from './events.js'
import { formatProcessIdentity, ownProcessIdentity } from '@eht-influx-client/logfile'
import { SpoolBudget } from './spool-budget.js'
import { listServerSpool, ServerSpool } from './spool.js'
import { CaptureSink, closedPort, makeConfig, readAll, rows, tempDir } from '../test/helpers.js'

describe('[spool] max_size reached', () => {
  it('is a loud error, the points are counted as dropped, and the logfile still has every one', async () => {
    const dir = tempDir()
    const port = await closedPort()
    const config = makeConfig(dir, {
      servers: [{ name: 'down', url: `http://127.0.0.1:${port}`, api: 'v1' }],
      retry: { max_retries: '0' },
      spool: { max_size: '2KB' },
    })
    const stderr = new CaptureSink()
    const errors: ErrorEvent[] = []
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr, onError: (e) => errors.push(e) })
    const api = client.writeApi({ writeMode: 'synchronous' })
    const result = await api.write({ record: rows(200), dataFrameMeasurementName: 'full', dataFrameTagColumns: ['station'] })
    await client.close()
    // The first points that fit are kept (a batch is not dropped whole); the rest are only in the logfile.
    const spooled = result.servers!.down!.spooled
    expect(spooled).toBeGreaterThan(0)
    expect(result.servers?.down).toMatchObject({ accepted: 0, spooled, dropped: 200 - spooled, dropCause: { reason: 'spool-full' } })
    expect(result.servers?.down?.reasons.join('\n')).toMatch(new RegExp(`spool is full .*max_size 2048 bytes.*${200 - spooled} of 200 points .*only in the logfile`))
    expect(errors.map((e) => e.error.code)).toContain('SPOOL_FULL')
    expect(stderr.text).toContain('ERROR spool is full')
    expect(client.stats().down).toMatchObject({ written: 200, dropped: 200 - spooled, spooled })
    expect(await readAll(path.join(dir, 'log'))).toHaveLength(200)
    expect(await readAll((await listServerSpool(config.spool.dir, 'down')).map((f) => f.file), 'lp')).toHaveLength(spooled)
  })
})

describe('a spool budget whose files another drainer delivered', () => {
  const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m,s=Kp v=${1000 + from + i} ${1617672549204824064n + BigInt(from + i)}`)

  it('counts the spool folder again before it says "full" (at most once a second), so nothing is dropped while the disk is empty', async () => {
    const dir = tempDir()
    const line = Buffer.byteLength(`${lines(1)[0]}\n`)
    const budget = await SpoolBudget.measure(dir, 10 * line)
    const spool = new ServerSpool('local', dir, budget)
    await spool.append(lines(10))
    await spool.seal()
    await expect(spool.append(lines(1, 10))).rejects.toThrow(SpoolFullError)
    // Another process (a second client, `spool drain`) delivers the file and deletes it.
    for (const f of await listServerSpool(dir, 'local')) fs.rmSync(f.file)
    // Counted again only once a second: right after a count (the one at open), still full.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await spool.append(lines(4, 11))
    expect(budget.usedBytes).toBe(4 * line)
    await spool.append(lines(6, 15))
    await expect(spool.append(lines(1, 21))).rejects.toThrow(SpoolFullError)
    await spool.seal()
    const files = await listServerSpool(dir, 'local')
    expect(files.reduce((sum, f) => sum + f.bytes, 0)).toBe(10 * line)
  })

  it('counts an append that is on disk but not yet synced once, not twice, when it counts the folder again', async () => {
    const dir = tempDir()
    // A slow disk: fdatasync takes 300 ms, so the first append's bytes sit on disk, not yet known to be, while
    // the second append (another server) finds the budget spent and counts the folder again.
    const probe = await fs.promises.open(path.join(dir, 'probe'), 'w')
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> }
    await probe.close()
    fs.rmSync(path.join(dir, 'probe'))
    const datasync = proto.datasync
    proto.datasync = async function (this: unknown) {
      await new Promise((resolve) => setTimeout(resolve, 300))
      return datasync.call(this)
    }
    try {
      const line = (n: number, c: string) => c.repeat(n - 1)
      const owner = Buffer.byteLength(`${formatProcessIdentity(ownProcessIdentity())}\n`)
      // Room for both appends and their owner files; the count made at open (400 bytes since delivered and
      // deleted by another process) is out of date: the first append fits anyway, the second has the folder counted.
      const budget = new SpoolBudget(800 + 2 * owner + 50, 400, dir)
      await new Promise((resolve) => setTimeout(resolve, 1100))
      const a = new ServerSpool('a', dir, budget)
      const b = new ServerSpool('b', dir, budget)
      const first = a.append([line(400, 'a')])
      await new Promise((resolve) => setTimeout(resolve, 100))
      await b.append([line(400, 'b')])
      await first
      expect(budget.usedBytes).toBeLessThanOrEqual(800 + 2 * owner)
      await a.seal()
      await b.seal()
      expect((await listServerSpool(dir, 'a')).concat(await listServerSpool(dir, 'b')).map((f) => f.bytes)).toEqual([400, 400])
    } finally {
      proto.datasync = datasync
    }
  })
})
