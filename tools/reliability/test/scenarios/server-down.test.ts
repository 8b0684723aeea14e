import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EHTConfig } from '@eht-influx-client/config'
import { EHTInfluxDBClient } from '@eht-influx-client/writer'
import { startInfluxDB1, startVictoriaMetrics, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { CaptureSink, scenarioConfig, removeTempDirs, tempDir, waitFor } from '../../src/scenario-config.js'
import { influxKeys, readLogRecords, readSpoolRecords, spoolFiles, vmCount } from '../../src/scenario-counts.js'
import { columns, pointKey, pointRecords } from '../../src/scenario-points.js'
import { runCli } from '../../src/scenario-child.js'

// Scenario 2 of issue #9: one of two servers (VictoriaMetrics) is down for the
// whole run. The other (InfluxDB 1.x) gets everything; the down one's points
// all wait in its spool; once it is up, a new client (first case) and the
// CLI's `spool drain` in a child process (second case) deliver them.

const POINTS = 20_000
const PER_WRITE = 500

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let dir: string
let configFile: string
let config: EHTConfig

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
  dir = tempDir()
  ;({ file: configFile, config } = scenarioConfig(dir, {
    servers: [
      { name: 'local', url: influx.url, api: 'v1', keys: { batch_size: '2000' } },
      { name: 'cloud', url: vm.url, api: 'v2', keys: { batch_size: '2000', timeout: '500ms' } },
    ],
    retry: { max_retries: '2', min_delay: '50ms', max_delay: '100ms' },
    errors: { stderr: 'summary' },
  }))
})
afterAll(async () => {
  removeTempDirs()
  await Promise.all([influx?.stop(), vm?.stop()])
})

/** Writes POINTS points of `measurement` with VictoriaMetrics down, closes the client, and checks where they are. */
async function writeWhileCloudIsDown(measurement: string): Promise<void> {
  await vm.halt()
  const stderr = new CaptureSink()
  const client = await EHTInfluxDBClient.fromConfig(config, { stderr })
  const writeApi = client.writeApi()
  for (let start = 0; start < POINTS; start += PER_WRITE) {
    await writeApi.write({ record: columns(start, PER_WRITE), dataFrameMeasurementName: measurement, dataFrameTagColumns: ['station'] })
  }
  await client.close()
  const stats = client.stats()
  expect(stats.local).toMatchObject({ written: POINTS, delivered: POINTS, spooled: 0 })
  expect(stats.cloud).toMatchObject({ written: POINTS, delivered: 0, spooled: POINTS, dropped: 0 })
  expect(stderr.text).toMatch(/cloud/)

  const expected = new Set(pointRecords(measurement, 0, POINTS).map(pointKey))
  // The live server has everything.
  expect(await influxKeys(influx, measurement)).toEqual(expected)
  // The logfile has everything once.
  const logged = await readLogRecords(path.join(dir, 'log'))
  expect(logged.badLines).toEqual([])
  expect(new Set(logged.records.filter((r) => r.measurement === measurement).map(pointKey))).toEqual(expected)
  // The down server's points are all in its spool, each once; nothing spooled for the live one.
  const spooled = await readSpoolRecords(config.spool.dir)
  expect(spooled.badLines).toEqual([])
  expect(spooled.files.every((f) => f.includes(`${path.sep}cloud${path.sep}`) && f.endsWith('.lp'))).toBe(true)
  expect(spooled.records).toHaveLength(POINTS)
  expect(new Set(spooled.records.map(pointKey))).toEqual(expected)
  await vm.restart()
}

describe('scenario 2: one of two servers down for the whole run', () => {
  it('a new client delivers the spooled points once the server is up', async () => {
    await writeWhileCloudIsDown('s2_client')
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    await waitFor(() => spoolFiles(config.spool.dir).length === 0, 'the new client to drain the spool')
    await client.close()
    expect(client.stats().cloud).toMatchObject({ drained: POINTS, spooled: 0 })
    expect(spoolFiles(config.spool.dir)).toEqual([])
    const stored = await vmCount(vm, 's2_client_value')
    expect(stored).toMatchObject({ samples: POINTS, distinct: POINTS })
  })

  it('`eht-influx-client spool drain` (a child process) delivers them', async () => {
    await writeWhileCloudIsDown('s2_cli')
    const run = await runCli(['--config', configFile, '--json', 'spool', 'drain'], { cwd: dir })
    expect(run.code, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout) as { points: number; delivered: number; rejected: number; remaining: number }
    expect(report).toMatchObject({ points: POINTS, delivered: POINTS, rejected: 0 })
    expect(spoolFiles(config.spool.dir)).toEqual([])
    const stored = await vmCount(vm, 's2_cli_value')
    expect(stored).toMatchObject({ samples: POINTS, distinct: POINTS })
    // InfluxDB got nothing twice and nothing more: the drain went to the server that needed it.
    expect((await influxKeys(influx, 's2_cli')).size).toBe(POINTS)
  })
})
