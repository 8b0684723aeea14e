import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLogs } from '@eht-influx-client/logfile'
import { canMountSmallDisk, mountSmallDisk, startVictoriaMetrics, stillMounted, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { EHTInfluxDBClient } from './client.js'
import { LogfileWriteError } from './errors.js'
import type { ErrorEvent } from './events.js'
import { CaptureSink, makeConfig, tempDir } from '../test/helpers.js'

let vm: VictoriaMetricsServer

beforeAll(async () => {
  vm = await startVictoriaMetrics()
})
afterAll(async () => {
  await vm?.stop()
  expect(stillMounted, 'tmpfs disks left mounted').toEqual([])
})

const canMount = canMountSmallDisk()

const T0 = 1617672549204824064n
/** Call `c`: 20 rows whose `v` is c * 100 + i. */
const call = (c: number) => Array.from({ length: 20 }, (_, i) => ({ station: 'Kp', v: c * 100 + i, timestamp: T0 + BigInt(c * 100 + i) * 1_000_000n }))

/** The calls of which the logfile under `dir` holds points: call -> how many; plus its bad (torn) lines. */
async function logged(dir: string): Promise<{ calls: Map<number, number>; bad: string[] }> {
  const calls = new Map<number, number>()
  const bad: string[] = []
  for await (const item of readLogs(dir, { onBadLine: (b) => bad.push(b.reason) })) {
    const c = Math.floor(Number((item.record.fields.v as { value: number }).value) / 100)
    calls.set(c, (calls.get(c) ?? 0) + 1)
  }
  return { calls, bad }
}

describe('the logfile cannot be written', () => {
  it('at start (its folder is a file): fromConfig throws LogfileWriteError naming [logfile] path, and starts nothing', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'not-a-dir'), 'x')
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: vm.url, api: 'v2', keys: { token: 'vm-token-not-checked' } }], logfile: { path: './not-a-dir/eht-%Y-%m-%d.jsonl' } })
    const error = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() }).catch((e: unknown) => e)
    expect(LogfileWriteError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/cannot open the logfile \(.*influx_config\.ini, \[logfile\] path = .*not-a-dir\/eht-%Y-%m-%d\.jsonl\): .*not-a-dir/)
  })

  it.skipIf(!canMount)(
    'mid-run (disk full): each call not logged rejects with LogfileWriteError and is reported, its points still reach the server, and logging resumes once there is room',
    async () => {
      const dir = tempDir()
      const disk = path.join(dir, 'disk')
      fs.mkdirSync(disk)
      const unmount = mountSmallDisk(disk)!
      let client: EHTInfluxDBClient | undefined
      try {
        const filler = path.join(disk, 'filler')
        fs.writeFileSync(filler, Buffer.alloc(56 * 1024))
        const stderr = new CaptureSink()
        const errors: ErrorEvent[] = []
        const config = makeConfig(dir, {
          servers: [{ name: 'cloud', url: vm.url, api: 'v2', keys: { token: 'vm-token-not-checked' } }],
          logfile: { path: './disk/eht-%Y-%m-%d.jsonl', fsync: 'always' },
        })
        client = await EHTInfluxDBClient.fromConfig(config, { stderr, onError: (e) => errors.push(e) })
        const api = client.writeApi()
        const outcomes: (true | LogfileWriteError)[] = []
        for (let c = 0; c < 16; c++) {
          if (c === 10) fs.rmSync(filler) // room again
          const mode = c === 8 ? 'synchronous' : 'asynchronous'
          outcomes.push(await api.write({ record: call(c), dataFrameMeasurementName: 'lf_full', dataFrameTagColumns: ['station'], writeMode: mode }).then(() => true as const, (e: LogfileWriteError) => e))
        }
        // flush() and close() do not fail again for what was already reported.
        await api.flush()
        await api.close()
        await client.close()

        const failed = outcomes.flatMap((o, c) => (o === true ? [] : [c]))
        expect(failed.length).toBeGreaterThan(0)
        expect(failed.every((c) => c < 10)).toBe(true)
        expect(failed).toContain(8) // the synchronous call rejects too
        expect(outcomes.slice(10).every((o) => o === true)).toBe(true)
        for (const c of failed) expect(LogfileWriteError.isInstance(outcomes[c])).toBe(true)
        // Reported to onError (server undefined: the logfile) and to stderr, once per failed call.
        const logfileErrors = errors.filter((e) => e.server === undefined)
        expect(logfileErrors.map((e) => e.points)).toEqual(failed.map(() => 20))
        expect(stderr.text.match(/the logfile could not be written/g)).toHaveLength(failed.length)

        // The server has every point, logged or not.
        const series = await vm.export('{__name__="lf_full_v"}')
        expect(series.reduce((n, s) => n + s.values.length, 0)).toBe(16 * 20)
        // The logfile: every call that resolved is in it whole; a failed one at most in part (a write
        // cut short by the full disk leaves a torn line, marked and skipped when read).
        const { calls, bad } = await logged(disk)
        for (let c = 0; c < 16; c++) {
          if (outcomes[c] === true) expect(calls.get(c), `call ${c}`).toBe(20)
          else expect(calls.get(c) ?? 0, `call ${c}`).toBeLessThan(20)
        }
        // Each failed call's error says how many of its points are in the logfile (a call the full disk cut part-way: some).
        for (const c of failed) {
          const inLog = calls.get(c) ?? 0
          const which = inLog === 0 ? 'these 20 points are not in it' : `the first ${inLog} of these 20 points were written to it; the other ${20 - inLog} are not in it`
          expect((outcomes[c] as LogfileWriteError).message, `call ${c}`).toMatch(new RegExp(`^the logfile could not be written \\(.*ENOSPC.*\\); ${which}, but were still handed to the servers`))
        }
        expect(bad.every((reason) => /torn line/.test(reason))).toBe(true)
        expect(client.stats().cloud).toMatchObject({ written: 320, delivered: 320, spooled: 0, dropped: 0 })
      } finally {
        // When an assertion failed before client.close(), the logfile is still open on the disk: close it first.
        await client?.close().catch(() => {})
        unmount()
      }
    },
  )

  it.skipIf(!canMount)('a call cut short by a full disk: the error says how many of its points are in the logfile, and which are not', async () => {
    for (const servers of [true, false]) {
      const dir = tempDir()
      const disk = path.join(dir, 'disk')
      fs.mkdirSync(disk)
      const unmount = mountSmallDisk(disk)!
      let client: EHTInfluxDBClient | undefined
      try {
        fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(32 * 1024))
        const measurement = servers ? 'lf_cut' : 'lf_cut_alone'
        const config = makeConfig(dir, { ...(servers ? { servers: [{ name: 'cloud', url: vm.url, api: 'v2' as const, keys: { token: 'vm-token-not-checked' } }] } : {}), logfile: { path: './disk/eht-%Y-%m-%d.jsonl' } })
        client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
        const api = client.writeApi()
        // One call of 3000 points, about 300 KB: the disk fills up part-way through its write.
        const rows = Array.from({ length: 30 }, (_, c) => call(c)).flat().concat(Array.from({ length: 2400 }, (_, i) => ({ station: 'Kp', v: 3000 + i, timestamp: T0 + BigInt(3000 + i) * 1_000_000n })))
        expect(rows).toHaveLength(3000)
        const error = await api.write({ record: rows, dataFrameMeasurementName: measurement, dataFrameTagColumns: ['station'] }).catch((e: unknown) => e)
        await client.close()
        expect(LogfileWriteError.isInstance(error)).toBe(true)
        const { calls } = await logged(disk)
        const inLog = [...calls.values()].reduce((a, b) => a + b, 0)
        expect(inLog).toBeGreaterThan(0)
        expect(inLog).toBeLessThan(3000)
        const rest = servers
          ? `the other ${3000 - inLog} are not in it, but were still handed to the servers \\(delivered, or kept in the spool\\)$`
          : `the other ${3000 - inLog} are kept nowhere: write them again once the logfile can be written$`
        expect((error as Error).message).toMatch(new RegExp(`^the logfile could not be written \\(.*ENOSPC.*\\); ${servers ? '' : 'no server is configured, so '}the first ${inLog} of these 3000 points were written to it; ${rest}`))
        if (servers) expect(await vm.countSamples(`{__name__="${measurement}_v"}`)).toBe(3000)
      } finally {
        await client?.close().catch(() => {})
        unmount()
      }
    }
  })

  it.skipIf(!canMount)('mid-run with no server configured: the error says the points are kept nowhere', async () => {
    const dir = tempDir()
    const disk = path.join(dir, 'disk')
    fs.mkdirSync(disk)
    const unmount = mountSmallDisk(disk)!
    let client: EHTInfluxDBClient | undefined
    try {
      fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(63 * 1024))
      client = await EHTInfluxDBClient.fromConfig(makeConfig(dir, { logfile: { path: './disk/eht-%Y-%m-%d.jsonl' } }), { stderr: new CaptureSink() })
      const api = client.writeApi()
      const error = await api.write({ record: call(0), dataFrameMeasurementName: 'lf_alone', dataFrameTagColumns: ['station'] }).catch((e: unknown) => e)
      expect(LogfileWriteError.isInstance(error)).toBe(true)
      expect((error as Error).message).toMatch(/no server is configured, so these 20 points are kept nowhere: write them again once the logfile can be written/)
      await client.close()
    } finally {
      // When an assertion failed before client.close(), the logfile is still open on the disk: close it first.
      await client?.close().catch(() => {})
      unmount()
    }
  })
})
