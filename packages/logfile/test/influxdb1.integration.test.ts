// The line protocol written here against a real InfluxDB 1.x (Debian influxd 1.6):
// over HTTP /write and through `influx -import` of a logfile, read back exactly.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeLineProtocol, openLogWriter, type InfluxRecord } from '../src/index.js'
import { escapingCases } from './fixtures/escaping-cases.js'

const run = promisify(execFile)
let server: InfluxDB1Server
let dir: string

beforeAll(async () => {
  server = await startInfluxDB1({ database: 'eht_logfile' })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-lp-influx1-'))
})
afterAll(async () => {
  await server?.stop()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

interface Row {
  measurement: string
  tags: Record<string, string>
  values: Record<string, unknown>
  time: string
}

/** Every point of a measurement, with ns timestamps as text (JSON numbers cannot hold them). */
async function rows(measurement: string, database = 'eht_logfile'): Promise<Row[]> {
  const quoted = `"${measurement.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  const text = await server.queryText(`SELECT * FROM ${quoted} GROUP BY *`, { db: database, epoch: 'ns' })
  const timeText = [...text.matchAll(/\[(-?\d{1,20}),/g)].map((m) => m[1]!)
  const body = JSON.parse(text) as { results: { series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[] }
  let n = 0
  return (body.results[0]!.series ?? []).flatMap((s) =>
    s.values.map((v) => ({
      measurement: s.name,
      tags: Object.fromEntries(Object.entries(s.tags ?? {}).filter(([, t]) => t !== '')),
      values: Object.fromEntries(s.columns.slice(1).map((c, i) => [c, v[i + 1]]).filter(([, x]) => x !== null)),
      time: timeText[n++]!,
    })),
  )
}

/** What InfluxDB 1.x returns for a record's fields (integers as JSON numbers, so keep them small here). */
function expectedValues(record: InfluxRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record.fields).map(([k, f]) => [k, f.type === 'integer' ? Number(f.value) : f.value]))
}

// InfluxDB 1.6 has no unsigned type, and returns integers as JSON numbers.
const onServer = escapingCases
  .map((c, index) => ({ ...c, index }))
  .filter((c) => Object.values(c.record.fields).every((f) => f.type !== 'unsigned' && (f.type !== 'integer' || (f.value < 2n ** 53n && f.value > -(2n ** 53n)))))

describe('line protocol on InfluxDB 1.x', () => {
  it.each(onServer)('stores $name exactly as the record says', async ({ record, index }) => {
    const database = `case_${index}` // one database per case: equal series and times would merge
    await server.queryText(`CREATE DATABASE ${database}`, { method: 'POST' })
    await server.write(encodeLineProtocol(record), database)
    expect(await rows(record.measurement, database)).toEqual([{
      measurement: record.measurement,
      tags: Object.fromEntries(Object.entries(record.tags).filter(([, v]) => v !== '')),
      values: expectedValues(record),
      time: record.timestamp.toString(),
    }])
  })

  it('rejects "time" as a field key, as validateRecord does', async () => {
    await expect(server.write('reserved time=1 1')).rejects.toThrow(/invalid field name|time/)
  })

  it('imports a logfile written by openLogWriter with `influx -import` (after a two-line DML header)', async () => {
    const file = path.join(dir, 'Kp.lp')
    const writer = await openLogWriter({ path: file, format: 'lp', rotate: { kind: 'none' }, fsync: 'always', flushIntervalMs: 0 })
    const records: InfluxRecord[] = Array.from({ length: 50 }, (_, i) => ({
      measurement: 'imported',
      tags: { station: 'Kp', unit: 'H-maser 2' },
      fields: { temp: { type: 'float', value: 21.5 + i / 8 }, n: { type: 'integer', value: BigInt(i) }, note: { type: 'string', value: `say "hi" \\ ${i}` }, ok: { type: 'boolean', value: i % 2 === 0 } },
      timestamp: 1617672549204824064n + BigInt(i),
    }))
    await writer.append(records)
    await writer.close()
    // influx -import needs to be told the database in the file itself: two header lines, then the logfile as it is.
    const importFile = path.join(dir, 'import.txt')
    fs.writeFileSync(importFile, `# DML\n# CONTEXT-DATABASE: eht_logfile\n${fs.readFileSync(file, 'utf8')}`)
    const { stdout, stderr } = await run('influx', ['-host', '127.0.0.1', '-port', String(server.port), '-import', '-path', importFile, '-precision', 'ns'])
    expect(`${stdout}${stderr}`).toMatch(/Processed 50 inserts\s.*Failed 0 inserts/s)
    const stored = await rows('imported')
    expect(stored).toHaveLength(50)
    for (const record of records) {
      expect(stored).toContainEqual({ measurement: 'imported', tags: record.tags, values: expectedValues(record), time: record.timestamp.toString() })
    }
  })
})
