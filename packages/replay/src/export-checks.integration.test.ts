import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { readLogFile, type InfluxRecord } from '@eht-influx-client/logfile'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { ExportOutputError } from './errors.js'
import { exportToLogfile } from './export-to-logfile.js'

// Shard groups are 7 days long (infinite retention): 0, 1e18 and 2e18 ns are in three different ones.
const S1 = 0n
const S2 = 1_000_000_000_000_000_000n
const S3 = 2_000_000_000_000_000_000n
const ALL = { since: -(2n ** 62n), until: 2n ** 62n }
// A field with one type keeps it exactly, next to measurements whose fields changed type between shards.
const EXACT = [`exact big=9007199254740993i,f=3.0 ${S1}`, `exact big=-9223372036854775808i,f=2.5 ${S2}`, `other,station=Kp on=true,s="x" ${S3}`]
const MIXED = [
  // float, string, boolean across shards: InfluxQL answers only the floats.
  `mixed v=1.5 ${S1}`,
  `mixed v="text" ${S2}`,
  `mixed v=true ${S3}`,
  // integer and float across shards: InfluxQL answers floats, 9007199254740993 as 9007199254740992.
  `intfloat,station=Kp n=9007199254740993i ${S1}`,
  `intfloat,station=Kp n=3.0,ok=1i ${S2}`,
]

let influx: InfluxDB1Server

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'checks_test' })
  await influx.write([...EXACT, ...MIXED].join('\n'))
  // A second retention policy holding a measurement the default one (autogen) does not have.
  await influx.queryText('CREATE RETENTION POLICY "other" ON "checks_test" DURATION INF REPLICATION 1', { db: 'checks_test', method: 'POST' })
  const res = await fetch(`${influx.url}/write?${new URLSearchParams({ db: 'checks_test', rp: 'other', precision: 'ns' })}`, { method: 'POST', body: `only_other v=1 ${S1}` })
  expect(res.status).toBe(204)
})
afterAll(async () => {
  await influx?.stop()
  removeTempDirs()
})

const config = (dir: string) => testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1', bucket: 'checks_test' }])

async function records(file: string): Promise<InfluxRecord[]> {
  const out: InfluxRecord[] = []
  for await (const item of readLogFile(file)) out.push(item.record)
  return out
}

describe('exportToLogfile refuses what it cannot export exactly', () => {
  it('leaves out, loudly, a measurement with a field of several types across shards, and exports the others exactly', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'all.lp')
    const summary = await exportToLogfile({ config: config(dir), server: 'local', ...ALL, output })
    expect(fs.readFileSync(output, 'utf8')).toBe(`${EXACT.map((l) => l.replace('f=3.0', 'f=3').replace('on=true', 'on=T')).sort((a, b) => Number(BigInt(a.split(' ').at(-1)!) - BigInt(b.split(' ').at(-1)!))).join('\n')}\n`)
    expect(summary.points).toBe(EXACT.length)
    expect(summary.conflicts).toEqual([
      { measurement: 'intfloat', field: 'n', types: ['float', 'integer'] },
      { measurement: 'mixed', field: 'v', types: ['boolean', 'float', 'string'] },
    ])
    expect(summary.warnings).toHaveLength(2)
    expect(summary.warnings[0]).toMatch(/^measurement "intfloat" was NOT exported: field "n" has the types float, integer in different shards of checks_test/)
    expect(summary.warnings[1]).toMatch(/^measurement "mixed" was NOT exported: field "v" has the types boolean, float, string in different shards/)
    expect(summary.warnings[1]).toContain('SHOW SHARDS')
  })

  it('keeps the exact integer path for a field of one type', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'exact.jsonl')
    const summary = await exportToLogfile({ config: config(dir), server: 'local', ...ALL, output, measurements: ['exact'] })
    expect(summary.warnings).toEqual([])
    const got = await records(output)
    expect(got.map((r) => r.fields)).toEqual([
      { big: { type: 'integer', value: 9007199254740993n }, f: { type: 'float', value: 3 } },
      { big: { type: 'integer', value: -9223372036854775808n }, f: { type: 'float', value: 2.5 } },
    ])
  })

  it('names a measurement the server does not have, with the right case or a near name', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'names.lp')
    const summary = await exportToLogfile({ config: config(dir), server: 'local', ...ALL, output, measurements: ['EXACT', 'othr', 'nothing_like_it', 'exact'] })
    expect(summary.points).toBe(2)
    expect(summary.unknownMeasurements).toEqual(['EXACT', 'othr', 'nothing_like_it'])
    expect(summary.warnings[0]).toMatch(/^measurement "EXACT" is not on server "local" \(http:[^)]+\) \(database "checks_test"\), so nothing of it was exported \(names are case-sensitive: did you mean "exact"\?\)/)
    expect(summary.warnings[1]).toContain('measurement "othr" is not on server "local"')
    expect(summary.warnings[1]).toContain('(did you mean "other"?)')
    expect(summary.warnings[2]).toContain('; it has "exact", "intfloat", "mixed", "other"')
    expect(summary.warnings[2]).not.toContain('did you mean')
  })

  it('with a db/rp bucket, checks the measurements against that retention policy, not the whole database', async () => {
    const dir = tempDir()
    const rpConfig = (bucket: string) => testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1', bucket }])
    // only_other is in the database (SHOW MEASUREMENTS lists it) but not in autogen: exporting it from autogen would give nothing.
    const autogen = await exportToLogfile({ config: rpConfig('checks_test/autogen'), server: 'local', ...ALL, output: path.join(dir, 'autogen.lp'), measurements: ['only_other', 'exact'] })
    expect(autogen).toMatchObject({ points: 2, unknownMeasurements: ['only_other'] })
    expect(autogen.warnings).toHaveLength(1)
    expect(autogen.warnings[0]).toMatch(/^measurement "only_other" is not on server "local" \(http:[^)]+\) \(retention policy "checks_test\/autogen"\), so nothing of it was exported; it has "exact", "intfloat", "mixed", "other"$/)
    // From its own retention policy it is known and exported, and the others are not.
    const other = await exportToLogfile({ config: rpConfig('checks_test/other'), server: 'local', ...ALL, output: path.join(dir, 'other.lp'), measurements: ['only_other', 'exact'] })
    expect(other).toMatchObject({ points: 1, unknownMeasurements: ['exact'] })
    expect(fs.readFileSync(path.join(dir, 'other.lp'), 'utf8')).toBe(`only_other v=1 ${S1}\n`)
    // All measurements of the policy: only its own are read.
    const all = await exportToLogfile({ config: rpConfig('checks_test/other'), server: 'local', ...ALL, output: path.join(dir, 'all-other.lp') })
    expect(all).toMatchObject({ points: 1, warnings: [] })
  })

  it('queries nothing when no measurement asked for is there', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'none.lp')
    const summary = await exportToLogfile({ config: config(dir), server: 'local', ...ALL, output, measurements: ['nope', 'mixed'] })
    expect(summary).toMatchObject({ points: 0, windows: 0, unknownMeasurements: ['nope'] })
    expect(summary.warnings).toHaveLength(2)
    expect(fs.readFileSync(output, 'utf8')).toBe('')
  })

  it('writes gzip to a .gz output, which the logfile reader reads back', async () => {
    const dir = tempDir()
    const plain = path.join(dir, 'plain.lp')
    const gz = path.join(dir, 'dump.lp.gz')
    await exportToLogfile({ config: config(dir), server: 'local', ...ALL, output: plain, measurements: ['exact', 'other'] })
    const summary = await exportToLogfile({ config: config(dir), server: 'local', ...ALL, output: gz, measurements: ['exact', 'other'] })
    expect(summary).toMatchObject({ output: gz, format: 'lp', points: 3 })
    expect(zlib.gunzipSync(fs.readFileSync(gz)).toString('utf8')).toBe(fs.readFileSync(plain, 'utf8'))
    expect(await records(gz)).toEqual(await records(plain))
    // No temporary file is left beside it.
    expect(fs.readdirSync(dir).sort()).toEqual(['config.ini', 'dump.lp.gz', 'plain.lp'])
    // `gzip: true` compresses a name without .gz (as the CLI's temporary file).
    const named = path.join(dir, 'tmp-name')
    await exportToLogfile({ config: config(dir), server: 'local', ...ALL, output: named, format: 'lp', gzip: true, measurements: ['exact', 'other'] })
    expect(zlib.gunzipSync(fs.readFileSync(named)).toString('utf8')).toBe(fs.readFileSync(plain, 'utf8'))
  })

  it('refuses a directory as the output before reading anything', async () => {
    const dir = tempDir()
    const error = await exportToLogfile({ config: config(dir), server: 'local', ...ALL, output: dir }).catch((e: unknown) => e)
    expect(ExportOutputError.isInstance(error)).toBe(true)
    expect((error as Error).message).toContain('already exists and is not a file')
  })
})

describe('exportToLogfile, points a logfile cannot hold and the caller\'s callbacks', () => {
  // A database of their own: the tests above export every measurement of checks_test.
  const OWN = 'skips_test'
  const NEWLINE = `nl,rx=R1,station=Kp v="a\nb" ${S1}`
  const GOOD = [`nl,rx=R1,station=Kp v="ab" ${S2}`, `ok,station=Pv w=1i ${S3}`]
  beforeAll(async () => {
    await influx.queryText(`CREATE DATABASE ${OWN}`, { method: 'POST' })
    await influx.write([NEWLINE, ...GOOD].join('\n'), OWN)
  })
  const own = (dir: string) => testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1', bucket: OWN }])

  it('names the series (measurement and tags) and time of a point it skips', async () => {
    const dir = tempDir()
    const output = path.join(dir, 'skips.lp')
    const summary = await exportToLogfile({ config: own(dir), server: 'local', ...ALL, output })
    expect(summary).toMatchObject({ points: 2, skipped: 1 })
    expect(summary.skippedReasons).toHaveLength(1)
    expect(summary.skippedReasons[0]).toMatch(new RegExp(`^point of measurement "nl", tags \\{"rx":"R1","station":"Kp"\\} at ${S1} ns: string field "v" contains a newline`))
    expect(fs.readFileSync(output, 'utf8')).toBe(`${GOOD.join('\n')}\n`)
  })

  it('an async onProgress that rejects, or one that throws, stops neither the export nor the process', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const dir = tempDir()
      let calls = 0
      const failing = async () => {
        calls++
        await null
        throw new Error('progress display failed')
      }
      const summary = await exportToLogfile({ config: own(dir), server: 'local', ...ALL, output: path.join(dir, 'a.lp'), onProgress: failing })
      expect(summary.points).toBe(2)
      expect(calls).toBeGreaterThanOrEqual(1)
      const thrown = await exportToLogfile({ config: own(dir), server: 'local', ...ALL, output: path.join(dir, 'b.lp'), onProgress: () => { throw new Error('sync') } })
      expect(thrown.points).toBe(2)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
