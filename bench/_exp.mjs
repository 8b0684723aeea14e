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
  let x = 0
  for (let i = 0; i < 200000; i++) x += fn(pool[i % 10000], i).length
  const s = process.hrtime.bigint()
  for (let i = 0; i < n; i++) x += fn(pool[i % 10000], i).length
  const ns = Number(process.hrtime.bigint() - s) / n
  console.log(name.padEnd(20), ns.toFixed(0), 'ns/op', x > 0 ? '' : '!')
}
time('ts only', (r) => `{"time":"${r.timestamp}"`)
time('ts+meas', (r) => `{"time":"${r.timestamp}","measurement":"${r.measurement}"`)
time('tags forin', (r) => { let s = ''; for (const k in r.tags) s += `"${k}":"${r.tags[k]}",`; return s })
time('fields forin type', (r) => { let s = ''; for (const k in r.fields) { const f = r.fields[k]; s += `"${k}":${f.type === 'float' ? String(f.value) : f.type === 'string' ? '"' + f.value + '"' : f.type === 'boolean' ? (f.value ? 'true' : 'false') : '{"i":"' + f.value + '"}'},` } return s })
time('JSON.stringify rec', (r) => JSON.stringify(r, (k, v) => typeof v === 'bigint' ? String(v) : v))
time('Object.keys tags', (r) => Object.keys(r.tags))
time('bigint tostring', (r) => r.timestamp.toString())
time('float tostring', (r) => String(r.fields.voltage?.value ?? 1.5))
const re = /["\\\x00-\x1f]/
time('regex x5', (r) => { let n = 0; for (const k in r.tags) { if (re.test(k)) n++; if (re.test(r.tags[k])) n++ } if (re.test(r.measurement)) n++; return 'a' })
const cache = new Map()
const q = (s) => { let v = cache.get(s); if (v === undefined) { v = re.test(s) ? JSON.stringify(s) : `"${s}"`; cache.set(s, v) } return v }
const kcache = new Map()
const kq = (s) => { let v = kcache.get(s); if (v === undefined) { v = (re.test(s) ? JSON.stringify(s) : `"${s}"`) + ':'; kcache.set(s, v) } return v }
function jv(f) { switch (f.type) { case 'float': return String(f.value); case 'integer': return `{"i":"${f.value}"}`; case 'unsigned': return `{"u":"${f.value}"}`; case 'string': return re.test(f.value) ? JSON.stringify(f.value) : `"${f.value}"`; case 'boolean': return f.value ? 'true' : 'false' } }
time('cached jsonl', (r) => {
  let line = `{"time":"${r.timestamp}","measurement":${q(r.measurement)},"tags":{`
  let sep = ''
  const tags = r.tags
  for (const k in tags) { const v = tags[k]; if (v === '') continue; line += sep + kq(k) + q(v); sep = ',' }
  line += '},"fields":{'
  sep = ''
  const fields = r.fields
  for (const k in fields) { line += sep + kq(k) + jv(fields[k]); sep = ',' }
  return line + '}}'
})
