import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EHTInfluxDBClient, readErrorsFile } from '@eht-influx-client/writer'
import { startFaultProxy, startInfluxDB1, startVictoriaMetrics, type FaultProxy, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { CaptureSink, scenarioConfig, removeTempDirs, tempDir } from '../../src/scenario-config.js'
import { influxKeys, readLogRecords, spoolFiles, vmCount } from '../../src/scenario-counts.js'
import { BASE_NS, timestampOf } from '../../src/scenario-points.js'

// Scenario 6 of issue #9: servers answering 400/422 for some points of a batch.
// InfluxDB 1.x already holds `value` as an integer, so the points written as
// floats get its real 400 "partial write: field type conflict". VictoriaMetrics
// accepts both, so its proxy answers 422 (with a message) for any body holding
// one of three chosen points. Exactly those points must be in the errors file,
// with the server's message, and every other point delivered.

const POINTS = 5000
const FLOATS = new Set([5, 999, 2500, 4999]) // rejected by InfluxDB (type conflict)
const REFUSED_BY_CLOUD = new Set([13, 1234, 4321]) // rejected by VictoriaMetrics' proxy (422)
const MESSAGE_422 = 'failure writing points: partial write: points beyond retention policy dropped=1'

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let vmProxy: FaultProxy

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
  vmProxy = await startFaultProxy({ target: vm.url })
})
afterAll(async () => {
  removeTempDirs()
  await vmProxy?.stop()
  await Promise.all([influx?.stop(), vm?.stop()])
})

function line(i: number): string {
  return `s6,station=Kp value=${FLOATS.has(i) ? `${i}.5` : `${i}i`} ${timestampOf(i)}`
}

describe('scenario 6: a server rejecting some points of a batch (400 / 422)', () => {
  it('exactly those points are in the errors file with the server message; the rest is delivered', async () => {
    const dir = tempDir()
    const { config } = scenarioConfig(dir, {
      servers: [
        { name: 'local', url: influx.url, api: 'v1', keys: { batch_size: '1000' } },
        { name: 'cloud', url: vmProxy.url, api: 'v2', keys: { batch_size: '1000' } },
      ],
      errors: { stderr: 'summary' },
    })
    const refusedLines = new Set([...REFUSED_BY_CLOUD].map(line))
    vmProxy.setScript((req) =>
      req.text.split('\n').some((l) => refusedLines.has(l)) ? { kind: 'status', status: 422, body: JSON.stringify({ code: 'unprocessable entity', message: MESSAGE_422 }) } : { kind: 'pass' },
    )
    const preexisting = BASE_NS - 1_000_000_000n
    await influx.write(`s6,station=Kp value=1i ${preexisting}`)

    const stderr = new CaptureSink()
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr })
    const writeApi = client.writeApi({ writeMode: 'asynchronous' })
    const lines = Array.from({ length: POINTS }, (_, i) => line(i))
    for (let start = 0; start < POINTS; start += 500) await writeApi.writeRecords(lines.slice(start, start + 500), { timestampUnit: 'ns' })
    await writeApi.flush()
    await client.close()

    const stats = client.stats()
    expect(stats.local).toMatchObject({ written: POINTS, delivered: POINTS - FLOATS.size, rejected: FLOATS.size, spooled: 0, dropped: 0 })
    expect(stats.cloud).toMatchObject({ written: POINTS, delivered: POINTS - REFUSED_BY_CLOUD.size, rejected: REFUSED_BY_CLOUD.size, spooled: 0, dropped: 0 })

    // The errors file: exactly the rejected points, per server, with the server's own message.
    const rejected = await readErrorsFile(config.errors.errorsFile)
    const local = rejected.filter((r) => r.server === 'local')
    const cloud = rejected.filter((r) => r.server === 'cloud')
    expect(rejected).toHaveLength(FLOATS.size + REFUSED_BY_CLOUD.size)
    expect(local.map((r) => r.line).sort()).toEqual([...FLOATS].map(line).sort())
    expect(cloud.map((r) => r.line).sort()).toEqual([...REFUSED_BY_CLOUD].map(line).sort())
    for (const r of local) {
      expect(r.status).toBe(400)
      expect(r.message).toMatch(/partial write: field type conflict: input field "value" on measurement "s6" is type float, already exists as type integer/)
    }
    for (const r of cloud) {
      expect(r.status).toBe(422)
      expect(r.message).toContain(MESSAGE_422)
    }
    expect(stderr.text).toContain(config.errors.errorsFile)

    // The rest is delivered, each point once; the logfile has all of them; nothing waits in the spool.
    const good = (bad: Set<number>) => new Set(Array.from({ length: POINTS }, (_, i) => i).filter((i) => !bad.has(i)).map((i) => `s6@${timestampOf(i)}`))
    expect(await influxKeys(influx, 's6')).toEqual(new Set([`s6@${preexisting}`, ...good(FLOATS)]))
    const stored = await vmCount(vm, 's6_value')
    expect(stored.distinct).toBe(POINTS - REFUSED_BY_CLOUD.size)
    expect(stored.samples).toBe(vmProxy.stats().acceptedLines)
    const logged = await readLogRecords(path.join(dir, 'log'))
    expect(logged.records).toHaveLength(POINTS)
    expect(spoolFiles(config.spool.dir)).toEqual([])
  })
})
