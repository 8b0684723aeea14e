// A logfile replayed through the InfluxDB v2 write API (the path @influxdata/influxdb-client
// takes), into a real VictoriaMetrics: escaped names and every numeric type arrive.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startVictoriaMetrics, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeLineProtocol, openLogWriter, readLogs, type InfluxRecord } from '../src/index.js'

let server: VictoriaMetricsServer
let dir: string
beforeAll(async () => {
  server = await startVictoriaMetrics()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-lp-vm-'))
})
afterAll(async () => {
  await server?.stop()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

const t0 = 1617672549204000000n // whole ms: VictoriaMetrics keeps ms

describe('logfile -> line protocol -> /api/v2/write (VictoriaMetrics)', () => {
  it('delivers every record of a rotated JSONL logfile with its escaped tags and numeric values', async () => {
    let now = new Date('2024-01-01T10:59:00Z')
    const writer = await openLogWriter({ path: path.join(dir, 'Kp-%Y%m%d%H.jsonl'), format: 'jsonl', rotate: { kind: 'hourly' }, fsync: 'never', flushIntervalMs: 0, now: () => now })
    const records: InfluxRecord[] = Array.from({ length: 40 }, (_, i) => ({
      measurement: 'maser',
      tags: { station: 'Kp', unit: 'H-maser 2, "main"=A' },
      fields: { temp: { type: 'float', value: 21.5 + i / 4 }, count: { type: 'integer', value: BigInt(-i) }, locked: { type: 'boolean', value: i % 2 === 0 }, note: { type: 'string', value: 'ignored by VictoriaMetrics' } },
      timestamp: t0 + BigInt(i) * 1_000_000_000n,
    }))
    await writer.append(records.slice(0, 20))
    now = new Date('2024-01-01T11:00:00Z')
    await writer.append(records.slice(20))
    await writer.close()

    const lines: string[] = []
    for await (const item of readLogs(dir)) lines.push(encodeLineProtocol(item.record))
    expect(lines).toHaveLength(40)
    const res = await fetch(`${server.url}/api/v2/write?bucket=eht&precision=ns`, { method: 'POST', body: lines.join('\n') })
    expect(res.status).toBe(204)

    const temp = await server.export('{__name__="maser_temp"}')
    expect(temp).toHaveLength(1)
    expect(temp[0]!.metric).toMatchObject({ station: 'Kp', unit: 'H-maser 2, "main"=A' })
    expect(temp[0]!.timestamps).toEqual(records.map((r) => Number(r.timestamp / 1_000_000n)))
    expect(temp[0]!.values).toEqual(records.map((r) => r.fields.temp!.value))
    const count = await server.export('{__name__="maser_count"}')
    expect(count[0]!.values).toEqual(records.map((_, i) => (i === 0 ? 0 : -i)))
    const locked = await server.export('{__name__="maser_locked"}')
    expect(locked[0]!.values).toEqual(records.map((_, i) => (i % 2 === 0 ? 1 : 0)))
  })
})

describe('field keys the record rules accept (VictoriaMetrics)', () => {
  it('stores each under its own name with its value and time; a key with a double quote, which it would store wrong, is refused', async () => {
    // Every character a field key may hold that line protocol escapes or that JSON, CSV or a shell treat specially.
    const keys = ['a b', 'a,b', 'a=b', 'a\\b', "a'b", 'a#b', 'a{b}', 'a:b', 'é☃🔭', 'a=', 'C:\\data']
    const records: InfluxRecord[] = keys.map((key, i) => ({ measurement: 'fk', tags: { station: 'Kp' }, fields: { [key]: { type: 'float', value: i + 0.5 } }, timestamp: t0 + BigInt(i) * 1_000_000_000n }))
    const file = path.join(dir, 'keys.lp')
    const writer = await openLogWriter({ path: file, format: 'lp', rotate: { kind: 'none' }, fsync: 'never' })
    await writer.append(records)
    await expect(writer.append([{ ...records[0]!, fields: { 'temp"C': { type: 'float', value: 1 } } }])).rejects.toThrow('contains a double quote')
    await writer.close()
    const lines: string[] = []
    for await (const item of readLogs(file)) lines.push(encodeLineProtocol(item.record))
    expect(lines).toHaveLength(keys.length)
    const res = await fetch(`${server.url}/api/v2/write?bucket=eht&precision=ns`, { method: 'POST', body: lines.join('\n') })
    expect(res.status).toBe(204)
    const stored = await server.export('{__name__=~"fk_.*"}')
    const byName = new Map(stored.map((s) => [String(s.metric.__name__), s]))
    for (const [i, key] of keys.entries()) {
      const series = byName.get(`fk_${key}`)
      expect(series, `field key ${JSON.stringify(key)}: stored as ${JSON.stringify([...byName.keys()])}`).toBeDefined()
      expect(series!.values).toEqual([i + 0.5])
      expect(series!.timestamps).toEqual([Number(records[i]!.timestamp / 1_000_000n)])
    }
  })
})
