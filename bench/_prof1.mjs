import { validateRecord, encodeJsonl, encodeLineProtocol, CsvEncoder, decodeJsonl, decodeLineProtocol, CsvDecoder } from '@eht-influx-client/logfile'
const t0 = 1_700_000_000_000_000_000n
function makeRecord(i) {
  const kind = i % 3
  const timestamp = t0 + BigInt(i) * 1_000_000n
  if (kind === 0) return { measurement: 'pps_offset', tags: { station: 'Kp', host: 'recorder1' }, fields: { offset_ns: { type: 'integer', value: BigInt((i % 200) - 100) }, locked: { type: 'boolean', value: i % 7 !== 0 } }, timestamp }
  if (kind === 1) return { measurement: 'maser', tags: { station: 'Kp', unit: 'H-maser 2' }, fields: { temperature: { type: 'float', value: 21.5 + (i % 1000) / 997 }, voltage: { type: 'float', value: 12.000123 + i / 1e7 } }, timestamp }
  return { measurement: 'weather', tags: { station: 'Kp' }, fields: { wind_ms: { type: 'float', value: (i % 300) / 10 }, summary: { type: 'string', value: i % 5 === 0 ? 'gusty, "cold"' : 'clear' }, pressure: { type: 'unsigned', value: 70000n + BigInt(i % 500) } }, timestamp }
}
const pool = Array.from({ length: 10000 }, (_, i) => makeRecord(i))
function time(name, fn, n = 1_000_000) {
  for (let i = 0; i < 100000; i++) fn(pool[i % 10000], i)
  const s = process.hrtime.bigint()
  for (let i = 0; i < n; i++) fn(pool[i % 10000], i)
  const ns = Number(process.hrtime.bigint() - s) / n
  console.log(name.padEnd(20), ns.toFixed(0), 'ns/op')
}
time('validate', validateRecord)
time('jsonl encode', encodeJsonl)
time('lp encode', encodeLineProtocol)
const c = new CsvEncoder()
time('csv encode', (r) => c.encode([r]))
time('ts toString', (r) => String(r.timestamp))
time('float String', (r) => String(12.000123 + r.fields?.voltage?.value))
const jl = pool.map(encodeJsonl), lp = pool.map(encodeLineProtocol)
time('JSON.parse', (r, i) => JSON.parse(jl[i % 10000]))
time('jsonl decode', (r, i) => decodeJsonl(jl[i % 10000]))
time('lp decode', (r, i) => decodeLineProtocol(lp[i % 10000]))
