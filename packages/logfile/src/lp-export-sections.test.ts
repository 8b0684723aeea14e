// Line-protocol files in the format of InfluxDB 1.x's `influx_inspect export`
// (influxdb cmd/influx_inspect/export: `# DDL`, `CREATE DATABASE <db> WITH NAME <rp>`,
// `# DML`, `# CONTEXT-DATABASE:<db>`, `# CONTEXT-RETENTION-POLICY:<rp>`, points).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { readLogFile } from './read-log-file.js'
import { readLogs } from './read-logs.js'
import type { BadLine, ReadOptions } from './read-types.js'
import { encodeLineProtocol } from './lp-encode.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-export-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function readAll(inputs: string | string[], options: ReadOptions = {}) {
  const bad: BadLine[] = []
  const reader = (Array.isArray(inputs) ? readLogs : readLogFile)(inputs as string, { ...options, onBadLine: (b) => bad.push(b) })
  const points: { line: number; lp: string }[] = []
  for await (const item of reader) points.push({ line: item.line, lp: encodeLineProtocol(item.record) })
  return { points, bad, stats: reader.stats }
}

function file(name: string, text: string): string {
  const p = path.join(dir, name)
  fs.writeFileSync(p, text)
  return p
}

describe('reading an influx_inspect export', () => {
  it('reads its points, and skips the statements of its DDL section without a bad line', async () => {
    const { points, bad, stats } = await readAll(path.join(fixtures, 'influx-export.lp'))
    expect(bad).toEqual([])
    expect(points.map((p) => p.line)).toEqual([8, 9, 10, 12])
    expect(points[3]!.lp).toBe('wea\\,ther,site=a\\=b\\,c hum=55.5 1617672551000000000')
    expect(stats).toMatchObject({ records: 4, badLines: 0 })
  })

  it('stops at a second database, naming the line and both contexts, after reading the points of the first', async () => {
    const exported = path.join(fixtures, 'influx-export-two-databases.lp')
    const { points, bad, stats } = await readAll(exported)
    expect(points.map((p) => p.line)).toEqual([9, 10])
    expect(bad).toEqual([
      {
        file: exported,
        line: 12,
        reason:
          'reading stopped: # CONTEXT-DATABASE at line 12 changes the database of this export from "eht_test" (line 6) to "other"; the points of both would be read as one (the context does not choose where they are written), so the rest of the file is not read: split the file at line 12, one file per database and retention policy',
        text: '',
      },
    ])
    expect(stats).toMatchObject({ records: 2, badLines: 1 })
  })

  it('stops at a second retention policy of the same database; a context said again the same is fine', async () => {
    const head = '# DML\n# CONTEXT-DATABASE: eht\n# CONTEXT-RETENTION-POLICY: autogen\nm v=1 1\n'
    const same = await readAll(file('same.lp', `${head}# CONTEXT-DATABASE:eht\n# CONTEXT-RETENTION-POLICY:autogen\nm v=2 2\n`))
    expect(same.bad).toEqual([])
    expect(same.points.map((p) => p.line)).toEqual([4, 7])
    const other = await readAll(file('rp.lp', `${head}# CONTEXT-DATABASE:eht\n# CONTEXT-RETENTION-POLICY:one_year\nm v=2 2\n`))
    expect(other.points.map((p) => p.line)).toEqual([4])
    expect(other.bad.map((b) => [b.line, b.reason])).toEqual([[6, expect.stringMatching(/^reading stopped: # CONTEXT-RETENTION-POLICY at line 6 changes the retention policy of this export from "autogen" \(line 3\) to "one_year"/)]])
  })

  it('knows the context of the lines before a start offset', async () => {
    const exported = path.join(fixtures, 'influx-export-two-databases.lp')
    const text = fs.readFileSync(exported, 'utf8')
    const afterLine9 = text.split('\n').slice(0, 9).join('\n').length + 1
    const { points, bad } = await readAll(exported, { startOffset: afterLine9 })
    expect(points.map((p) => p.line)).toEqual([10])
    expect(bad.map((b) => b.line)).toEqual([12])
  })

  it('stops only that file among several, and reads the others', async () => {
    const exported = path.join(fixtures, 'influx-export-two-databases.lp')
    const { points, bad } = await readAll([exported, path.join(fixtures, 'influx-export.lp')])
    expect(points).toHaveLength(2 + 4)
    expect(bad.map((b) => `${path.basename(b.file)}:${b.line}`)).toEqual(['influx-export-two-databases.lp:12'])
  })

  it('reads points in a DDL section that has no # DML after it, and reports statements outside a DDL section', async () => {
    const { points, bad } = await readAll(file('ddl.lp', '# DDL\nCREATE DATABASE eht\ncreate retention policy one_year on eht duration 52w replication 1\nm v=1 1\n'))
    expect(points.map((p) => p.line)).toEqual([4])
    expect(bad).toEqual([])
    const outside = await readAll(file('plain.lp', 'CREATE DATABASE eht\nm v=1 1\n'))
    expect(outside.points.map((p) => p.line)).toEqual([2])
    expect(outside.bad.map((b) => [b.line, b.reason])).toEqual([[1, 'column 16: field key "DATABASE" is not followed by "="']])
  })

  it('reads as points the lines of a DDL section that start with a statement word but parse as line protocol', async () => {
    const text = [
      '# DDL',
      'CREATE DATABASE eht WITH NAME autogen',
      'drop count=1i 1700000000000000000',
      'Grant v=2 1700000000000000001',
      'REVOKE,station=Kp v=3 1700000000000000002',
      'ALTER RETENTION POLICY autogen ON eht DURATION 52w',
      'pps v=1 1700000000000000003',
    ].join('\n')
    const { points, bad, stats } = await readAll(file('ddl-points.lp', `${text}\n`))
    expect(bad).toEqual([])
    expect(points).toEqual([
      { line: 3, lp: 'drop count=1i 1700000000000000000' },
      { line: 4, lp: 'Grant v=2 1700000000000000001' },
      { line: 5, lp: 'REVOKE,station=Kp v=3 1700000000000000002' },
      { line: 7, lp: 'pps v=1 1700000000000000003' },
    ])
    expect(stats).toMatchObject({ records: 4, badLines: 0 })
  })
})
