import { openLogWriter, readLogFile } from '@eht-influx-client/logfile'
import os from 'node:os'; import path from 'node:path'; import fs from 'node:fs'
const fmt = process.argv[2] ?? 'jsonl'
const t0 = 1_700_000_000_000_000_000n
function makeRecord(i) {
  const kind = i % 3
  const timestamp = t0 + BigInt(i) * 1_000_000n
  if (kind === 0) return { measurement: 'pps_offset', tags: { station: 'Kp', host: 'recorder1' }, fields: { offset_ns: { type: 'integer', value: BigInt((i % 200) - 100) }, locked: { type: 'boolean', value: i % 7 !== 0 } }, timestamp }
  if (kind === 1) return { measurement: 'maser', tags: { station: 'Kp', unit: 'H-maser 2' }, fields: { temperature: { type: 'float', value: 21.5 + (i % 1000) / 997 }, voltage: { type: 'float', value: 12.000123 + i / 1e7 } }, timestamp }
  return { measurement: 'weather', tags: { station: 'Kp' }, fields: { wind_ms: { type: 'float', value: (i % 300) / 10 }, summary: { type: 'string', value: i % 5 === 0 ? 'gusty, "cold"' : 'clear' }, pressure: { type: 'unsigned', value: 70000n + BigInt(i % 500) } }, timestamp }
}
const pool = Array.from({ length: 10000 }, (_, i) => makeRecord(i))
const file = path.join(os.tmpdir(), 'prof6.' + fmt)
fs.rmSync(file, { force: true })
const w = await openLogWriter({ path: file, format: fmt, rotate: { kind: 'none' }, fsync: 'never', flushIntervalMs: 1000 })
for (let i = 0; i < 30; i++) await w.append(pool)
await w.close()
const s = process.hrtime.bigint()
let n = 0
for await (const item of readLogFile(file)) n++
console.log(n, Number(process.hrtime.bigint() - s) / n, 'ns/record')
fs.rmSync(file)
