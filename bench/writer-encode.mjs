// Rows -> line protocol: @eht-influx-client/writer (rowsToLineProtocol, the
// validation and encoding write() does) next to building official Points and
// calling toLineProtocol(), on the same rows, in the same run.
// Goal: at least 3x. Size: WRITER_BENCH_POINTS (default 1000000).
import { Point } from '@influxdata/influxdb-client'
import { rowsToLineProtocol } from '@eht-influx-client/writer'

const total = Number(process.env.WRITER_BENCH_POINTS ?? process.argv[2] ?? 1_000_000)
const chunk = 5000
const start = 1617672549204824064n
const rows = Array.from({ length: total }, (_, i) => ({
  station: i % 2 ? 'Kp' : 'Pv',
  recorder: `r${i % 4}`,
  pps_offset: Math.sin(i) * 1e-6,
  maser_temp: 20 + (i % 100) / 10,
  locked: i % 7 !== 0,
  timestamp: start + BigInt(i) * 1_000_000n,
}))
const tags = ['station', 'recorder']

function ours() {
  let bytes = 0
  for (let i = 0; i < total; i += chunk) {
    const lines = rowsToLineProtocol({ record: rows.slice(i, i + chunk), dataFrameMeasurementName: 'station_health', dataFrameTagColumns: tags })
    for (const line of lines) bytes += line.length
  }
  return bytes
}

function official() {
  let bytes = 0
  for (const row of rows) {
    const line = new Point('station_health')
      .tag('station', row.station)
      .tag('recorder', row.recorder)
      .floatField('pps_offset', row.pps_offset)
      .floatField('maser_temp', row.maser_temp)
      .booleanField('locked', row.locked)
      .timestamp(String(row.timestamp))
      .toLineProtocol()
    bytes += line.length
  }
  return bytes
}

/** The floor: one template literal per row, no validation, no escaping (not a usable encoder). */
function floor() {
  let bytes = 0
  for (const r of rows) bytes += `station_health,recorder=${r.recorder},station=${r.station} locked=${r.locked},maser_temp=${r.maser_temp},pps_offset=${r.pps_offset} ${r.timestamp}`.length
  return bytes
}

/** Seconds of one run, after a garbage collection. */
function timed(run) {
  globalThis.gc?.()
  const t0 = process.hrtime.bigint()
  const bytes = run()
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, bytes }
}

// Warm both up, then alternate them; report each one's best of three rounds.
const candidates = [
  { name: 'writer rowsToLineProtocol (validated)', run: ours, best: Infinity, bytes: 0 },
  { name: 'baseline: official Point + toLineProtocol()', run: official, best: Infinity, bytes: 0 },
  { name: 'reference: bare template literal (floor)', run: floor, best: Infinity, bytes: 0 },
]
for (const c of candidates) c.run()
for (let round = 0; round < 3; round++) {
  for (const c of candidates) {
    const { seconds, bytes } = timed(c.run)
    c.best = Math.min(c.best, seconds)
    c.bytes = bytes
  }
}
console.log(`rows -> line protocol, ${total.toLocaleString('en-US')} rows (2 tags, 3 fields, ns timestamps), best of 3`)
for (const c of candidates) {
  const rate = total / c.best
  console.log(`${c.name.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} points/s  (${c.best.toFixed(2)} s, ${(c.bytes / 1e6).toFixed(0)} MB of LP)`)
}
console.log(`ratio: ${(candidates[1].best / candidates[0].best).toFixed(2)}x (goal >= 3x); the floor would be ${(candidates[1].best / candidates[2].best).toFixed(2)}x`)
