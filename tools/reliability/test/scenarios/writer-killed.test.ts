import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replay } from '@eht-influx-client/replay'
import { EHTInfluxDBClient } from '@eht-influx-client/writer'
import { startInfluxDB1, startVictoriaMetrics, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { CaptureSink, scenarioConfig, removeTempDirs, tempDir, waitFor } from '../../src/scenario-config.js'
import { influxKeys, readLogRecords, readSpoolRecords, spoolFiles, vmCount } from '../../src/scenario-counts.js'
import { pointKey, pointRecords } from '../../src/scenario-points.js'
import { startNode, type ChildRun } from '../../src/scenario-child.js'

// Scenario 3 of issue #9: a station script (a child process) writes a stream
// and calls flush() now and then; it is killed with SIGKILL mid-stream while
// VictoriaMetrics is down (so it dies with a spool file open). Every point a
// resolved flush() covered must be in the logfile, readable; after a restart
// (a new client drains the spool) and a replay of the logfile, in each server.

const WRITER = fileURLToPath(new URL('./fixtures/flushing-writer.mjs', import.meta.url))
const KILL_AFTER_FLUSHED = 8000

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let child: ChildRun | undefined

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
})
afterAll(async () => {
  child?.child.kill('SIGKILL')
  removeTempDirs()
  await Promise.all([influx?.stop(), vm?.stop()])
})

function flushedCounts(stdout: string): number[] {
  return [...stdout.matchAll(/^flushed (\d+)$/gm)].map((m) => Number(m[1]))
}

describe('scenario 3: a writer process killed with SIGKILL mid-stream', () => {
  it('every point a resolved flush() covered is in the logfile, then in each server after restart + drain + replay', async () => {
    const dir = tempDir()
    const { file, config } = scenarioConfig(dir, {
      servers: [
        { name: 'local', url: influx.url, api: 'v1', keys: { batch_size: '1000' } },
        { name: 'cloud', url: vm.url, api: 'v2', keys: { batch_size: '1000', timeout: '500ms' } },
      ],
      retry: { max_retries: '1', min_delay: '50ms', max_delay: '100ms' },
      errors: { stderr: 'summary' },
    })
    await vm.halt()
    child = startNode(WRITER, [file, 's3'], { cwd: dir })
    await waitFor(() => Math.max(0, ...flushedCounts(child!.stdout)) >= KILL_AFTER_FLUSHED, `the writer to report ${KILL_AFTER_FLUSHED} flushed points`, 60_000)
    child.child.kill('SIGKILL')
    expect(await child.exited).toBe('SIGKILL')
    const flushed = Math.max(...flushedCounts(child.stdout))
    expect(child.stdout).not.toMatch(/flush failed/)
    const flushedKeys = pointRecords('s3', 0, flushed).map(pointKey)

    // The logfile reads without error: a prefix of the stream, each point once, holding every flushed point.
    // A line torn by the kill may only be the last line of its file, reported as bad and skipped.
    const logged = await readLogRecords(path.join(dir, 'log'))
    expect(logged.badLines.length).toBeLessThanOrEqual(1)
    for (const bad of logged.badLines) expect(bad.line).toBe(fs.readFileSync(bad.file, 'utf8').split('\n').length)
    const total = logged.records.length
    expect(total).toBeGreaterThanOrEqual(flushed)
    expect(logged.records.map(pointKey)).toEqual(pointRecords('s3', 0, total).map(pointKey))

    // A resolved flush() means accepted or spooled: InfluxDB (up) has them, the spool (VictoriaMetrics down) has them.
    const inInflux = await influxKeys(influx, 's3')
    expect(flushedKeys.filter((k) => !inInflux.has(k))).toEqual([])
    const spooled = await readSpoolRecords(config.spool.dir)
    // The dead process may have left its spool file open (`.lp.open`), unless its drainer had just sealed it.
    const leftOpen = spooled.files.filter((f) => f.endsWith('.lp.open')).length
    const spooledKeys = new Set(spooled.records.map(pointKey))
    expect(flushedKeys.filter((k) => !spooledKeys.has(k))).toEqual([])
    console.log(`scenario 3: killed after ${flushed} flushed points; ${total} in the logfile (${logged.badLines.length} torn line), ${spooled.records.length} in the spool (${leftOpen} file(s) left open)`)

    // Restart: the server is back, a new client with the same configuration seals and drains the dead process's spool.
    await vm.restart()
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    await waitFor(() => spoolFiles(config.spool.dir).length === 0, 'the new client to drain the spool')
    await client.close()
    expect(client.stats().cloud?.drained).toBe(spooled.records.length)

    // Replay of the logfile (resumable) sends what neither server had.
    const summary = await replay({ config, inputs: path.join(dir, 'log'), stderr: new CaptureSink() })
    expect(summary.read).toBe(total)
    for (const name of ['local', 'cloud']) expect(summary.servers[name]).toMatchObject({ sent: total, accepted: total, rejected: 0, spooled: 0, dropped: 0 })

    const expected = new Set(pointRecords('s3', 0, total).map(pointKey))
    expect(await influxKeys(influx, 's3')).toEqual(expected)
    expect((await vmCount(vm, 's3_value')).distinct).toBe(total)
    expect(spoolFiles(config.spool.dir)).toEqual([])
  })
})
