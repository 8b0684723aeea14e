import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openLogWriter } from '@eht-influx-client/logfile'
import { checkpointDir } from '@eht-influx-client/replay'
import { startFaultProxy, startInfluxDB1, startVictoriaMetrics, type FaultProxy, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { scenarioConfig, removeTempDirs, tempDir, waitFor } from '../../src/scenario-config.js'
import { influxKeys, vmCount } from '../../src/scenario-counts.js'
import { lineKey, pointKey, pointRecords } from '../../src/scenario-points.js'
import { cliBin, runCli, startNode, type ChildRun } from '../../src/scenario-child.js'

// Scenario 4 of issue #9: `eht-influx-client replay` (a child process,
// rate-limited so the kill lands mid-file) is killed with SIGKILL, then run
// again. The kill is made by InfluxDB's proxy at the moment the batch holding
// point KILL_AT arrives, so that batch is accepted by the server while its
// answer is lost. The checkpoint promises: every line up to it was accepted
// before the kill, and the rerun starts right after it. So the rerun sends
// exactly the lines after the checkpoint, nothing before it; the only lines a
// server accepted twice are those it accepted after the checkpoint in the
// killed run (in flight, or acknowledged but not yet checkpointed), at most
// 4 chunks of batch_size.

const POINTS = 20_000
const BATCH = 500
const KILL_AT = 6000

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let influxProxy: FaultProxy
let vmProxy: FaultProxy
let child: ChildRun | undefined

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
  ;[influxProxy, vmProxy] = await Promise.all([startFaultProxy({ target: influx.url }), startFaultProxy({ target: vm.url })])
})
afterAll(async () => {
  child?.child.kill('SIGKILL')
  removeTempDirs()
  await Promise.all([influxProxy?.stop(), vmProxy?.stop()])
  await Promise.all([influx?.stop(), vm?.stop()])
})

/** Per point key, how many times it is in `bodies`. */
function lineCounts(bodies: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const body of bodies) for (const line of body.split('\n')) if (line !== '') counts.set(lineKey(line), (counts.get(lineKey(line)) ?? 0) + 1)
  return counts
}

describe('scenario 4: a replay killed with SIGKILL mid-file, then run again', () => {
  it('nothing is missing and nothing accepted before the checkpoint is sent again', async () => {
    const dir = tempDir()
    const { file: configFile, config } = scenarioConfig(dir, {
      servers: [
        { name: 'local', url: influxProxy.url, api: 'v1', keys: { batch_size: String(BATCH) } },
        { name: 'cloud', url: vmProxy.url, api: 'v2', keys: { batch_size: String(BATCH) } },
      ],
      errors: { stderr: 'summary' },
    })
    const input = path.join(dir, 'station.jsonl')
    const records = pointRecords('s4', 0, POINTS)
    const writer = await openLogWriter({ path: input, format: 'jsonl', rotate: { kind: 'none' }, fsync: 'never', flushIntervalMs: 1000 })
    await writer.append(records)
    await writer.close()
    const keyOfLine = records.map(pointKey) // line n of the file (1-based) holds keyOfLine[n - 1]

    const killAt = ` ${records[KILL_AT]!.timestamp}`
    influxProxy.setScript((req) => {
      if (req.text.includes(killAt)) child?.child.kill('SIGKILL')
      return { kind: 'pass' }
    })
    child = startNode(cliBin(), ['--config', configFile, 'replay', '--rate-limit', '4000/s', input], { cwd: dir })
    expect(await child.exited).toBe('SIGKILL')
    influxProxy.setScript({ kind: 'pass' })
    await waitFor(() => [influxProxy, vmProxy].every((p) => p.log.every((e) => e.status !== undefined || e.upstreamStatus !== undefined)), 'the requests the proxies hold to settle', 10_000)

    // Per server, its checkpoint file, or the recent file written between durable writes where that is further on
    // (as the next replay reads them; a temporary file left by the kill is neither).
    const checkpoints = new Map<string, number>()
    for (const name of fs.readdirSync(checkpointDir(config)).filter((f) => f.endsWith('.json'))) {
      const content = JSON.parse(fs.readFileSync(path.join(checkpointDir(config), name), 'utf8')) as { server: string; files: Record<string, { line: number }> }
      checkpoints.set(content.server, Math.max(checkpoints.get(content.server) ?? 0, content.files[input]?.line ?? 0))
    }
    const proxies = { local: influxProxy, cloud: vmProxy }
    const firstRun = { local: influxProxy.acknowledgedBodies.length, cloud: vmProxy.acknowledgedBodies.length }
    const firstAccepted = { local: influxProxy.acceptedBodies.length, cloud: vmProxy.acceptedBodies.length }

    const rerun = await runCli(['--config', configFile, 'replay', input], { cwd: dir })
    expect(rerun.code, rerun.stderr).toBe(0)

    for (const [name, proxy] of Object.entries(proxies) as [keyof typeof proxies, FaultProxy][]) {
      const checkpoint = checkpoints.get(name)
      expect(checkpoint, `checkpoint of ${name}`).toBeDefined()
      expect(checkpoint!).toBeGreaterThan(0)
      expect(checkpoint!).toBeLessThan(POINTS) // the kill landed mid-file
      const before = new Set(keyOfLine.slice(0, checkpoint))
      const after = new Set(keyOfLine.slice(checkpoint))

      // Up to the checkpoint, every line was accepted by the killed run.
      const killed = lineCounts(proxy.acknowledgedBodies.slice(0, firstRun[name]))
      expect([...before].filter((k) => !killed.has(k))).toEqual([])
      // The rerun sent nothing before the checkpoint and everything after it, once.
      const rerunSent = lineCounts(proxy.acceptedBodies.slice(firstAccepted[name]))
      expect([...rerunSent.keys()].filter((k) => before.has(k))).toEqual([])
      expect(new Set(rerunSent.keys())).toEqual(after)
      expect([...rerunSent.values()].every((n) => n === 1)).toBe(true)
      // Accepted by the server across both runs: every point, plus exactly the lines the killed run
      // got accepted after its checkpoint (including the batch whose answer the kill cut off).
      const acceptedByKilled = lineCounts(proxy.acceptedBodies.slice(0, firstAccepted[name]))
      const resent = [...acceptedByKilled.keys()].filter((k) => after.has(k)).length
      expect(resent).toBeLessThanOrEqual(4 * BATCH)
      const total = lineCounts(proxy.acceptedBodies)
      expect(total.size).toBe(POINTS)
      expect(proxy.stats().acceptedLines).toBe(POINTS + resent)
      if (name === 'local') {
        // The batch holding KILL_AT reached the server after the kill: accepted, never checkpointed, so sent again.
        expect(acceptedByKilled.has(keyOfLine[KILL_AT]!)).toBe(true)
        expect(checkpoint!).toBeLessThanOrEqual(KILL_AT)
        expect(resent).toBeGreaterThan(0)
      }
      console.log(`scenario 4: ${name}: checkpoint at line ${checkpoint} of ${POINTS}; ${acceptedByKilled.size} lines accepted in the killed run (${killed.size} acknowledged), ${resent} after the checkpoint, sent again`)
    }
    // Nothing missing in either server.
    const expected = new Set(keyOfLine)
    expect(await influxKeys(influx, 's4')).toEqual(expected)
    expect((await vmCount(vm, 's4_value')).distinct).toBe(POINTS)
  })
})
