import fs from 'node:fs'
import path from 'node:path'
import { encodeLineProtocol, type InfluxRecord, type LogFormat } from '@eht-influx-client/logfile'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtureRecords, fixtures, removeTempDirs, tempDir, testConfig, writeLog } from '../test/support.js'
import { ExportOutputError, ExportQueryError } from './errors.js'
import { exportToLogfile } from './export-to-logfile.js'
import { replay } from './replay.js'

let influx: InfluxDB1Server
let station: InfluxRecord[]
const SINCE = 1617672549000000000n
const UNTIL = 1617672553000000000n

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'export_test' })
  station = await fixtureRecords('station.lp')
  // logfile -> replay -> server: the first half of the round trip.
  const dir = tempDir()
  const summary = await replay({ config: testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1', bucket: 'export_test' }]), inputs: path.join(fixtures, 'station.lp') })
  expect(summary.servers.local!.accepted).toBe(station.length)
})
afterAll(async () => {
  await influx?.stop()
  removeTempDirs()
})

/** Writes line protocol into retention policy `rp` of the test database. */
async function writeTo(rp: string, lines: string): Promise<void> {
  const res = await fetch(`${influx.url}/write?${new URLSearchParams({ db: 'export_test', rp, precision: 'ns' })}`, { method: 'POST', body: lines })
  expect(res.status).toBe(204)
}

function exportConfig(dir: string, bucket = 'export_test') {
  return testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1', bucket }])
}

describe('exportToLogfile from InfluxDB 1.x', () => {
  it('gives back the logfile byte for byte (line protocol), every field type intact', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'export.lp')
    const summary = await exportToLogfile({ config: exportConfig(dir), server: 'local', since: SINCE, until: UNTIL, output })
    expect(summary).toMatchObject({ server: 'local', format: 'lp', points: station.length, skipped: 0, windows: 1 })
    expect(fs.readFileSync(output, 'utf8')).toBe(fs.readFileSync(path.join(fixtures, 'station.lp'), 'utf8'))
    const types = new Set(station.flatMap((r) => Object.values(r.fields).map((f) => f.type)))
    expect([...types].sort()).toEqual(['boolean', 'float', 'integer', 'string'])
  })

  it.each<[LogFormat]>([['jsonl'], ['csv']])('writes %s exactly as the station logfile writer does', async (format) => {
    const dir = tempDir()
    const output = path.join(dir, `export.${format}`)
    await exportToLogfile({ config: exportConfig(dir), server: 'local', since: SINCE, until: UNTIL, output })
    const expected = await writeLog(path.join(dir, `expected.${format}`), format, station)
    expect(fs.readFileSync(output, 'utf8')).toBe(fs.readFileSync(expected, 'utf8'))
  })

  it('streams in many small time windows with the same result, memory bounded by the window', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'small-windows.lp')
    const progress: number[] = []
    const summary = await exportToLogfile({ config: exportConfig(dir), server: 'local', since: 0n, until: 2n ** 62n, output, windowPoints: 3, onProgress: (p) => progress.push(p.points) })
    expect(summary.windows).toBeGreaterThan(5)
    expect(fs.readFileSync(output, 'utf8')).toBe(fs.readFileSync(path.join(fixtures, 'station.lp'), 'utf8'))
    expect(progress.at(-1)).toBe(station.length)
  })

  it('exports a measurement whose name has quotes and spaces, and only it', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'room.lp')
    const name = 'control room "A"'
    await exportToLogfile({ config: exportConfig(dir), server: 'local', measurements: [name], since: SINCE, until: UNTIL, output })
    const expected = station.filter((r) => r.measurement === name)
    expect(expected.length).toBeGreaterThan(0)
    expect(fs.readFileSync(output, 'utf8')).toBe(expected.map((r) => `${encodeLineProtocol(r)}\n`).join(''))
  })

  it('takes a measurement name as a name, never as query text', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'inject.lp')
    const hostile = ['pps_offset"; DROP DATABASE "export_test', 'pps_offset" OR time > 0 --', 'x\\" ; DROP MEASUREMENT "pps_offset']
    const summary = await exportToLogfile({ config: exportConfig(dir), server: 'local', measurements: hostile, since: SINCE, until: UNTIL, output })
    expect(summary.points).toBe(0)
    const databases = await influx.queryText('SHOW DATABASES')
    expect(databases).toContain('export_test')
    expect(await influx.countPoints('pps_offset', 'export_test')).toBe(station.filter((r) => r.measurement === 'pps_offset').length)
  })

  it('keeps exactly the points in [since, until) at ns precision', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'range.out')
    const since = station[3]!.timestamp
    const until = station[10]!.timestamp
    await exportToLogfile({ config: exportConfig(dir), server: 'local', since, until, output, format: 'lp' })
    expect(fs.readFileSync(output, 'utf8')).toBe(station.slice(3, 10).map((r) => `${encodeLineProtocol(r)}\n`).join(''))
  })

  it('reads a db/retention_policy bucket', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'rp.lp')
    const summary = await exportToLogfile({ config: exportConfig(dir, 'export_test/autogen'), server: 'local', since: SINCE, until: UNTIL, output })
    expect(summary.points).toBe(station.length)
  })

  it('reads a bucket whose retention policy is not the default with that policy\'s field types', async () => {
    // SHOW FIELD KEYS without FROM answers for the default policy only, where `typed.n` is a float.
    const rp = 'other "rp"'
    await influx.queryText(`CREATE RETENTION POLICY "other \\"rp\\"" ON "export_test" DURATION INF REPLICATION 1`, { method: 'POST' })
    const dir = tempDir()
    const bucket = `export_test/${rp}`
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1', bucket }])
    const summary = await replay({ config, inputs: path.join(fixtures, 'station.lp') })
    expect(summary.servers.local!.accepted).toBe(station.length)
    await writeTo(rp, 'typed,station=Kp n=5i,flag=true 1617672552000000000')
    await influx.write('typed,station=Kp n=5.5,flag="x" 1617672552000000000')
    const output = path.join(dir, 'rp-types.lp')
    const exported = await exportToLogfile({ config, server: 'local', since: SINCE, until: UNTIL, output })
    expect(exported.points).toBe(station.length + 1)
    expect(fs.readFileSync(output, 'utf8')).toBe(`${fs.readFileSync(path.join(fixtures, 'station.lp'), 'utf8')}typed,station=Kp flag=T,n=5i 1617672552000000000\n`)
  })

  it('names the server and the query when the server refuses it, and never overwrites a file', async () => {
    const dir = tempDir()
    const error = await exportToLogfile({ config: exportConfig(dir, 'missing_test'), server: 'local', since: SINCE, until: UNTIL, output: path.join(dir, 'x.lp') }).catch((e: unknown) => e)
    expect(ExportQueryError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/server "local" \(http:\/\/127\.0\.0\.1:\d+\) could not run the query .*database not found: missing_test/)
    const existing = path.join(dir, 'existing.lp')
    fs.writeFileSync(existing, 'keep me\n')
    await expect(exportToLogfile({ config: exportConfig(dir), server: 'local', since: SINCE, until: UNTIL, output: existing })).rejects.toSatisfy((e: unknown) => ExportOutputError.isInstance(e))
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep me\n')
  })
})
